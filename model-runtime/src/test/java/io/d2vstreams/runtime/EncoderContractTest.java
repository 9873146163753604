package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every modality's encoder must do, checked the same way for each: unit vectors one per
 * input, the same vector alone and in any batch (padded, or split at {@code maxBatch}), its
 * direction kept without normalisation, a CPU fallback for CUDA, and a close that holds. What only
 * one modality has (its pooling, its refusals) stays in that modality's test class.
 */
@DisplayName("Every modality's encoder")
class EncoderContractTest {

    /**
     * One modality's inputs for the checks below.
     *
     * @param distinct three inputs, the first two of which must embed differently
     * @param shorter  an input that a batch with {@code longer} pads (where the modality pads)
     * @param mixed    more inputs than {@code maxBatch = 2} of mixed lengths
     * @param pads     whether a batch pads its inputs (images all have the model's size)
     * @param rawNormAbove a floor under the unnormalised vector's length, as measured on the tiny
     *                 default (text's mean-pooled vector is longer than 1.5; an image's about 0.28)
     */
    private record EncoderCase<I>(ModalitySpec<?, ?, I> spec, List<I> distinct, I shorter, I longer, List<I> mixed,
            boolean pads, double rawNormAbove) {
        @Override
        public String toString() {
            return spec.modality().name();
        }
    }

    private static final byte[] PNG = TestMedia.image(80, 60, 1, "png");
    private static final byte[] JPEG = TestMedia.image(64, 64, 2, "jpg");
    private static final byte[] SHORT_CLIP = TestMedia.wav(0.3, 16_000, 1);
    private static final byte[] LONG_CLIP = TestMedia.wav(1.2, 16_000, 2);

    static Stream<EncoderCase<?>> modalities() {
        return Stream.of(
                new EncoderCase<>(TextSpec.INSTANCE, List.of("one", "", "drei — 三 🙂"), "hello world",
                        "a considerably longer text that forces the short one to be padded by many positions",
                        List.of("a", "a much longer text than the others in this batch", "bb", "medium text", "ccc",
                                "another fairly long piece of text to embed", "d"), true, 1.5),
                new EncoderCase<>(ImageSpec.INSTANCE, List.of(PNG, JPEG, TestMedia.image(16, 16, 3, "png")), PNG, JPEG,
                        List.of(PNG, JPEG, TestMedia.image(16, 16, 3, "png"), TestMedia.image(30, 90, 4, "png"), JPEG),
                        false, 0.0),
                new EncoderCase<>(AudioSpec.INSTANCE, List.of(SHORT_CLIP, LONG_CLIP, TestMedia.wav(0.5, 22_050, 3)),
                        SHORT_CLIP, LONG_CLIP, List.of(LONG_CLIP, SHORT_CLIP, TestMedia.wav(0.5, 22_050, 3),
                                TestMedia.wav(0.05, 16_000, 4), TestMedia.wav(0.8, 8_000, 5)), true, 0.0));
    }

    @TempDir
    static Path root;

    private static ModelStore store;
    private static final Map<Modality, ModelManifest> VERSIONS = new EnumMap<>(Modality.class);
    private static final Map<Modality, Encoder<?>> ENCODERS = new EnumMap<>(Modality.class);

    @BeforeAll
    static void generateTinyModels() {
        store = new ModelStore(root);
        for (Modality modality : Modality.values()) {
            VERSIONS.put(modality, store.initDefault(modality, 11));
        }
    }

    @AfterAll
    static void closeEncoders() {
        ENCODERS.values().forEach(Encoder::close);
    }

    /** The modality's encoder of v1 with the test options, opened once for every check. */
    @SuppressWarnings("unchecked")
    private static <I> Encoder<I> encoder(EncoderCase<I> c) {
        return (Encoder<I>) ENCODERS.computeIfAbsent(c.spec().modality(), m -> open(c, TestOptions.cpu()));
    }

    private static <I> Encoder<I> open(EncoderCase<I> c, EncoderOptions options) {
        return store.load(c.spec(), VERSIONS.get(c.spec().modality()), options);
    }

    private static <I> float[] alone(EncoderCase<I> c, I input) {
        return encoder(c).embed(List.of(input))[0];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("vectors are unit length, one per input, as wide as the model, and differ between inputs")
    <I> void unitLength(EncoderCase<I> c) {
        Encoder<I> encoder = encoder(c);
        float[][] vectors = encoder.embed(c.distinct());

        assertThat(vectors).as("rows").hasNumberOfRows(3);
        for (float[] v : vectors) {
            assertThat(v).as("width").hasSize(64);
            assertThat(TextEncoderTest.norm(v)).as("L2 norm").isCloseTo(1.0, within(1e-5));
        }
        assertThat(vectors[0]).as("the first two inputs' vectors").isNotEqualTo(vectors[1]);
        assertThat(encoder.dim()).as("dim").isEqualTo(64);
        assertThat(encoder.id()).as("id").isEqualTo(VERSIONS.get(c.spec().modality()).id());
        if (!c.pads()) {
            assertThat(encoder.paddingEfficiency()).as("a modality that never pads").isEqualTo(1.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("an input embeds to the same vector alone and in a batch with a longer one")
    <I> void paddingDoesNotChangeVectors(EncoderCase<I> c) {
        float[][] batch = encoder(c).embed(List.of(c.longer(), c.shorter()));

        // Exact in theory (masked attention, masked pooling); the bound only allows for ONNX
        // Runtime summing in another order for another batch shape.
        assertThat(batch[1]).as("in a batch vs alone").containsExactly(alone(c, c.shorter()), within(1e-5f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a batch larger than maxBatch is split (by length where inputs pad) and still answers in input order")
    <I> void bucketsKeepInputOrder(EncoderCase<I> c) {
        try (Encoder<I> small = open(c, TestOptions.cpu().withMaxBatch(2))) {
            float[][] together = small.embed(c.mixed());
            for (int i = 0; i < c.mixed().size(); i++) {
                assertThat(together[i]).as("input %d", i).containsExactly(alone(c, c.mixed().get(i)), within(1e-5f));
            }
            assertThat(small.paddingEfficiency()).as("padding efficiency").isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("without normalisation the pooled vector keeps its length and the normalised one's direction")
    <I> void unnormalised(EncoderCase<I> c) {
        try (Encoder<I> raw = open(c, TestOptions.cpu().withNormalize(false))) {
            float[] plain = raw.embed(List.of(c.shorter()))[0];
            float[] unit = alone(c, c.shorter());
            double n = TextEncoderTest.norm(plain);

            assertThat(n).as("norm of the mean-pooled vector, not rescaled to 1").isNotCloseTo(1.0, within(0.1))
                    .isGreaterThan(c.rawNormAbove());
            for (int j = 0; j < plain.length; j++) {
                assertThat(plain[j] / n).as("direction, unit %d", j).isCloseTo(unit[j], within(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("asking for CUDA where it cannot be used falls back to CPU and still serves")
    <I> void cudaFallsBack(EncoderCase<I> c) {
        try (Encoder<I> gpu = open(c, TestOptions.cpu().withDevice(Device.CUDA))) {
            assertThat(gpu.embed(List.of(c.shorter()))[0]).as("vector on the fallback device")
                    .containsExactly(alone(c, c.shorter()), within(1e-4f));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("close is idempotent and a closed encoder refuses to embed; an empty batch gives no vectors")
    <I> void closeOnce(EncoderCase<I> c) {
        assertThat(encoder(c).embed(List.of())).as("vectors of an empty batch").isEmpty();
        Encoder<I> e = open(c, TestOptions.cpu());
        e.close();
        e.close();

        assertThatThrownBy(() -> e.embed(List.of(c.shorter()))).as("embed after close")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
