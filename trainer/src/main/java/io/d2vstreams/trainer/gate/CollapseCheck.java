package io.d2vstreams.trainer.gate;

import java.util.Locale;
import java.util.Map;

/**
 * The embeddings have not collapsed (data2vec's known failure, §3.3 of the paper: the student
 * and teacher agree on a constant): across the held-out inputs, the pooled vectors still vary
 * (mean per-dimension variance above a floor) and their differences still span several
 * directions (effective rank of the centred vectors above a floor). The two catch different
 * collapses: every vector the same (variance → 0) and every vector on one line or a few
 * directions (rank → 1). The rank is taken after centring because mean-pooled transformer
 * embeddings share a large common direction (anisotropy), which would make an uncentred rank
 * low for a healthy model too: the seeded tiny model has an uncentred rank of 4 and a centred
 * one of 18 on 32 short sentences.
 */
public final class CollapseCheck {

    public static final String NAME = "collapse";
    public static final String VARIANCE_METRIC = "embedding_variance";
    public static final String RANK_METRIC = "effective_rank";

    private final double varianceMin;
    private final double effectiveRankMin;

    public CollapseCheck(double varianceMin, double effectiveRankMin) {
        this.varianceMin = varianceMin;
        this.effectiveRankMin = effectiveRankMin;
    }

    /** @param embeddings one pooled vector per held-out text, at least two */
    public CheckResult evaluate(float[][] embeddings) {
        double variance = EmbeddingStatistics.meanDimensionVariance(embeddings);
        double rank = EmbeddingStatistics.effectiveRank(EmbeddingStatistics.centred(embeddings));
        Map<String, Double> metrics = Map.of(VARIANCE_METRIC, ParityCheck.finiteOr(variance),
                RANK_METRIC, ParityCheck.finiteOr(rank));
        if (!(variance >= varianceMin)) {
            return CheckResult.fail(NAME, String.format(Locale.ROOT,
                    "embeddings collapsed: mean per-dimension variance %.3g is below %.3g", variance, varianceMin), metrics);
        }
        if (!(rank >= effectiveRankMin)) {
            return CheckResult.fail(NAME, String.format(Locale.ROOT,
                    "embeddings collapsed: effective rank %.2f is below %.2f", rank, effectiveRankMin), metrics);
        }
        return CheckResult.pass(NAME, metrics);
    }
}
