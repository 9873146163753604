package io.d2vstreams.runtime.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("AudioPreprocessorConfig")
class AudioPreprocessorConfigTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("defaults to 16 kHz, normalised, at most 30 s refused beyond, at least 400 samples")
    void defaults() {
        AudioPreprocessorConfig c = AudioPreprocessorConfig.defaults();
        assertThat(c.samplingRate()).as("rate").isEqualTo(16_000);
        assertThat(c.doNormalize()).as("normalize").isTrue();
        assertThat(c.overLength()).as("policy").isEqualTo(OverLengthPolicy.REFUSE);
        assertThat(c.maxOutputSamples()).as("max samples").isEqualTo(480_000);
        assertThat(c.minSamples()).as("min samples").isEqualTo(400);
    }

    @Test
    @DisplayName("reads sampling_rate and do_normalize from a Wav2Vec2FeatureExtractor config")
    void readsJson() throws IOException {
        Path file = Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"do_normalize": false, "feature_extractor_type": "Wav2Vec2FeatureExtractor", "feature_size": 1,
                 "padding_side": "right", "padding_value": 0.0, "return_attention_mask": true, "sampling_rate": 16000}
                """);
        AudioPreprocessorConfig c = AudioPreprocessorConfig.fromPreprocessorConfigJson(file);
        assertThat(c.samplingRate()).as("rate").isEqualTo(16_000);
        assertThat(c.doNormalize()).as("do_normalize").isFalse();
        assertThat(c.maxSeconds()).as("max seconds keeps our default").isEqualTo(30.0);
    }

    @Test
    @DisplayName("refuses a spectrogram extractor, a bad rate, and bad limits with the key and value")
    void refusesBadValues() throws IOException {
        Path whisper = Files.writeString(dir.resolve("whisper.json"), "{\"feature_size\": 80, \"sampling_rate\": 16000}");
        assertThatThrownBy(() -> AudioPreprocessorConfig.fromPreprocessorConfigJson(whisper)).as("feature_size 80")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'feature_size' is 80");
        Path rate = Files.writeString(dir.resolve("rate.json"), "{\"sampling_rate\": \"16k\"}");
        assertThatThrownBy(() -> AudioPreprocessorConfig.fromPreprocessorConfigJson(rate)).as("rate as text")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sampling_rate'");
        assertThatThrownBy(() -> AudioPreprocessorConfig.defaults().withMaxSeconds(0, OverLengthPolicy.CROP))
                .as("zero max seconds").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max seconds");
        assertThatThrownBy(() -> AudioPreprocessorConfig.defaults().withMinSamples(0))
                .as("zero min samples").isInstanceOf(IllegalArgumentException.class);
    }
}
