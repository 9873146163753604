package io.d2vstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Modality;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RecordLimits: room at every stage for what the stage before accepted")
class RecordLimitsTest {
    private static final int ENVELOPE = RecordLimits.ENVELOPE_BYTES;

    private static RecordLimits limits() {
        return RecordLimits.of(PipelineConfig.from(Map.of(PipelineConfig.inputLimitKey(Modality.IMAGE), "1000000",
                PipelineConfig.inputLimitKey(Modality.AUDIO), "2000000", PipelineConfig.URI_MAX_BYTES, "3000000")));
    }

    @Test
    @DisplayName("media topics take their content limit plus the envelope; text's keeps the broker's default")
    void inputTopics() {
        RecordLimits limits = limits();

        assertThat(limits.inputBytes(Modality.TEXT)).isEqualTo(RecordLimits.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(limits.inputBytes(Modality.IMAGE)).isEqualTo(1_000_000 + ENVELOPE);
        assertThat(limits.inputBytes(Modality.AUDIO)).isEqualTo(2_000_000 + ENVELOPE);
    }

    @Test
    @DisplayName("a buffered media record has room for a fetched file; a text one for its value twice")
    void bufferedRecords() {
        RecordLimits limits = limits();

        assertThat(limits.bufferedBytes(Modality.IMAGE)).as("image: the value plus a fetched file of uri.max.bytes")
                .isEqualTo(1_000_000 + ENVELOPE + 3_000_000 + ENVELOPE);
        assertThat(limits.bufferedBytes(Modality.TEXT)).as("text: never fetched")
                .isEqualTo(2 * RecordLimits.BROKER_DEFAULT_MAX_MESSAGE_BYTES + ENVELOPE);
        assertThat(limits.derivedBytes()).as("a dead letter of the largest input")
                .isEqualTo(2_000_000 + ENVELOPE + ENVELOPE);
        assertThat(limits.largestWrittenBytes()).as("the producer's largest record")
                .isEqualTo(limits.bufferedBytes(Modality.AUDIO)).isGreaterThanOrEqualTo(limits.bufferedBytes(Modality.IMAGE));
    }

    @Test
    @DisplayName("a set of limits without one modality's input topic is refused, naming it")
    void everyModalityHasALimit() {
        assertThatThrownBy(() -> new RecordLimits(Map.of(Modality.TEXT, 1, Modality.IMAGE, 2), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AUDIO");
    }
}
