package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ModelVersionKeys;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Folding the d2v.models log into the serving version")
class ActiveVersionsTest {
    private final ActiveVersions versions = new ActiveVersions();

    private void announce(io.d2vstreams.avro.Modality modality, int version, ModelStatus status) {
        ModelVersion v = ModelVersion.newBuilder().setModality(modality).setModel("m").setVersion(version)
                .setUri(modality.name().toLowerCase() + "/v" + version).setSha256("").setDim(8).setStatus(status)
                .setCreatedAtMs(0).build();
        versions.apply(ModelVersionKeys.keyOf(v), v);
    }

    @Test
    @DisplayName("serves the most recent ACTIVE version; candidates and rejections do not change it")
    void latestActiveWins() {
        announce(io.d2vstreams.avro.Modality.TEXT, 1, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.CANDIDATE);
        assertThat(versions.active(Modality.TEXT)).get().extracting(ModelVersion::getVersion).isEqualTo(1);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.ACTIVE);
        assertThat(versions.active(Modality.TEXT)).get().extracting(ModelVersion::getVersion).isEqualTo(2);
        announce(io.d2vstreams.avro.Modality.TEXT, 3, ModelStatus.REJECTED);
        assertThat(versions.active(Modality.TEXT)).get().extracting(ModelVersion::getVersion).isEqualTo(2);
    }

    @Test
    @DisplayName("a version rejected after it was ACTIVE hands serving back to the previous ACTIVE one")
    void rejectionFallsBack() {
        announce(io.d2vstreams.avro.Modality.TEXT, 1, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.REJECTED);
        assertThat(versions.active(Modality.TEXT)).get().extracting(ModelVersion::getVersion).isEqualTo(1);
    }

    @Test
    @DisplayName("a rollback is a later ACTIVE record for an older version")
    void rollback() {
        announce(io.d2vstreams.avro.Modality.TEXT, 1, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 1, ModelStatus.ACTIVE);
        announce(io.d2vstreams.avro.Modality.TEXT, 2, ModelStatus.RETIRED);
        assertThat(versions.active(Modality.TEXT)).get().extracting(ModelVersion::getVersion).isEqualTo(1);
    }

    @Test
    @DisplayName("modalities are independent, and a modality with no ACTIVE record has none")
    void perModality() {
        announce(io.d2vstreams.avro.Modality.IMAGE, 4, ModelStatus.ACTIVE);
        assertThat(versions.active(Modality.IMAGE)).get().extracting(ModelVersion::getVersion).isEqualTo(4);
        assertThat(versions.active(Modality.TEXT)).isEmpty();
    }
}
