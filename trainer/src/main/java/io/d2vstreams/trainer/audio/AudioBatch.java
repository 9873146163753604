package io.d2vstreams.trainer.audio;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code input_values} of a batch of clips, the input of the serving ONNX graph: row-major
 * {@code [clips, samples]} floats, each clip as model-runtime's {@code AudioPreprocessor} writes
 * it (16 kHz, normalised), zero-padded on the right to the longest, as {@code AudioEncoder} pads.
 * The array is shared, not copied: treat it as read-only.
 */
public final class AudioBatch {

    private final float[] values;
    private final int clips;
    private final int samples;
    private final int[] lengths;

    private AudioBatch(float[] values, int clips, int samples, int[] lengths) {
        this.values = values;
        this.clips = clips;
        this.samples = samples;
        this.lengths = lengths;
    }

    /**
     * Pads the clips with zeros to the longest.
     *
     * @throws IllegalArgumentException when there are no clips or a clip is empty
     */
    public static AudioBatch of(List<float[]> clips) {
        Objects.requireNonNull(clips, "clips");
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one clip");
        }
        int cols = 0;
        for (int i = 0; i < clips.size(); i++) {
            if (clips.get(i).length == 0) {
                throw new IllegalArgumentException("clip " + i + " has no samples");
            }
            cols = Math.max(cols, clips.get(i).length);
        }
        float[] values = new float[Math.multiplyExact(clips.size(), cols)];
        int[] lengths = new int[clips.size()];
        for (int r = 0; r < clips.size(); r++) {
            float[] clip = clips.get(r);
            System.arraycopy(clip, 0, values, r * cols, clip.length);
            lengths[r] = clip.length;
        }
        return new AudioBatch(values, clips.size(), cols, lengths);
    }

    /** Clips in the batch. */
    public int clips() {
        return clips;
    }

    /** Samples per row, the longest clip's. */
    public int samples() {
        return samples;
    }

    /** Clip {@code r}'s own samples, before padding. */
    public int length(int r) {
        return lengths[r];
    }

    /** {@code [clips, samples]} row-major, padding zero. */
    public float[] values() {
        return values;
    }

    /** The shape of {@code input_values}. */
    public long[] shape() {
        return new long[] {clips, samples};
    }

    /** {@code attention_mask}, row-major {@code [clips, samples]}: 1 on a clip's samples, 0 on padding. */
    public long[] attentionMask() {
        long[] mask = new long[values.length];
        for (int r = 0; r < clips; r++) {
            Arrays.fill(mask, r * samples, r * samples + lengths[r], 1L);
        }
        return mask;
    }

    /** Frames per row of the model's output for this batch. */
    public int frames(AudioEncoderConfig config) {
        return config.frames(samples);
    }

    /**
     * Each clip's valid frames: its own length through the convolution formula
     * ({@link AudioEncoderConfig#frames}), as the serving graph and Hugging Face's
     * {@code _get_feature_vector_attention_mask} derive the frame mask from the sample mask.
     */
    public int[] validFrames(AudioEncoderConfig config) {
        int[] frames = new int[clips];
        for (int r = 0; r < clips; r++) {
            frames[r] = config.frames(lengths[r]);
        }
        return frames;
    }
}
