package io.d2vstreams.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The analytic transformer FLOP count")
class TransformerFlopsTest {

    @Test
    @DisplayName("is twice the matmul parameters per token plus 4·T²·H per layer and sequence")
    void formula() {
        TransformerFlops tiny = new TransformerFlops(2, 64, 256);
        // per token and layer: 2 · (4·64² + 2·64·256) = 2 · 49 152; attention: 4 · 10² · 64 per sequence
        double expected = 2 * 3 * (10 * 2.0 * 49_152 + 4.0 * 100 * 64);
        assertThat(tiny.forward(3, 10)).as("3 sequences of 10 tokens").isEqualTo(expected);
    }

    @Test
    @DisplayName("gives about 2 × 85 M FLOPs per token for RoBERTa-base at short lengths, as its parameter count implies")
    void robertaBase() {
        TransformerFlops base = new TransformerFlops(12, 768, 3072);
        double perToken = base.forward(1, 1);
        // RoBERTa-base has 85 M non-embedding parameters, all but 0.1 M of them in matmuls.
        assertThat(perToken / 2).as("matmul parameters per token").isCloseTo(84.9e6, within(0.1e6));
    }

    @Test
    @DisplayName("counts the audio front end layer by layer: 400 samples through the tiny model's feature encoder make one frame")
    void audioFrontEnd() {
        AudioEncoderConfig tiny = AudioEncoderConfig.tiny();
        // conv output lengths 79, 39, 19, 9, 4, 2, 1 with kernels 10, 3, 3, 3, 3, 2, 2 and 32 channels
        double conv = 2.0 * 79 * 32 * 1 * 10 + 2.0 * 32 * 32 * 3 * (39 + 19 + 9 + 4) + 2.0 * 32 * 32 * 2 * (2 + 1);
        double projection = 2.0 * 1 * 32 * 64;
        double positional = 2 * (2.0 * 1 * 64 * (64 / 4) * 5);
        assertThat(tiny.frames(400)).as("frames").isEqualTo(1);
        assertThat(AudioWorkload.frontEnd(tiny, 400)).as("front-end FLOPs").isEqualTo(conv + projection + positional);
    }

    @Test
    @DisplayName("grows quadratically in length only through attention")
    void attentionQuadratic() {
        TransformerFlops m = new TransformerFlops(1, 64, 256);
        double linear = m.forward(1, 200) - 4.0 * 200 * 200 * 64;
        assertThat(linear).as("the linear part").isEqualTo(200 * m.forward(1, 1) - 200 * 4.0 * 64);
    }
}
