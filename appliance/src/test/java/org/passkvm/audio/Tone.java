package org.passkvm.audio;

import java.util.List;

/** Reads a tone back out of decoded samples: the frequency with the most energy, by Goertzel, coarse then fine. */
public final class Tone {

    private Tone() {}

    public static double dominantHz(List<? extends Number> samples, int rate) {
        double[] x = samples.stream().mapToDouble(Number::doubleValue).toArray();
        return dominantHz(x, rate);
    }

    public static double dominantHz(double[] x, int rate) {
        double best = 0;
        double bestPower = -1;
        for (double f = 50; f <= 8000; f += 10) {
            double p = power(x, rate, f);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        double coarse = best;
        for (double f = coarse - 10; f <= coarse + 10; f += 0.5) {
            double p = power(x, rate, f);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        return best;
    }

    /** Energy of the signal at one frequency. */
    static double power(double[] x, int rate, double hz) {
        double w = 2 * Math.PI * hz / rate;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (double v : x) {
            double s0 = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    public static double rms(List<? extends Number> samples) {
        return Math.sqrt(samples.stream().mapToDouble(n -> n.doubleValue() * n.doubleValue()).average().orElse(0));
    }

    /** The p-th percentile (0..100) of some numbers. */
    public static double percentile(List<? extends Number> values, double p) {
        double[] v = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v[(int) Math.min(v.length - 1, Math.round(p / 100 * (v.length - 1)))];
    }
}
