package io.d2vstreams.cli.status;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PrometheusText reads a /metrics scrape")
class PrometheusTextTest {
    private static final String SCRAPE = """
            # HELP d2v_records_embedded_total Records embedded
            # TYPE d2v_records_embedded_total counter
            d2v_records_embedded_total{modality="text"} 120.0
            d2v_records_embedded_total{modality="image"} 7.0
            d2v_records_dead_lettered_total{modality="text",reason="EMPTY_TEXT"} 2.0
            d2v_records_dead_lettered_total{modality="text",reason="NOT_WIRE_FORMAT"} 1.0
            d2v_trainer_heldout_loss{modality="audio"} NaN
            d2v_trainer_heldout_loss_step{modality="audio"} -1.0
            jvm_memory_used_bytes{area="heap",id="G1 \\"Eden\\" Space, x"} 1.5E7
            process_uptime_seconds 12.5 1700000000000
            """;

    @Test
    @DisplayName("finds a sample by name and labels, sums over labels, and reads NaN, negatives, exponents and timestamps")
    void reads() {
        PrometheusText text = PrometheusText.parse(SCRAPE);

        assertThat(text.samples()).as("every sample line, no comment").hasSize(8);
        assertThat(text.value("d2v_records_embedded_total", Map.of("modality", "image"))).as("image counter").hasValue(7.0);
        assertThat(text.sum("d2v_records_dead_lettered_total", l -> "text".equals(l.get("modality"))))
                .as("dead letters over every reason").hasValue(3.0);
        assertThat(text.sum("d2v_records_dead_lettered_total", l -> "audio".equals(l.get("modality"))))
                .as("no such series").isEmpty();
        assertThat(text.value("d2v_trainer_heldout_loss", Map.of("modality", "audio")).getAsDouble()).as("NaN").isNaN();
        assertThat(text.value("d2v_trainer_heldout_loss_step", Map.of())).as("negative").hasValue(-1.0);
        assertThat(text.value("jvm_memory_used_bytes", Map.of("id", "G1 \"Eden\" Space, x")))
                .as("escaped quotes and a comma inside a label value").hasValue(1.5e7);
        assertThat(text.value("process_uptime_seconds", Map.of())).as("no labels, a timestamp after the value")
                .hasValue(12.5);
    }

    @Test
    @DisplayName("refuses a line that is no sample, naming it")
    void refuses() {
        assertThatThrownBy(() -> PrometheusText.parse("d2v_x{modality=\"text\" 1.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d2v_x");
        assertThatThrownBy(() -> PrometheusText.parse("d2v_x{modality=\"text\"} one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one");
    }
}
