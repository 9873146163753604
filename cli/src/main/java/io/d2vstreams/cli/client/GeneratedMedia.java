package io.d2vstreams.cli.client;

import io.d2vstreams.runtime.bench.MediaGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated images and audio clips ({@link MediaGenerator}: no download) small enough for any
 * broker with default settings, for the demo and {@code d2v produce --generate}.
 */
public final class GeneratedMedia {
    /**
     * Kafka's default message limit is 1 MiB; the generator's longest stereo 44.1 kHz clips are
     * larger. Generated events keep to what any default broker accepts.
     */
    public static final int MAX_EVENT_BYTES = 900 * 1024;

    private GeneratedMedia() {
    }

    /** {@code count} encoded images (JPEG or PNG). */
    public static List<byte[]> images(int count, long seed) {
        return fitting(count, seed, true);
    }

    /** {@code count} WAV clips. */
    public static List<byte[]> clips(int count, long seed) {
        return fitting(count, seed, false);
    }

    /** {@code count} generated files, skipping any larger than {@link #MAX_EVENT_BYTES}. */
    private static List<byte[]> fitting(int count, long seed, boolean images) {
        MediaGenerator generator = new MediaGenerator(seed);
        List<byte[]> out = new ArrayList<>(count);
        while (out.size() < count) {
            byte[] file = images ? generator.images(1).get(0) : generator.clips(1).get(0);
            if (file.length <= MAX_EVENT_BYTES) {
                out.add(file);
            }
        }
        return out;
    }
}
