package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ModelAnnouncer refuses what every pipeline would refuse")
class ModelAnnouncerTest {

    @Test
    @DisplayName("an ACTIVE announcement with an empty digest is refused before anything is sent")
    void activeWithoutDigestRefused() {
        // Nothing listens on port 1: the refusal must come before any network use.
        try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.forUrls("http://localhost:1"));
             ModelAnnouncer announcer = new ModelAnnouncer(Map.of("bootstrap.servers", "localhost:1"), registry, "d2v.models")) {
            for (String digest : new String[] {"", "  "}) {
                ModelVersion announcement = ModelVersion.newBuilder().setModality(Modality.TEXT).setModel("m").setVersion(3)
                        .setUri("text/v3").setSha256(digest).setDim(64).setStatus(ModelStatus.ACTIVE).setCreatedAtMs(0).build();
                assertThatThrownBy(() -> announcer.announce(announcement)).as("announcing TEXT/3 ACTIVE with digest '%s'", digest)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("TEXT/3")
                        .hasMessageContaining("without a digest");
            }
        }
    }
}
