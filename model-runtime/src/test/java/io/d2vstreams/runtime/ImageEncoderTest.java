package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.image.ImagePreprocessor;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageEncoderTest {

    private static final byte[] PNG = TestMedia.image(80, 60, 1, "png");
    private static final byte[] JPEG = TestMedia.image(64, 64, 2, "jpg");
    private static final byte[] SMALL = TestMedia.image(16, 16, 3, "png");

    @TempDir
    static Path root;

    private static ModelStore store;
    private static ModelManifest v1;
    private static Encoder<byte[]> encoder;

    @BeforeAll
    static void generateTinyModel() {
        store = new ModelStore(root);
        v1 = store.initDefault(Modality.IMAGE, 11);
        encoder = store.load(ImageSpec.INSTANCE, v1, TestOptions.cpu());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    @DisplayName("the pooled vector is the mean of the patch tokens of last_hidden_state, the CLS token left out")
    void meanOfPatchTokens() throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.defaults().withSize(64, 64));
        float[] pixels = preprocessor.preprocess(PNG);
        float[][] states;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(Files.readAllBytes(v1.directory().resolve("model.onnx")));
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, 3, 64, 64});
                OrtSession.Result result = session.run(Map.of("pixel_values", input))) {
            states = ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
        }
        float[] patches = new float[64];
        float[] all = new float[64];
        for (int t = 0; t < states.length; t++) {
            for (int j = 0; j < 64; j++) {
                all[j] += states[t][j] / states.length;
                if (t > 0) {
                    patches[j] += states[t][j] / (states.length - 1);
                }
            }
        }

        try (Encoder<byte[]> raw = store.load(ImageSpec.INSTANCE, v1, TestOptions.cpu().withNormalize(false))) {
            float[] pooled = raw.embed(List.of(PNG))[0];
            assertThat(pooled).as("encoder vector vs mean of the 16 patch tokens").containsExactly(patches, within(1e-5f));
            assertThat(pooled).as("encoder vector vs mean including CLS").isNotEqualTo(all);
        }
    }

    @Test
    @DisplayName("a corrupt image in a batch is refused with its index, and rejectReason says why")
    void corruptImageRefused() {
        byte[] truncated = Arrays.copyOf(PNG, PNG.length / 3);
        byte[] garbage = "definitely not an image".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> encoder.embed(List.of(PNG, JPEG, truncated)))
                .as("embedding a batch with a truncated PNG at index 2")
                .isInstanceOfSatisfying(InputRejectedException.class, e -> {
                    assertThat(e.inputIndex()).as("index").isEqualTo(2);
                    assertThat(e.preprocessReason()).as("reason").contains(PreprocessException.Reason.CORRUPT);
                    assertThat(encoder.rejectReason(truncated)).as("rejectReason of the same image")
                            .contains(e.getCause().getMessage());
                })
                .hasMessageContaining("image input 2");
        assertThat(encoder.rejectReason(garbage)).as("rejectReason of text bytes")
                .hasValueSatisfying(r -> assertThat(r).isNotBlank());
        assertThat(encoder.rejectReason(PNG)).as("rejectReason of a good image").isEmpty();
        assertThat(encoder.embed(List.of(PNG, JPEG))).as("the good images embed without the bad one").hasNumberOfRows(2);
    }

}
