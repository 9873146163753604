package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ServingVersions: which version serves, from the d2v.models log")
class ServingVersionsTest {

    private final ServingVersions fold = new ServingVersions();

    @Test
    @DisplayName("the most recent ACTIVE record serves; CANDIDATE and REJECTED records do not change it")
    void mostRecentActive() {
        apply(1, ModelStatus.ACTIVE);
        apply(2, ModelStatus.CANDIDATE);
        assertThat(fold.active(Modality.TEXT).map(ModelVersion::getVersion)).as("v2 only a candidate").contains(1);
        apply(2, ModelStatus.ACTIVE);
        apply(3, ModelStatus.CANDIDATE);
        apply(3, ModelStatus.REJECTED);
        assertThat(fold.active(Modality.TEXT).map(ModelVersion::getVersion)).as("v3 rejected").contains(2);
        assertThat(fold.previousActive(Modality.TEXT).map(ModelVersion::getVersion)).as("before v2").contains(1);
        assertThat(fold.state(Modality.TEXT, 3).map(ModelVersion::getStatus)).contains(ModelStatus.REJECTED);
        assertThat(fold.active(Modality.IMAGE)).as("another modality").isEmpty();
    }

    @Test
    @DisplayName("a rollback (older version ACTIVE again, newer RETIRED) serves the older one; a tombstone forgets a key")
    void rollbackAndTombstone() {
        apply(1, ModelStatus.ACTIVE);
        apply(2, ModelStatus.ACTIVE);
        apply(1, ModelStatus.ACTIVE);
        apply(2, ModelStatus.RETIRED);
        assertThat(fold.active(Modality.TEXT).map(ModelVersion::getVersion)).contains(1);
        assertThat(fold.previousActive(Modality.TEXT)).as("nothing else ACTIVE").isEmpty();
        fold.apply("TEXT/1", null);
        assertThat(fold.active(Modality.TEXT)).isEmpty();
    }

    @Test
    @DisplayName("a version announced ACTIVE and then REJECTED (it failed to load) gives way to the one before")
    void rejectedAfterActive() {
        apply(1, ModelStatus.ACTIVE);
        apply(2, ModelStatus.ACTIVE);
        apply(2, ModelStatus.REJECTED);
        assertThat(fold.active(Modality.TEXT).map(ModelVersion::getVersion)).contains(1);
    }

    @Test
    @DisplayName("modalities are independent, and a modality with no ACTIVE record has none")
    void perModality() {
        fold.apply("IMAGE/4", ModelVersion.newBuilder().setModality(Modality.IMAGE).setModel("m").setVersion(4)
                .setUri("image/v4").setSha256("").setDim(64).setStatus(ModelStatus.ACTIVE).setCreatedAtMs(0).build());
        assertThat(fold.active(Modality.IMAGE).map(ModelVersion::getVersion)).contains(4);
        assertThat(fold.active(Modality.TEXT)).isEmpty();
    }

    @Test
    @DisplayName("activeNewestFirst lists every version still ACTIVE, the serving one first, for a reader that refuses it")
    void activeNewestFirst() {
        apply(1, ModelStatus.ACTIVE);
        apply(2, ModelStatus.ACTIVE);
        apply(3, ModelStatus.ACTIVE);
        apply(2, ModelStatus.RETIRED);
        assertThat(fold.activeNewestFirst(Modality.TEXT)).extracting(ModelVersion::getVersion)
                .as("ACTIVE text versions, newest record first").containsExactly(3, 1);
        assertThat(fold.activeNewestFirst(Modality.AUDIO)).as("a modality with none").isEmpty();
    }

    private void apply(int version, ModelStatus status) {
        fold.apply("TEXT/" + version, ModelVersion.newBuilder().setModality(Modality.TEXT).setModel("m").setVersion(version)
                .setUri("text/v" + version).setSha256("").setDim(64).setStatus(status).setCreatedAtMs(0).build());
    }
}
