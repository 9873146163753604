package io.d2vstreams.trainer.audio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SpanMasker: wav2vec 2.0 / data2vec span masking of audio frames")
class SpanMaskerTest {

    @Test
    @DisplayName("data2vec's settings mask 1 - (1 - 0.065)^10 ≈ 0.49 of the frames on average")
    void maskedFraction() {
        SpanMasker masker = new SpanMasker(SpanMasker.DATA2VEC_START_PROB, SpanMasker.DATA2VEC_SPAN_LENGTH, 0);
        assertThat(masker.expectedFraction()).as("1 - 0.935^10").isCloseTo(0.4894, within(1e-4));
        SplittableRandom random = new SplittableRandom(1);
        long masked = 0;
        int clips = 2000;
        int frames = 49; // one second at 20 ms frames
        for (int i = 0; i < clips; i++) {
            masked += masker.mask(frames, random).count();
        }
        // Per clip the fraction has a spread of about 0.15, so over 2000 clips the mean's is about 0.004.
        assertThat((double) masked / (clips * frames)).as("fraction masked over %d one-second clips", clips)
                .isCloseTo(masker.expectedFraction(), within(0.015));
    }

    @Test
    @DisplayName("the first and last frames of a clip are masked as often as the middle ones")
    void noEdgeBias() {
        SpanMasker masker = new SpanMasker(SpanMasker.DATA2VEC_START_PROB, SpanMasker.DATA2VEC_SPAN_LENGTH, 0);
        SplittableRandom random = new SplittableRandom(2);
        int clips = 4000;
        int frames = 30;
        int[] hits = new int[frames];
        for (int i = 0; i < clips; i++) {
            boolean[] m = masker.mask(frames, random).masked();
            for (int f = 0; f < frames; f++) {
                hits[f] += m[f] ? 1 : 0;
            }
        }
        // The standard error of one frame's rate over 4000 clips is 0.008.
        for (int f : new int[] {0, 1, frames / 2, frames - 1}) {
            assertThat((double) hits[f] / clips).as("rate of frame %d", f).isCloseTo(masker.expectedFraction(), within(0.035));
        }
    }

    @Test
    @DisplayName("with data2vec's minimum of one span, long clips are still masked at about 0.49")
    void data2vecDefaults() {
        SpanMasker masker = SpanMasker.data2vec();
        SplittableRandom random = new SplittableRandom(3);
        long masked = 0;
        for (int i = 0; i < 200; i++) {
            masked += masker.mask(500, random).count();
        }
        assertThat(masked / (200.0 * 500)).as("fraction masked over 200 ten-second clips").isCloseTo(0.49, within(0.02));
    }

    @Test
    @DisplayName("spans lie inside each clip's valid frames: padding is never masked, every clip gets its minimum")
    void onlyValidFrames() {
        SpanMasker masker = new SpanMasker(0.065, 10, 2);
        int[] valid = {49, 20, 9, 3, 1};
        int frames = 49;
        SplittableRandom random = new SplittableRandom(4);
        for (int round = 0; round < 200; round++) {
            SpanMasker.BatchMask batch = masker.maskBatch(valid, frames, random);
            assertThat(batch.values()).as("[clips, frames] values").hasSize(valid.length * frames);
            int ones = 0;
            for (int r = 0; r < valid.length; r++) {
                int inClip = 0;
                for (int f = 0; f < frames; f++) {
                    float v = batch.values()[r * frames + f];
                    assertThat(v).as("clip %d frame %d", r, f).isIn(0f, 1f);
                    if (f >= valid[r]) {
                        assertThat(v).as("padded frame %d of clip %d (valid %d)", f, r, valid[r]).isZero();
                    }
                    inClip += (int) v;
                }
                assertThat(inClip).as("masked frames of clip %d", r).isPositive();
                ones += inClip;
            }
            assertThat(batch.count()).as("count = ones in the mask").isEqualTo(ones);
        }
        for (int v : valid) {
            for (int round = 0; round < 100; round++) {
                SpanMasker.FrameMask m = masker.mask(v, random);
                assertThat(m.spans()).as("spans of a %d-frame clip", v).hasSizeGreaterThanOrEqualTo(2)
                        .allSatisfy(s -> {
                            assertThat(s.start()).as("span start").isBetween(0, v - 1);
                            assertThat(s.length()).as("span length").isBetween(1, 10);
                            assertThat(s.start() + s.length()).as("span end").isLessThanOrEqualTo(v);
                        });
                int union = 0;
                for (boolean b : m.masked()) {
                    union += b ? 1 : 0;
                }
                assertThat(m.count()).as("count = masked frames").isEqualTo(union);
            }
        }
    }

    @Test
    @DisplayName("when no span starts by chance, the minimum adds whole spans of min(length, valid) frames")
    void minimumSpans() {
        SpanMasker masker = new SpanMasker(1e-12, 10, 2);
        SplittableRandom random = new SplittableRandom(5);
        SpanMasker.FrameMask longClip = masker.mask(100, random);
        assertThat(longClip.spans()).as("spans").hasSize(2).allSatisfy(s -> assertThat(s.length()).isEqualTo(10));
        assertThat(longClip.count()).as("two spans of 10, maybe overlapping").isBetween(10, 20);
        SpanMasker.FrameMask shortClip = masker.mask(4, random);
        assertThat(shortClip.spans()).as("spans of a 4-frame clip").hasSize(2)
                .allSatisfy(s -> assertThat(s).isEqualTo(new SpanMasker.Span(0, 4)));
    }

    @Test
    @DisplayName("the masks depend only on the seed: the same seed repeats them, another seed draws others")
    void deterministic() {
        SpanMasker masker = SpanMasker.data2vec();
        int[] valid = {49, 37, 12};
        float[] first = masker.maskBatch(valid, 49, new SplittableRandom(42)).values();
        float[] again = masker.maskBatch(valid, 49, new SplittableRandom(42)).values();
        float[] other = masker.maskBatch(valid, 49, new SplittableRandom(43)).values();
        assertThat(again).as("same seed").isEqualTo(first);
        assertThat(other).as("another seed").isNotEqualTo(first);
    }

    @Test
    @DisplayName("settings and inputs out of range are refused with the value")
    void refusals() {
        assertThatThrownBy(() -> new SpanMasker(0, 10, 1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> new SpanMasker(1, 10, 1)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> new SpanMasker(0.065, 0, 1)).hasMessageContaining("span length");
        assertThatThrownBy(() -> new SpanMasker(0.065, 10, -1)).hasMessageContaining("minimum spans");
        assertThatThrownBy(() -> SpanMasker.data2vec().mask(0, new SplittableRandom(1)))
                .hasMessageContaining("at least one valid frame");
        assertThatThrownBy(() -> SpanMasker.data2vec().maskBatch(new int[] {50}, 49, new SplittableRandom(1)))
                .hasMessageContaining("more than the 49");
    }
}
