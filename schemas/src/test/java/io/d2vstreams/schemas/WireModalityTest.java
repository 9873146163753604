package io.d2vstreams.schemas;

import io.d2vstreams.avro.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("WireModality: a process's modality enum to and from the wire's, by symbol")
class WireModalityTest {
    /** Stands in for model-runtime's Modality (not visible here) and for an enum that is not one. */
    enum Own { TEXT, IMAGE, AUDIO }

    enum Other { TEXT, VIDEO }

    @Test
    @DisplayName("every constant round-trips by name")
    void roundTrips() {
        for (Own own : Own.values()) {
            Modality wire = WireModality.of(own);
            assertThat(wire.name()).isEqualTo(own.name());
            assertThat(WireModality.as(Own.class, wire)).isEqualTo(own);
        }
    }

    @Test
    @DisplayName("a name the other side lacks is refused with both sides named, never mapped to something else")
    void refusesUnknownNames() {
        assertThatThrownBy(() -> WireModality.of(Other.VIDEO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIDEO").hasMessageContaining("TEXT, IMAGE, AUDIO");
        assertThatThrownBy(() -> WireModality.as(Other.class, Modality.AUDIO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AUDIO").hasMessageContaining("Other");
    }
}
