package io.d2vstreams.trainer;

/**
 * What one training step did.
 *
 * @param step the number of updates applied so far, this one included
 * @param loss the data2vec loss of the batch before the update (mean over the masked positions)
 * @param lr the learning rate the update used
 * @param tau the EMA decay the teacher was updated with
 * @param ms wall-clock time of the step, tokenization included
 * @param gradNorm the global gradient norm before clipping
 * @param maskedTokens the positions the loss covered
 * @param applied false when the update was skipped (a non-finite loss or gradient, a batch
 *     with no maskable token, or one whose every input failed preprocessing); the step count then
 *     stays where it was
 * @param skippedInputs inputs of the batch left out because they could not be preprocessed (a
 *     corrupt audio clip); modalities that refuse such a batch instead always report 0
 */
public record StepResult(long step, double loss, double lr, double tau, double ms, double gradNorm, int maskedTokens,
        boolean applied, int skippedInputs) {

    /** A step that left no input out. */
    public StepResult(long step, double loss, double lr, double tau, double ms, double gradNorm, int maskedTokens,
            boolean applied) {
        this(step, loss, lr, tau, ms, gradNorm, maskedTokens, applied, 0);
    }
}
