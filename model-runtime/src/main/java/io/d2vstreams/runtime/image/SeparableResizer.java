package io.d2vstreams.runtime.image;

/**
 * Resizes an RGB image with a separable convolution filter: one 1-D pass along rows, one along
 * columns (Wolberg, <i>Digital Image Warping</i>, 5.5; Schumacher, "General Filtered Image
 * Rescaling", Graphics Gems III). When shrinking, the kernel is stretched by the scale factor so
 * each output pixel averages all the source pixels it covers; point-sampling would alias.
 *
 * <p>Like PIL, which produced the images Hugging Face checkpoints were trained on, pixel
 * centres sit at {@code i + 0.5}, weights are normalised to sum to one, and values are clamped
 * to [0, 255] and rounded after each pass (PIL keeps 8-bit intermediates).
 *
 * <p>Source rows are streamed once, in order, and scattered into the output rows whose
 * vertical window covers them, so memory is bounded by the output (not the source) whatever
 * the aspect ratio. Rows are resized first, as PIL does, unless the image is so narrow that
 * resizing each of its many rows would cost far more than resizing its columns first (a
 * 1 x 40,000,000 image must not take 40 M horizontal passes).
 */
final class SeparableResizer {

    private final ResampleFilter filter;

    SeparableResizer(ResampleFilter filter) {
        this.filter = filter;
    }

    /**
     * Resizes the {@code srcW x srcH} image that {@code rows} reads to {@code dstW x dstH},
     * writing planar values in [0, 255]: channel c, row y, column x at
     * {@code out[(c * dstH + y) * dstW + x]}.
     */
    void resize(RgbRowReader rows, int srcW, int srcH, int dstW, int dstH, float[] out) {
        if (out.length < 3 * dstH * dstW) {
            throw new IllegalArgumentException("output holds " + out.length + " values; need " + 3 * dstH * dstW);
        }
        Taps horizontal = Taps.of(filter, srcW, dstW);
        Taps vertical = Taps.of(filter, srcH, dstH);
        boolean columnsFirst = (long) srcH * Math.max(dstW, srcW) > 2L * srcW * Math.max(dstH, srcH);
        int midW = columnsFirst ? srcW : dstW;
        int plane = dstH * midW;
        // Rows first: accumulate straight into the output. Columns first: into a narrow buffer
        // (narrower than half the output width, see the cost rule above).
        float[] acc = columnsFirst ? new float[3 * plane] : out;
        java.util.Arrays.fill(acc, 0, 3 * plane, 0f);

        float[][] rgb = new float[3][srcW];
        float[][] resizedRow = columnsFirst ? rgb : new float[3][dstW];
        int firstOut = 0;
        for (int y = 0; y < srcH; y++) {
            rows.readRow(y, rgb[0], rgb[1], rgb[2]);
            if (!columnsFirst) {
                for (int c = 0; c < 3; c++) {
                    horizontal.apply(rgb[c], 0, resizedRow[c], 0);
                }
            }
            // Output rows whose vertical window ends before y are done; windows move monotonically.
            while (firstOut < dstH && vertical.end(firstOut) <= y) {
                firstOut++;
            }
            for (int o = firstOut; o < dstH && vertical.start[o] <= y; o++) {
                float w = vertical.weight(o, y);
                if (w == 0f) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    float[] src = resizedRow[c];
                    int base = c * plane + o * midW;
                    for (int x = 0; x < midW; x++) {
                        acc[base + x] += w * src[x];
                    }
                }
            }
        }
        for (int i = 0; i < 3 * plane; i++) {
            acc[i] = clampRound(acc[i]);
        }
        if (columnsFirst) {
            for (int c = 0; c < 3; c++) {
                for (int o = 0; o < dstH; o++) {
                    horizontal.apply(acc, c * plane + o * srcW, out, (c * dstH + o) * dstW);
                }
            }
        }
    }

    /** To the nearest integer in [0, 255], the way an 8-bit intermediate would hold it. */
    static float clampRound(float v) {
        if (v <= 0f) {
            return 0f;
        }
        if (v >= 255f) {
            return 255f;
        }
        return (int) (v + 0.5f);
    }

    /**
     * The filter taps of one axis: output {@code i} is the weighted sum of source samples
     * {@code start[i] .. start[i] + count[i] - 1}.
     */
    static final class Taps {
        final int[] start;
        final int[] count;
        final float[] weights;
        final int stride;

        private Taps(int[] start, int[] count, float[] weights, int stride) {
            this.start = start;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
        }

        static Taps of(ResampleFilter filter, int src, int dst) {
            int[] start = new int[dst];
            int[] count = new int[dst];
            double scale = (double) src / dst;
            if (src == dst || filter == ResampleFilter.NEAREST) {
                float[] ones = new float[dst];
                java.util.Arrays.fill(ones, 1f);
                for (int i = 0; i < dst; i++) {
                    start[i] = src == dst ? i : Math.min(src - 1, (int) ((i + 0.5) * scale));
                    count[i] = 1;
                }
                return new Taps(start, count, ones, 1);
            }
            double stretch = Math.max(1.0, scale);
            double support = filter.support() * stretch;
            int stride = 2 * (int) Math.ceil(support) + 2;
            float[] weights = new float[dst * stride];
            double[] w = new double[stride];
            for (int i = 0; i < dst; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(src, (int) Math.ceil(centre + support));
                double sum = 0;
                for (int j = lo; j < hi; j++) {
                    w[j - lo] = filter.kernel((j + 0.5 - centre) / stretch);
                    sum += w[j - lo];
                }
                // Trim zero weights at both ends so the inner loops do no useless work.
                while (hi - lo > 1 && w[0] == 0) {
                    System.arraycopy(w, 1, w, 0, hi - lo - 1);
                    lo++;
                }
                while (hi - lo > 1 && w[hi - lo - 1] == 0) {
                    hi--;
                }
                start[i] = lo;
                count[i] = hi - lo;
                for (int k = 0; k < hi - lo; k++) {
                    weights[i * stride + k] = (float) (sum != 0 ? w[k] / sum : 1.0 / (hi - lo));
                }
            }
            return new Taps(start, count, weights, stride);
        }

        /** One past the last source index output {@code i} reads. */
        int end(int i) {
            return start[i] + count[i];
        }

        /** Weight of source index {@code j} in output {@code i}, zero outside its window. */
        float weight(int i, int j) {
            int k = j - start[i];
            return k >= 0 && k < count[i] ? weights[i * stride + k] : 0f;
        }

        /** Resamples one line, clamping and rounding each result to [0, 255]. */
        void apply(float[] in, int inOff, float[] out, int outOff) {
            for (int i = 0; i < start.length; i++) {
                int from = inOff + start[i];
                int base = i * stride;
                float acc = 0f;
                for (int k = 0; k < count[i]; k++) {
                    acc += weights[base + k] * in[from + k];
                }
                out[outOff + i] = clampRound(acc);
            }
        }
    }
}
