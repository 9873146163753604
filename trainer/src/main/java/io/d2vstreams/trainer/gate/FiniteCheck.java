package io.d2vstreams.trainer.gate;

import java.util.Map;

/** Every value of the candidate's embeddings of the held-out inputs is a finite number. */
public final class FiniteCheck {

    public static final String NAME = "finite";
    public static final String METRIC = "non_finite_values";

    /** The check on embeddings of held-out texts. */
    public CheckResult evaluate(float[][] embeddings) {
        return evaluate(embeddings, "text");
    }

    /** @param noun what one input is, for the reason ({@code text}, {@code image}) */
    public CheckResult evaluate(float[][] embeddings, String noun) {
        long bad = 0;
        int firstRow = -1;
        for (int r = 0; r < embeddings.length; r++) {
            for (float v : embeddings[r]) {
                if (!Float.isFinite(v)) {
                    bad++;
                    if (firstRow < 0) {
                        firstRow = r;
                    }
                }
            }
        }
        Map<String, Double> metrics = Map.of(METRIC, (double) bad);
        if (bad == 0) {
            return CheckResult.pass(NAME, metrics);
        }
        return CheckResult.fail(NAME, bad + " NaN/Inf values in the ONNX embeddings of the held-out " + noun
                + " inputs (first in " + noun + " " + firstRow + ")", metrics);
    }
}
