package io.d2vstreams.trainer.internal;

/**
 * The EMA decay τ after {@code n} updates (data2vec §3.2; fairseq {@code get_annealed_rate}):
 * linear from {@code start} to {@code end} over {@code annealSteps} updates, then constant.
 */
public record TauSchedule(double start, double end, long annealSteps) {

    public TauSchedule {
        if (!(start >= 0 && start <= 1 && end >= 0 && end <= 1)) {
            throw new IllegalArgumentException("tau start and end must be in [0, 1], got " + start + " and " + end);
        }
        if (annealSteps < 0) {
            throw new IllegalArgumentException("tau anneal steps must be >= 0, got " + annealSteps);
        }
    }

    public double at(long n) {
        if (start == end || n >= annealSteps) {
            return end;
        }
        return end - (end - start) * (1 - (double) n / annealSteps);
    }
}
