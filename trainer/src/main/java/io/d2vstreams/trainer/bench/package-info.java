/**
 * {@code d2v bench trainer} and {@code d2v bench probe}: step time and loss curves
 * ({@code TrainerBench}), and linear-probe accuracy before and after training on generated tasks
 * ({@code LinearProbeBench}).
 */
package io.d2vstreams.trainer.bench;
