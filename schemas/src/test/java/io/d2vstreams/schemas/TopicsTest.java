package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Topics: DESIGN.md's topic names, from the configurable prefix")
class TopicsTest {

    @Test
    @DisplayName("the default prefix gives DESIGN.md's names, in a stable order")
    void defaultNames() {
        assertThat(Topics.withDefaultPrefix().all()).containsExactly(
                "d2v.events.text", "d2v.events.image", "d2v.events.audio",
                "d2v.embeddings.text", "d2v.embeddings.image", "d2v.embeddings.audio",
                "d2v.dlq", "d2v.training.samples", "d2v.models", "d2v.backfill");
    }

    @Test
    @DisplayName("another prefix replaces d2v. in every name")
    void otherPrefix() {
        Topics topics = new Topics("acme.");
        assertThat(topics.prefix()).isEqualTo("acme.");
        assertThat(topics.all()).allMatch(name -> name.startsWith("acme."));
        assertThat(topics.events(Modality.AUDIO)).isEqualTo("acme.events.audio");
        assertThat(topics.trainingSamples()).isEqualTo("acme.training.samples");
        assertThat(topics.models()).isEqualTo("acme.models");
    }

    @Test
    @DisplayName("an input topic names its modality; no other topic does")
    void inputModality() {
        Topics topics = Topics.withDefaultPrefix();
        assertThat(topics.inputModality("d2v.events.image")).contains(Modality.IMAGE);
        assertThat(topics.inputModality("d2v.embeddings.image")).isEmpty();
        assertThat(topics.inputModality("other.events.image")).isEmpty();
    }

    @Test
    @DisplayName("an enum whose name is no modality makes up no topic")
    void refusesOtherEnums() {
        assertThatThrownBy(() -> Topics.withDefaultPrefix().events(ModelStatus.ACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
