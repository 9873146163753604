package io.d2vstreams.runtime.image;

/**
 * Reconstruction filters for resizing, numbered as PIL's {@code Image.Resampling} codes because
 * Hugging Face {@code preprocessor_config.json} files store the {@code resample} key that way
 * (data2vec-vision / BEiT use 2 = bilinear or 3 = bicubic).
 *
 * <p>Except for {@link #NEAREST}, each is used as a convolution kernel that is stretched by the
 * scale factor when shrinking, so a downscale averages every source pixel it covers instead of
 * point-sampling (which aliases); see Wolberg, <i>Digital Image Warping</i>, ch. 5, and
 * Schumacher, "General Filtered Image Rescaling", Graphics Gems III.
 */
public enum ResampleFilter {
    /** Point sampling: the source pixel under the output pixel's centre. */
    NEAREST(0, 0.5),
    /** Lanczos windowed sinc, three lobes. */
    LANCZOS(1, 3.0),
    /** Triangle (tent) filter: linear interpolation when enlarging. */
    BILINEAR(2, 1.0),
    /** Keys cubic convolution with a = -0.5 (Keys 1981), the usual "bicubic". */
    BICUBIC(3, 2.0),
    /** Box filter: area averaging. */
    BOX(4, 0.5),
    /** Hamming-windowed sinc, one lobe. */
    HAMMING(5, 1.0);

    private static final double CUBIC_A = -0.5;

    private final int pilCode;
    private final double support;

    ResampleFilter(int pilCode, double support) {
        this.pilCode = pilCode;
        this.support = support;
    }

    /** The integer PIL and Hugging Face configs use for this filter. */
    public int pilCode() {
        return pilCode;
    }

    /** Half-width of the kernel in source pixels at scale 1. */
    double support() {
        return support;
    }

    /** The filter for a PIL resampling code. */
    public static ResampleFilter fromPilCode(int code) {
        for (ResampleFilter f : values()) {
            if (f.pilCode == code) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown PIL resample code " + code
                + "; expected 0 (nearest), 1 (lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (hamming)");
    }

    /** The kernel's value at distance {@code x} (in source pixels at scale 1). */
    double kernel(double x) {
        double ax = Math.abs(x);
        switch (this) {
            case NEAREST:
            case BOX:
                return x >= -0.5 && x < 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                return ax < 1.0 ? 1.0 - ax : 0.0;
            case BICUBIC:
                if (ax < 1.0) {
                    return ((CUBIC_A + 2.0) * ax - (CUBIC_A + 3.0)) * ax * ax + 1.0;
                }
                if (ax < 2.0) {
                    return ((CUBIC_A * ax - 5.0 * CUBIC_A) * ax + 8.0 * CUBIC_A) * ax - 4.0 * CUBIC_A;
                }
                return 0.0;
            case LANCZOS:
                return ax < 3.0 ? sinc(ax) * sinc(ax / 3.0) : 0.0;
            case HAMMING:
                return ax < 1.0 ? sinc(ax) * (0.54 + 0.46 * Math.cos(Math.PI * ax)) : 0.0;
            default:
                throw new AssertionError(this);
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }
}
