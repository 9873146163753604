package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ResampleFilter;
import io.d2vstreams.runtime.internal.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reading and writing the Hugging Face configs of the vision and audio encoders. */
class MediaEncoderConfigTest {

    @Test
    @DisplayName("vision and audio configs survive a round trip through Hugging Face config.json")
    void roundTrip() throws Exception {
        ImageEncoderConfig vision = new ImageEncoderConfig(32, 3, 4, 48, 48, 8, 3, 1e-6, 0.0, false, true, true, false);
        AudioEncoderConfig audio = new AudioEncoderConfig(List.of(8, 16), List.of(10, 3), List.of(5, 2), false,
                32, 3, 4, 48, 3, 8, 7, 1e-6);

        assertThat(ImageEncoderConfig.fromHuggingFace(Json.readObject(Json.write(vision.toHuggingFace()))))
                .as("vision config read back").isEqualTo(vision);
        assertThat(AudioEncoderConfig.fromHuggingFace(Json.readObject(Json.write(audio.toHuggingFace()))))
                .as("audio config read back").isEqualTo(audio);
    }

    @Test
    @DisplayName("preprocessing configs survive a round trip through Hugging Face preprocessor_config.json")
    void preprocessorConfigRoundTrip() throws Exception {
        ImagePreprocessorConfig image = ImagePreprocessorConfig.defaults().withSize(96, 96).withResample(ResampleFilter.BILINEAR)
                .withNormalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        AudioPreprocessorConfig audio = AudioPreprocessorConfig.defaults().withNormalize(false);

        assertThat(ImagePreprocessorConfig.fromPreprocessorConfigJson(Json.write(image.toPreprocessorConfigJson()), "image"))
                .as("image preprocessing read back").isEqualTo(image);
        assertThat(AudioPreprocessorConfig.fromPreprocessorConfigJson(Json.write(audio.toPreprocessorConfigJson()), "audio"))
                .as("audio preprocessing read back").isEqualTo(audio);
    }

    @Test
    @DisplayName("a base-sized data2vec-vision config reads with Hugging Face's defaults for absent keys, size lists included")
    void visionBaseConfig() {
        Map<String, Object> hf = new HashMap<>(Map.of(
                "model_type", "data2vec-vision", "hidden_size", 768, "num_hidden_layers", 12, "num_attention_heads", 12,
                "intermediate_size", 3072, "image_size", List.of(224, 224), "use_relative_position_bias", true));
        ImageEncoderConfig c = ImageEncoderConfig.fromHuggingFace(hf);

        assertThat(c.numPatches()).as("patches").isEqualTo(196);
        assertThat(c.sequenceLength()).as("tokens").isEqualTo(197);
        assertThat(c.layerNormEps()).as("eps").isEqualTo(1e-12);
        assertThat(c.layerScaleInitValue()).as("layer scale").isEqualTo(0.1);
        assertThat(c.useMeanPooling()).as("mean pooling").isTrue();
        assertThat(c.useAbsolutePositionEmbeddings()).as("absolute positions").isFalse();

        hf.put("image_size", List.of(224, 160));
        assertThatThrownBy(() -> ImageEncoderConfig.fromHuggingFace(hf)).as("non-square image")
                .hasMessageContaining("image_size").hasMessageContaining("non-square");
        hf.put("image_size", 224);
        hf.put("hidden_act", "gelu_new");
        assertThatThrownBy(() -> ImageEncoderConfig.fromHuggingFace(hf)).as("tanh GELU")
                .hasMessageContaining("hidden_act").hasMessageContaining("gelu_new");
    }

    @Test
    @DisplayName("a base-sized data2vec-audio config reads with Hugging Face's defaults; frames follow the 400-sample, 320-stride encoder")
    void audioBaseConfig() {
        Map<String, Object> hf = new HashMap<>(Map.of(
                "model_type", "data2vec-audio", "hidden_size", 768, "num_hidden_layers", 12, "num_attention_heads", 12,
                "intermediate_size", 3072, "conv_bias", true));
        AudioEncoderConfig c = AudioEncoderConfig.fromHuggingFace(hf);

        assertThat(c.convDim()).as("conv_dim").containsOnly(512).hasSize(7);
        assertThat(c.numConvPosEmbeddings()).as("positional convs").isEqualTo(5);
        assertThat(c.convPosKernelSize()).as("positional kernel").isEqualTo(19);
        assertThat(c.numConvPosEmbeddingGroups()).as("positional groups").isEqualTo(16);
        assertThat(c.receptiveField()).as("receptive field").isEqualTo(400);
        assertThat(c.frames(16_000)).as("frames of one second").isEqualTo(49);
        assertThat(c.frames(400)).as("frames of 400 samples").isEqualTo(1);
        assertThat(c.frames(399)).as("frames of 399 samples").isZero();
        assertThat(c.frames(720)).as("frames of 720 samples").isEqualTo(2);

        hf.put("add_adapter", true);
        assertThatThrownBy(() -> AudioEncoderConfig.fromHuggingFace(hf)).as("adapter").hasMessageContaining("add_adapter");
        hf.put("add_adapter", false);
        hf.put("conv_kernel", List.of(10, 3));
        assertThatThrownBy(() -> AudioEncoderConfig.fromHuggingFace(hf)).as("kernels for 2 of 7 layers")
                .hasMessageContaining("one entry per layer");
        hf.put("model_type", "wav2vec2");
        assertThatThrownBy(() -> AudioEncoderConfig.fromHuggingFace(hf)).as("wav2vec2")
                .hasMessageContaining("model_type").hasMessageContaining("wav2vec2");
    }
}
