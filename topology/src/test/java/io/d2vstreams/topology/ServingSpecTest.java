package io.d2vstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("ServingSpec and ServingModels")
class ServingSpecTest {

    @ParameterizedTest
    @EnumSource(Modality.class)
    @DisplayName("every modality has a serving spec, registered under its own modality")
    void everyModalityIsRegistered(Modality modality) {
        assertThat(ServingSpec.of(modality).modality()).isEqualTo(modality);
    }

    @Test
    @DisplayName("a set of serving slots with a modality missing is refused, naming it")
    void missingSlotRefused() {
        assertThatThrownBy(() -> ServingModels.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TEXT").hasMessageContaining("IMAGE").hasMessageContaining("AUDIO");
    }
}
