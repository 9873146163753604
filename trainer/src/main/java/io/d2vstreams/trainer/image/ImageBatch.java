package io.d2vstreams.trainer.image;

import java.util.Objects;

/**
 * The {@code pixel_values} of a batch of images, the input of the serving ONNX graph: row-major
 * {@code [images, channels, size, size]} floats, each image laid out channel-major as
 * model-runtime's {@code ImagePreprocessor} writes it. The array is shared, not copied: treat it
 * as read-only.
 *
 * @param values {@code images · channels · size · size} floats
 * @param images images in the batch, at least 1
 * @param channels colour channels
 * @param size side of every (square) image in pixels
 */
public record ImageBatch(float[] values, int images, int channels, int size) {

    public ImageBatch {
        Objects.requireNonNull(values, "values");
        if (images < 1 || channels < 1 || size < 1) {
            throw new IllegalArgumentException("an image batch needs images, channels and size >= 1, got " + images + ", "
                    + channels + ", " + size);
        }
        if ((long) images * channels * size * size != values.length) {
            throw new IllegalArgumentException(values.length + " floats are not " + images + " images of " + channels
                    + "x" + size + "x" + size);
        }
    }

    /** The NCHW shape of {@code pixel_values}. */
    public long[] shape() {
        return new long[] {images, channels, size, size};
    }
}
