package io.d2vstreams.trainer.text.internal;

/**
 * The student's input after masking and where the loss counts.
 *
 * @param ids the masked {@code input_ids}, row-major like the batch's
 * @param selected 1 at every position chosen for prediction (masked, randomised or kept), else 0
 * @param selectedCount number of ones in {@code selected}
 * @param maskTokens how many selected positions became {@code <mask>}
 * @param randomTokens how many became a random ordinary token
 */
public record MaskedBatch(long[] ids, float[] selected, int selectedCount, int maskTokens, int randomTokens) {

    /** Selected positions that kept their token. */
    public int keptTokens() {
        return selectedCount - maskTokens - randomTokens;
    }
}
