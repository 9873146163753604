package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AnnouncementFold: which version serves, from the d2v.models log")
class AnnouncementFoldTest {

    private final AnnouncementFold fold = new AnnouncementFold();

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

    private void apply(int version, ModelStatus status) {
        fold.apply("TEXT/" + version, ModelVersion.newBuilder().setModality(Modality.TEXT).setModel("m").setVersion(version)
                .setUri("text/v" + version).setSha256("").setDim(64).setStatus(status).setCreatedAtMs(0).build());
    }
}
