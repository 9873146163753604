package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.text.TextSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncoderTest {

    @TempDir
    static Path root;

    private static ModelStore store;
    private static ModelManifest v1;
    private static Encoder<String> encoder;

    @BeforeAll
    static void generateTinyModel() {
        store = new ModelStore(root);
        v1 = store.initDefault(Modality.TEXT, 11);
        encoder = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    @DisplayName("a text embeds to the same vector alone and inside a padded batch of longer texts")
    void paddingDoesNotChangeVectors() {
        float[] alone = encoder.embed(List.of("hello world"))[0];
        float[][] batch = encoder.embed(List.of(
                "a considerably longer text that forces the short one to be padded by many positions",
                "hello world",
                "mid-length text here"));

        assertThat(batch[1]).as("'hello world' in a padded batch vs alone").containsExactly(alone, within(1e-5f));
    }

    @Test
    @DisplayName("vectors are unit length, one per input, as wide as the model")
    void unitLength() {
        float[][] vectors = encoder.embed(List.of("one", "", "drei — 三 🙂"));

        assertThat(vectors).as("rows").hasNumberOfRows(3);
        for (float[] v : vectors) {
            assertThat(v).as("width").hasSize(64);
            assertThat(norm(v)).as("L2 norm").isCloseTo(1.0, within(1e-5));
        }
        assertThat(encoder.dim()).as("dim").isEqualTo(64);
        assertThat(encoder.id()).as("id").isEqualTo(v1.id());
    }

    @Test
    @DisplayName("without normalisation the pooled vector keeps its length")
    void unnormalised() {
        try (Encoder<String> raw = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu().withNormalize(false))) {
            float[] plain = raw.embed(List.of("hello world"))[0];
            float[] unit = encoder.embed(List.of("hello world"))[0];
            double n = norm(plain);

            assertThat(n).as("norm of the mean-pooled vector").isGreaterThan(1.5);
            for (int j = 0; j < plain.length; j++) {
                assertThat(plain[j] / n).as("direction, unit %d", j).isCloseTo(unit[j], within(1e-5));
            }
        }
    }

    @Test
    @DisplayName("a batch larger than maxBatch is bucketed by length and still answers in input order")
    void bucketsKeepInputOrder() {
        List<String> texts = List.of("a", "a much longer text than the others in this batch", "bb", "medium text",
                "ccc", "another fairly long piece of text to embed", "d");
        try (Encoder<String> small = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu().withMaxBatch(2))) {
            float[][] together = small.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = encoder.embed(List.of(texts.get(i)))[0];
                assertThat(together[i]).as("input %d '%s'", i, texts.get(i)).containsExactly(alone, within(1e-5f));
            }
            assertThat(small.paddingEfficiency()).as("padding efficiency").isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    @DisplayName("under REJECT a text longer than the model allows is refused with its token count and the limit")
    void rejectPolicy() {
        String tooLong = "x".repeat(300); // 300 byte tokens + <s> + </s>
        try (Encoder<String> strict = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu().withTruncation(TruncationPolicy.REJECT))) {
            assertThatThrownBy(() -> strict.embed(List.of("fine", tooLong)))
                    .as("embedding a 302-token text")
                    .isInstanceOfSatisfying(InputRejectedException.class, e -> {
                        assertThat(e.inputIndex()).as("index").isEqualTo(1);
                        assertThat(e.length()).as("tokens").isEqualTo(302);
                        assertThat(e.limit()).as("limit").isEqualTo(256);
                    })
                    .hasMessageContaining("302 tokens")
                    .hasMessageContaining("at most 256");
            assertThat(strict.rejectReason(tooLong)).as("reject reason").hasValueSatisfying(r -> assertThat(r).contains("302"));
            assertThat(strict.rejectReason("fine")).as("reject reason for a short text").isEmpty();
            assertThat(strict.embed(List.of("x".repeat(254)))).as("exactly 256 tokens").hasNumberOfRows(1);
        }
    }

    @Test
    @DisplayName("under TRUNCATE a long text embeds as its first 254 tokens between <s> and </s>")
    void truncatePolicy() {
        String head = "y".repeat(254);
        float[][] v = encoder.embed(List.of(head + "z".repeat(100), head));

        assertThat(v[0]).as("truncated text vs its kept part").containsExactly(v[1], within(1e-6f));
    }

    @Test
    @DisplayName("asking for CUDA where it cannot be used falls back to CPU and still serves")
    void cudaFallsBack() {
        try (Encoder<String> gpu = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu().withDevice(Device.CUDA))) {
            assertThat(gpu.embed(List.of("hello world"))[0]).as("vector on the fallback device")
                    .containsExactly(encoder.embed(List.of("hello world"))[0], within(1e-4f));
        }
    }

    @Test
    @DisplayName("close is idempotent and a closed encoder refuses to embed")
    void closeOnce() {
        Encoder<String> e = store.load(TextSpec.INSTANCE, v1, TestOptions.cpu());
        e.close();
        e.close();

        assertThatThrownBy(() -> e.embed(List.of("late"))).as("embed after close")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    @DisplayName("an empty batch gives no vectors")
    void emptyBatch() {
        assertThat(encoder.embed(List.of())).as("vectors").isEmpty();
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
