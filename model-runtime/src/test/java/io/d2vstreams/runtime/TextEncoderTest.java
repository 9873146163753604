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

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
