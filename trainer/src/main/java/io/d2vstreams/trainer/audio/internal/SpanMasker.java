package io.d2vstreams.trainer.audio.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * wav2vec 2.0's span masking of audio frames, which data2vec uses for speech (Baevski et al.
 * 2020, §3.1; Baevski et al. 2022, §4.2: p = 0.065 of the time-steps start a span of ten, which
 * masks about 49 % of them): each frame starts a span of {@code spanLength} frames with
 * probability {@code startProb}, spans may overlap, and only a clip's valid frames are ever masked
 * (its padding never is).
 *
 * <p>Starts are drawn independently at every position from {@code −(spanLength − 1)} to the
 * last valid frame, and each span is cut to the valid frames. A frame is then masked exactly when
 * one of the {@code spanLength} positions at or before it started a span, so every valid frame,
 * the first and last of a clip included, is masked with the same probability
 * {@code 1 − (1 − startProb)^spanLength} (0.49 for data2vec's settings), whatever the clip's
 * length. fairseq's {@code compute_mask_indices} instead draws a fixed number of whole spans
 * ({@code mask_prob · length / mask_length}, rounded at random) without replacement, which masks
 * the ends of a clip less often than its middle; the expected fraction is about the same.
 *
 * <p>When fewer than {@code minSpans} spans were drawn (a short clip), whole spans of
 * {@code min(spanLength, valid)} frames are added at uniformly drawn starts until there are
 * {@code minSpans} (fairseq's {@code min_masks}: 1 for data2vec audio, Hugging Face's
 * {@code mask_time_min_masks}: 2), so every clip gives the loss something to predict.
 *
 * <p>Deterministic: the mask depends only on the generator handed in, so (seed, step) gives the
 * same masks on every run.
 */
public final class SpanMasker {

    /** data2vec audio's (and wav2vec 2.0's) probability that a frame starts a span. */
    public static final double DATA2VEC_START_PROB = 0.065;
    /** data2vec audio's span length in frames (200 ms at the feature encoder's 20 ms frames). */
    public static final int DATA2VEC_SPAN_LENGTH = 10;
    /** fairseq's {@code min_masks} in data2vec audio's {@code apply_mask}. */
    public static final int DATA2VEC_MIN_SPANS = 1;

    /** One run of masked frames, already cut to the clip's valid frames. */
    public record Span(int start, int length) {}

    /**
     * The mask of one clip.
     *
     * @param masked {@code [validFrames]}, true where the frame is masked
     * @param count the number of masked frames
     * @param spans the spans whose union is the mask, in the order they were drawn
     */
    public record FrameMask(boolean[] masked, int count, List<Span> spans) {
        public FrameMask {
            spans = List.copyOf(spans);
        }
    }

    /**
     * The masks of a batch, as the model and the loss take them.
     *
     * @param values {@code [clips, frames]} row-major, 1 at a masked frame, 0 elsewhere and on padding
     * @param count masked frames in the whole batch
     */
    public record BatchMask(float[] values, int count) {}

    private final double startProb;
    private final int spanLength;
    private final int minSpans;

    /**
     * @param startProb probability that a frame starts a span, in (0, 1)
     * @param spanLength frames per span, at least 1
     * @param minSpans spans every clip gets at least, at least 0
     */
    public SpanMasker(double startProb, int spanLength, int minSpans) {
        if (!(startProb > 0 && startProb < 1)) {
            throw new IllegalArgumentException("span start probability must be in (0, 1), got " + startProb);
        }
        if (spanLength < 1) {
            throw new IllegalArgumentException("span length must be >= 1 frame, got " + spanLength);
        }
        if (minSpans < 0) {
            throw new IllegalArgumentException("minimum spans must be >= 0, got " + minSpans);
        }
        this.startProb = startProb;
        this.spanLength = spanLength;
        this.minSpans = minSpans;
    }

    /** data2vec audio's settings: p = 0.065, spans of 10 frames, at least one span. */
    public static SpanMasker data2vec() {
        return new SpanMasker(DATA2VEC_START_PROB, DATA2VEC_SPAN_LENGTH, DATA2VEC_MIN_SPANS);
    }

    public double startProb() {
        return startProb;
    }

    public int spanLength() {
        return spanLength;
    }

    public int minSpans() {
        return minSpans;
    }

    /** The probability that any one valid frame is masked before the minimum is enforced: {@code 1 − (1 − p)^span}. */
    public double expectedFraction() {
        return 1 - Math.pow(1 - startProb, spanLength);
    }

    /**
     * One clip's mask.
     *
     * @param validFrames the clip's frames that are not padding, at least 1
     */
    public FrameMask mask(int validFrames, SplittableRandom random) {
        if (validFrames < 1) {
            throw new IllegalArgumentException("a clip to mask needs at least one valid frame, got " + validFrames);
        }
        boolean[] masked = new boolean[validFrames];
        List<Span> spans = new ArrayList<>();
        for (int s = -(spanLength - 1); s < validFrames; s++) {
            if (random.nextDouble() < startProb) {
                int from = Math.max(0, s);
                int to = Math.min(validFrames, s + spanLength);
                spans.add(new Span(from, to - from));
            }
        }
        int whole = Math.min(spanLength, validFrames);
        while (spans.size() < minSpans) {
            spans.add(new Span(random.nextInt(validFrames - whole + 1), whole));
        }
        int count = 0;
        for (Span span : spans) {
            for (int f = span.start(); f < span.start() + span.length(); f++) {
                if (!masked[f]) {
                    masked[f] = true;
                    count++;
                }
            }
        }
        return new FrameMask(masked, count, spans);
    }

    /**
     * A mask per clip, drawn one after the other from {@code random}.
     *
     * @param validFrames each clip's valid frames, each between 1 and {@code frames}
     * @param frames frames per row of the padded batch
     */
    public BatchMask maskBatch(int[] validFrames, int frames, SplittableRandom random) {
        float[] values = new float[Math.multiplyExact(validFrames.length, frames)];
        int count = 0;
        for (int i = 0; i < validFrames.length; i++) {
            if (validFrames[i] > frames) {
                throw new IllegalArgumentException("clip " + i + " has " + validFrames[i] + " valid frames, more than the "
                        + frames + " of the batch");
            }
            FrameMask m = mask(validFrames[i], random);
            for (int f = 0; f < validFrames[i]; f++) {
                if (m.masked()[f]) {
                    values[i * frames + f] = 1f;
                }
            }
            count += m.count();
        }
        return new BatchMask(values, count);
    }
}
