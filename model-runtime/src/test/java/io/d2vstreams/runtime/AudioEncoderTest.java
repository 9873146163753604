package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.audio.AudioPreprocessor;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.preprocess.PreprocessException;
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

class AudioEncoderTest {

    private static final byte[] SHORT = TestMedia.wav(0.3, 16_000, 1);
    private static final byte[] LONG = TestMedia.wav(1.2, 16_000, 2);
    private static final byte[] RESAMPLED = TestMedia.wav(0.5, 22_050, 3);

    @TempDir
    static Path root;

    private static ModelStore store;
    private static ModelManifest v1;
    private static Encoder<byte[]> encoder;

    @BeforeAll
    static void generateTinyModel() {
        store = new ModelStore(root);
        v1 = store.initDefault(Modality.AUDIO, 11);
        encoder = store.load(AudioSpec.INSTANCE, v1, TestOptions.cpu());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    @DisplayName("the pooled vector is the mean of last_hidden_state over the clip's frames")
    void meanOfFrames() throws Exception {
        float[] samples = new AudioPreprocessor(AudioPreprocessorConfig.defaults()).preprocess(SHORT);
        long[] mask = new long[samples.length];
        Arrays.fill(mask, 1L);
        float[][] states;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(Files.readAllBytes(v1.directory().resolve("model.onnx")));
                OnnxTensor values = OnnxTensor.createTensor(env, new float[][] {samples});
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, new long[][] {mask});
                OrtSession.Result result = session.run(Map.of("input_values", values, "attention_mask", maskTensor))) {
            states = ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
        }
        assertThat(states.length).as("frames of 0.3 s: (4800 − 400) / 320 + 1").isEqualTo(14);
        float[] mean = new float[64];
        for (float[] frame : states) {
            for (int j = 0; j < 64; j++) {
                mean[j] += frame[j] / states.length;
            }
        }

        try (Encoder<byte[]> raw = store.load(AudioSpec.INSTANCE, v1, TestOptions.cpu().withNormalize(false))) {
            assertThat(raw.embed(List.of(SHORT))[0]).as("encoder vector vs mean of frames").containsExactly(mean, within(1e-5f));
        }
    }

    @Test
    @DisplayName("a corrupt or too-short clip in a batch is refused with its index, and rejectReason says why")
    void badClipsRefused() {
        byte[] corrupt = Arrays.copyOf(SHORT, 30); // a RIFF header cut inside the fmt chunk
        byte[] tooShort = TestMedia.wav(0.02, 16_000, 6); // 320 samples: less than one 400-sample frame

        assertThatThrownBy(() -> encoder.embed(List.of(SHORT, corrupt)))
                .as("embedding a batch with a truncated WAV at index 1")
                .isInstanceOfSatisfying(InputRejectedException.class, e -> {
                    assertThat(e.inputIndex()).as("index").isEqualTo(1);
                    assertThat(e.preprocessReason()).as("reason").contains(PreprocessException.Reason.CORRUPT);
                    assertThat(encoder.rejectReason(corrupt)).as("rejectReason of the same clip")
                            .contains(e.getCause().getMessage());
                })
                .hasMessageContaining("audio input 1");
        assertThatThrownBy(() -> encoder.embed(List.of(tooShort, SHORT)))
                .as("embedding a batch with a 20 ms clip at index 0")
                .isInstanceOfSatisfying(InputRejectedException.class, e -> {
                    assertThat(e.inputIndex()).as("index").isZero();
                    assertThat(e.preprocessReason()).as("reason").contains(PreprocessException.Reason.TOO_SHORT);
                });
        assertThat(encoder.rejectReason(tooShort)).as("rejectReason of a 20 ms clip")
                .hasValueSatisfying(r -> assertThat(r).contains("400 samples"));
        assertThat(encoder.rejectReason("not audio".getBytes(StandardCharsets.UTF_8))).as("rejectReason of text bytes").isPresent();
        assertThat(encoder.rejectReason(SHORT)).as("rejectReason of a good clip").isEmpty();
    }

}
