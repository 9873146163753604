/**
 * The data2vec step written once for every modality ({@code Data2VecTrainingCore} over a
 * {@code Data2VecModality}): targets, loss, AdamW, EMA and schedules, checkpoints, held-out and
 * replay sets, ONNX parity. No other module may use it ({@code ArchitectureTest}).
 */
package io.d2vstreams.trainer.internal;
