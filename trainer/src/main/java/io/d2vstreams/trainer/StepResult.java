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
 * @param applied false when the update was skipped (a non-finite loss or gradient, or a batch
 *     with no maskable token); the step count then stays where it was
 */
public record StepResult(long step, double loss, double lr, double tau, double ms, double gradNorm, int maskedTokens,
        boolean applied) {}
