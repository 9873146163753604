package io.d2vstreams.runtime.image;

import io.d2vstreams.runtime.preprocess.MediaPreprocessor;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Encoded image bytes to the {@code pixel_values} of a ViT/BEiT-style encoder: decode (with the
 * pixel limit checked on the header first), convert to RGB, resize to the model's size, rescale
 * and normalise, laid out channel-major (CHW: all R, then all G, then all B, each row-major),
 * which is the layout of one image in an NCHW {@code pixel_values} tensor.
 *
 * <p>Immutable and thread-safe: one instance per model, shared by all threads.
 */
public final class ImagePreprocessor implements MediaPreprocessor {

    private final ImagePreprocessorConfig config;
    private final ImageDecoder decoder;
    private final SeparableResizer resizer;
    /** out = v * scale[c] + offset[c], the rescale and normalisation folded together. */
    private final float[] scale = new float[3];
    private final float[] offset = new float[3];

    public ImagePreprocessor(ImagePreprocessorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.decoder = new ImageDecoder(config.maxPixels(), config.maxBytes());
        this.resizer = new SeparableResizer(config.resample());
        float[] mean = config.mean();
        float[] std = config.std();
        for (int c = 0; c < 3; c++) {
            // (v * rescale - mean) / std  ==  v * (rescale / std) - mean / std
            double rescale = config.doRescale() ? config.rescaleFactor() : 1.0;
            double divisor = config.doNormalize() ? std[c] : 1.0;
            scale[c] = (float) (rescale / divisor);
            offset[c] = config.doNormalize() ? (float) (-mean[c] / divisor) : 0f;
        }
    }

    public ImagePreprocessorConfig config() {
        return config;
    }

    /** Floats per image: 3 x height x width. */
    public int outputLength() {
        return config.outputLength();
    }

    /** Preprocesses one image into a new array of {@link #outputLength()} floats. */
    @Override
    public float[] preprocess(byte[] bytes) throws PreprocessException {
        float[] out = new float[outputLength()];
        preprocessInto(bytes, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Preprocesses one image into {@code dst} at its position, then advances the position by
     * {@link #outputLength()}, so an encoder can fill a reused direct buffer image by image.
     * Nothing is written when the image is refused.
     *
     * @return the format found (by signature) and the source size
     * @throws PreprocessException      if the image is empty, too large, corrupt, unsupported,
     *                                  or not the model's size while resizing is off
     * @throws IllegalArgumentException if {@code dst} has fewer than {@link #outputLength()}
     *                                  floats remaining (a caller's bug, checked first)
     */
    public ImageInfo preprocessInto(byte[] bytes, FloatBuffer dst) throws PreprocessException {
        Objects.requireNonNull(bytes, "bytes");
        int n = outputLength();
        if (dst.remaining() < n) {
            throw new IllegalArgumentException("destination has " + dst.remaining() + " floats remaining; need " + n);
        }
        ImageDecoder.Decoded decoded = decoder.decode(bytes);
        ImageInfo info = decoded.info();
        int h = config.height();
        int w = config.width();
        if (!config.doResize() && (info.width() != w || info.height() != h)) {
            throw new PreprocessException(Reason.WRONG_DIMENSIONS, "image is " + info.width() + "x" + info.height()
                    + " but the model takes " + w + "x" + h + " and resizing is off (do_resize=false)");
        }
        float[] pixels = new float[n];
        RgbRowReader rows = new RgbRowReader(decoded.image(), config.alpha());
        resizer.resize(rows, info.width(), info.height(), w, h, pixels);
        int plane = h * w;
        for (int c = 0; c < 3; c++) {
            float a = scale[c];
            float b = offset[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                pixels[i] = pixels[i] * a + b;
            }
        }
        dst.put(pixels);
        return info;
    }
}
