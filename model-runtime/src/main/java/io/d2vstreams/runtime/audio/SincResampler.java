package io.d2vstreams.runtime.audio;

/**
 * Sample-rate conversion by band-limited interpolation with a Kaiser-windowed sinc kernel
 * (J. O. Smith III, "Digital Audio Resampling", CCRMA, and Crochiere and Rabiner, <i>Multirate
 * Digital Signal Processing</i>, 1983, ch. 2). Each output sample is the input convolved with a
 * low-pass kernel centred on the output instant; when reducing the rate the kernel is stretched
 * by {@code from/to} so its cut-off falls below the new Nyquist frequency: that is the
 * anti-aliasing filter, without which a 10 kHz tone resampled from 48 kHz to 16 kHz would come
 * out as a 6 kHz alias.
 *
 * <p>Filter design (Kaiser's formulas, Oppenheim and Schafer, <i>Discrete-Time Signal
 * Processing</i>, 7.6): cut-off 0.45 cycles per sample of the lower rate (90 % of its Nyquist
 * frequency), 80 dB stop-band attenuation (beta = 0.1102 (A - 8.7) = 7.857), 32 zero crossings
 * each side, which puts the transition band at 0.45 +- 0.04 so the stop band starts below
 * Nyquist. The kernel is tabulated once, 512 points per zero crossing, and linearly interpolated
 * (error below -100 dB), so any pair of rates works without a per-ratio design. The output
 * instants are tracked as exact fractions n * from / to so long clips do not drift.
 *
 * <p>For the common rates the ratio to/from reduces to up/down with few phases (44.1 kHz to
 * 16 kHz is 160/441): output n then falls at phase {@code n * down mod up} between two input
 * samples, and the kernel values for each phase are computed once per conversion, which turns
 * the inner loop into a plain dot product (the polyphase form, Crochiere and Rabiner 3.3.2).
 * Rates with too many phases fall back to interpolating the kernel table per tap.
 *
 * <p>Immutable and thread-safe; the kernel table is a constant, built once per JVM.
 */
final class SincResampler {

    /** Zero crossings of the kernel on each side, in sample periods of the lower rate. */
    static final int HALF_WIDTH = 32;
    /** Cut-off in cycles per sample of the lower rate (Nyquist is 0.5). */
    static final double CUTOFF = 0.45;
    /** Kaiser window beta for 80 dB stop-band attenuation. */
    static final double BETA = 0.1102 * (80.0 - 8.7);
    /** Table points per unit of kernel argument. */
    static final int DENSITY = 512;

    /** h(x) for x = i / DENSITY in [0, HALF_WIDTH], plus a guard entry for interpolation. */
    private static final float[] KERNEL = buildKernel();

    /** Largest polyphase table built per conversion: 256 Ki floats, 1 MiB. */
    static final int MAX_POLYPHASE_COEFFICIENTS = 1 << 18;

    private final long up;
    private final long down;
    /** Kernel stretch: to/from when reducing the rate, else 1. */
    private final double rho;
    /** Kernel half-width in input samples. */
    private final double reach;
    /** Taps per phase, and phase p's coefficients at [p * taps, (p + 1) * taps); null: no table. */
    private final int taps;
    private final float[] polyphase;

    SincResampler(int fromRate, int toRate) {
        this(fromRate, toRate, MAX_POLYPHASE_COEFFICIENTS);
    }

    /** With a bound on the polyphase table; 0 forces per-tap interpolation (for tests). */
    SincResampler(int fromRate, int toRate, int maxPolyphaseCoefficients) {
        if (fromRate < 1 || toRate < 1) {
            throw new IllegalArgumentException("rates must be positive: " + fromRate + " -> " + toRate);
        }
        long g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        this.rho = Math.min(1.0, (double) toRate / fromRate);
        this.reach = HALF_WIDTH / rho;
        this.taps = 2 * ((int) Math.ceil(reach) + 1);
        this.polyphase = up != down && up * taps <= maxPolyphaseCoefficients ? buildPolyphase() : null;
    }

    /**
     * Phase p (output at input position base + p/up) reads inputs base - taps/2 + 1 + k for
     * k in [0, taps); its coefficient k is the stretched kernel at that distance, times rho.
     */
    private float[] buildPolyphase() {
        float[] table = new float[(int) up * taps];
        int first = -taps / 2 + 1;
        for (int p = 0; p < up; p++) {
            double frac = (double) p / up;
            for (int k = 0; k < taps; k++) {
                table[p * taps + k] = (float) (kernelAt(Math.abs(frac - (first + k)) * rho) * rho);
            }
        }
        return table;
    }

    /** Output length for {@code inLength} input samples: ceil(inLength * to / from). */
    int outputLength(int inLength) {
        return (int) ((inLength * up + down - 1) / down);
    }

    /** Resamples the first {@code length} samples of {@code in}; samples outside count as zero. */
    float[] resample(float[] in, int length) {
        int outLength = outputLength(length);
        float[] out = new float[outLength];
        if (up == down) {
            System.arraycopy(in, 0, out, 0, length);
            return out;
        }
        for (int n = 0; n < outLength; n++) {
            long numerator = n * down;             // output instant = numerator / up, in input samples
            long base = numerator / up;
            int phase = (int) (numerator - base * up);
            out[n] = polyphase != null
                    ? fromTable(in, length, (int) base, phase)
                    : interpolated(in, length, base + (double) phase / up);
        }
        return out;
    }

    private float fromTable(float[] in, int length, int base, int phase) {
        int first = base - taps / 2 + 1;
        int row = phase * taps;
        double acc = 0;
        if (first >= 0 && first + taps <= length) {
            for (int k = 0; k < taps; k++) {
                acc += (double) polyphase[row + k] * in[first + k];
            }
        } else {
            int from = Math.max(0, first);
            int to = Math.min(length, first + taps);
            for (int j = from; j < to; j++) {
                acc += (double) polyphase[row + j - first] * in[j];
            }
        }
        return (float) acc;
    }

    private float interpolated(float[] in, int length, double t) {
        int from = (int) Math.max(0, Math.ceil(t - reach));
        int to = (int) Math.min(length - 1, Math.floor(t + reach));
        double acc = 0;
        for (int j = from; j <= to; j++) {
            acc += in[j] * kernelAt(Math.abs(t - j) * rho);
        }
        // rho keeps the gain at 1: the stretched kernel covers 1/rho input samples per lobe.
        return (float) (acc * rho);
    }

    /** The kernel at distance x >= 0 (in lower-rate samples), linearly interpolated from the table. */
    private static double kernelAt(double x) {
        double pos = x * DENSITY;
        if (pos >= HALF_WIDTH * DENSITY) {
            return 0;
        }
        int i = (int) pos;
        float k0 = KERNEL[i];
        return k0 + (pos - i) * (KERNEL[i + 1] - k0);
    }

    private static float[] buildKernel() {
        int n = HALF_WIDTH * DENSITY;
        float[] table = new float[n + 2];
        double i0Beta = besselI0(BETA);
        for (int i = 0; i <= n; i++) {
            double x = (double) i / DENSITY;
            double u = x / HALF_WIDTH;
            double window = besselI0(BETA * Math.sqrt(Math.max(0.0, 1.0 - u * u))) / i0Beta;
            table[i] = (float) (2 * CUTOFF * sinc(2 * CUTOFF * x) * window);
        }
        return table;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double halfX = x / 2;
        for (int k = 1; k < 200; k++) {
            term *= (halfX / k) * (halfX / k);
            sum += term;
            if (term < 1e-16 * sum) {
                break;
            }
        }
        return sum;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
