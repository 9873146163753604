package io.d2vstreams.runtime.audio;

/** Measurements on test signals, skipping {@code margin} samples at each end (filter edge effects). */
final class Signals {

    private Signals() {
    }

    static double rms(float[] x, int margin) {
        double sum = 0;
        int n = 0;
        for (int i = margin; i < x.length - margin; i++) {
            sum += (double) x[i] * x[i];
            n++;
        }
        return Math.sqrt(sum / n);
    }

    static double decibels(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /** Amplitude of the {@code freq} Hz component: 2 |DFT(freq)| / N over the interior. */
    static double amplitudeAt(float[] x, double freq, int rate, int margin) {
        double re = 0;
        double im = 0;
        int n = 0;
        for (int i = margin; i < x.length - margin; i++) {
            double phase = 2 * Math.PI * freq * i / rate;
            re += x[i] * Math.cos(phase);
            im -= x[i] * Math.sin(phase);
            n++;
        }
        return 2 * Math.hypot(re, im) / n;
    }

    /** Sign changes over the interior: two per cycle of a pure tone. */
    static int zeroCrossings(float[] x, int margin) {
        int crossings = 0;
        for (int i = margin + 1; i < x.length - margin; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                crossings++;
            }
        }
        return crossings;
    }

    static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    static double variance(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) {
            s += (v - m) * (v - m);
        }
        return s / x.length;
    }
}
