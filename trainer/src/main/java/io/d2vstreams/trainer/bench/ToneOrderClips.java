package io.d2vstreams.trainer.bench;

import io.d2vstreams.runtime.bench.WavBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded two-tone clips, rising (the lower tone first) or falling (the higher first): an audio
 * probe task the seeded encoder cannot read off its mean-pooled frames. Each labelled clip has a
 * twin with the same two segments, noise included, in the other order, so both classes hold
 * exactly the same samples; a bag of frame features (what mean pooling of a random encoder is
 * close to) is the same for both. Telling them apart needs features that depend on what came
 * before and after, which masked prediction of spans of frames has to learn.
 *
 * <p>The label is the order (0 rising, 1 falling); {@link #next} gives the unlabelled clips a
 * trainer learns from, {@link #labelledTwins} the probe's labelled set. Clips are 16 kHz mono WAV.
 */
public final class ToneOrderClips {

    /** A probe clip and its order. */
    public record Labelled(byte[] wav, int label) {}

    /** Number of labels: rising and falling. */
    public static final int CLASSES = 2;

    static final int RATE = 16_000;
    private static final double MIN_HZ = 200;
    private static final double MAX_HZ = 2_000;
    /** The higher tone is at least this factor above the lower: a clear step, never a unison. */
    private static final double MIN_RATIO = 1.5;
    private static final double MIN_SEGMENT_S = 0.4;
    private static final double MAX_SEGMENT_S = 0.8;
    private static final double FADE_S = 0.01;
    private static final double NOISE = 0.03;

    private final SplittableRandom random;

    public ToneOrderClips(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} unlabelled clips, each order with probability 1/2. */
    public List<byte[]> next(int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(pair().clip(random.nextInt(CLASSES)));
        }
        return out;
    }

    /** {@code pairs} twin pairs: each pair of segments rising, then the same two falling. */
    public List<Labelled> labelledTwins(int pairs) {
        List<Labelled> out = new ArrayList<>(2 * pairs);
        for (int i = 0; i < pairs; i++) {
            Segments segments = pair();
            out.add(new Labelled(segments.clip(0), 0));
            out.add(new Labelled(segments.clip(1), 1));
        }
        return out;
    }

    private Segments pair() {
        double low;
        double high;
        do {
            low = logUniform(MIN_HZ, MAX_HZ);
            high = logUniform(MIN_HZ, MAX_HZ);
        } while (high < low * MIN_RATIO);
        int length = (int) Math.round(RATE * random.nextDouble(MIN_SEGMENT_S, MAX_SEGMENT_S));
        return new Segments(tone(low, length), tone(high, length));
    }

    /** A tone with its second harmonic, faded in and out, with its own noise. */
    private float[] tone(double hz, int length) {
        double phase = random.nextDouble(0, 2 * Math.PI);
        double amplitude = random.nextDouble(0.3, 0.6);
        int fade = (int) Math.round(RATE * FADE_S);
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            double t = (double) i / RATE;
            double envelope = Math.min(1.0, Math.min(i, length - 1 - i) / (double) fade);
            double v = amplitude * envelope * (Math.sin(2 * Math.PI * hz * t + phase)
                    + 0.3 * Math.sin(4 * Math.PI * hz * t + phase));
            out[i] = (float) (v + NOISE * (random.nextDouble() * 2 - 1));
        }
        return out;
    }

    private double logUniform(double min, double max) {
        return Math.exp(random.nextDouble(Math.log(min), Math.log(max)));
    }

    /** The two segments of a twin pair; the clip is their concatenation in the label's order. */
    private record Segments(float[] low, float[] high) {
        byte[] clip(int label) {
            float[] first = label == 0 ? low : high;
            float[] second = label == 0 ? high : low;
            float[] samples = new float[first.length + second.length];
            System.arraycopy(first, 0, samples, 0, first.length);
            System.arraycopy(second, 0, samples, first.length, second.length);
            return WavBytes.pcm16(samples, RATE, 1);
        }
    }
}
