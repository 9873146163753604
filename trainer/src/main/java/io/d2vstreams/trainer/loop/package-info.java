/**
 * One modality's training loop ({@code TrainingLoop}): consuming samples, committing offsets with
 * each checkpoint and resuming from them, the export schedule, and its progress log.
 */
package io.d2vstreams.trainer.loop;
