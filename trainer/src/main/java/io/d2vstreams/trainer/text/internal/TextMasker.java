package io.d2vstreams.trainer.text.internal;

import io.d2vstreams.trainer.text.TextBatch;
import java.util.SplittableRandom;

/**
 * BERT-style masking for data2vec text (Baevski et al. 2022, §4.3 following Devlin et al. 2019):
 * a fraction {@code maskProb} of each text's ordinary tokens is selected, and each selected token
 * becomes {@code <mask>} with probability {@code maskTokenProb}, a random ordinary token with
 * probability {@code randomTokenProb}, and stays itself otherwise. Special tokens and padding are
 * never selected, and never drawn as replacements (fairseq zeroes their sampling weight).
 *
 * <p>As fairseq's {@code MaskTokensDataset}, the count per text is {@code ⌊p·n + U(0,1)⌋}
 * (unbiased, lower variance than one coin per token) drawn without replacement. A batch in which
 * no token would be selected gets one, so that every step has a loss.
 */
public final class TextMasker {

    private final double maskProb;
    private final double maskTokenProb;
    private final double randomTokenProb;
    private final SpecialTokens specials;
    private final int[] ordinaryIds;

    public TextMasker(double maskProb, double maskTokenProb, double randomTokenProb, SpecialTokens specials, int vocabSize) {
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask probability must be in (0, 1], got " + maskProb);
        }
        if (!(maskTokenProb >= 0 && randomTokenProb >= 0 && maskTokenProb + randomTokenProb <= 1)) {
            throw new IllegalArgumentException("mask-token and random-token probabilities must be >= 0 and sum to <= 1, got "
                    + maskTokenProb + " and " + randomTokenProb);
        }
        this.maskProb = maskProb;
        this.maskTokenProb = maskTokenProb;
        this.randomTokenProb = randomTokenProb;
        this.specials = specials;
        int ordinary = 0;
        for (int id = 0; id < vocabSize; id++) {
            if (!specials.isSpecial(id)) {
                ordinary++;
            }
        }
        if (ordinary == 0) {
            throw new IllegalArgumentException("the vocabulary of " + vocabSize + " has no ordinary token to draw");
        }
        this.ordinaryIds = new int[ordinary];
        for (int id = 0, i = 0; id < vocabSize; id++) {
            if (!specials.isSpecial(id)) {
                ordinaryIds[i++] = id;
            }
        }
    }

    public MaskedBatch mask(TextBatch batch, SplittableRandom random) {
        long[] source = batch.ids();
        long[] ids = source.clone();
        float[] selected = new float[ids.length];
        int[] candidates = new int[batch.cols()];
        int[] counts = new int[3]; // selected, <mask>, random
        int anyCandidate = -1;
        for (int r = 0; r < batch.rows(); r++) {
            int n = 0;
            for (int c = 0; c < batch.length(r); c++) {
                int i = r * batch.cols() + c;
                if (!specials.isSpecial(source[i])) {
                    candidates[n++] = i;
                }
            }
            if (n == 0) {
                continue;
            }
            anyCandidate = candidates[random.nextInt(n)];
            int k = Math.min(n, (int) Math.floor(maskProb * n + random.nextDouble()));
            // Partial Fisher-Yates: the first k of a random permutation of the candidates.
            for (int j = 0; j < k; j++) {
                int pick = j + random.nextInt(n - j);
                int position = candidates[pick];
                candidates[pick] = candidates[j];
                candidates[j] = position;
                replace(ids, selected, position, random, counts);
            }
        }
        if (counts[0] == 0 && anyCandidate >= 0) {
            replace(ids, selected, anyCandidate, random, counts);
        }
        return new MaskedBatch(ids, selected, counts[0], counts[1], counts[2]);
    }

    private void replace(long[] ids, float[] selected, int position, SplittableRandom random, int[] counts) {
        selected[position] = 1f;
        counts[0]++;
        double u = random.nextDouble();
        if (u < maskTokenProb) {
            ids[position] = specials.maskId();
            counts[1]++;
        } else if (u < maskTokenProb + randomTokenProb) {
            ids[position] = ordinaryIds[random.nextInt(ordinaryIds.length)];
            counts[2]++;
        }
    }
}
