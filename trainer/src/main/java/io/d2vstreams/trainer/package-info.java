/**
 * The continual data2vec trainer: the worker ({@code TrainerWorker}) and its config, the library
 * API every modality's trainer implements ({@link io.d2vstreams.trainer.Data2VecTrainer}, with
 * {@code ForwardingData2VecTrainer} as the base that hands every call to the shared core), and
 * {@link io.d2vstreams.trainer.TrainingModality}, where the worker's modalities are registered.
 * Each modality lives in its own package ({@code trainer.text}, {@code trainer.image},
 * {@code trainer.audio}); what they share is in {@code trainer.internal} (the data2vec core, EMA,
 * AdamW, the regression head, replay and held-out sets), the loop in {@code trainer.loop}, the
 * export in {@code trainer.export} and the quality gate in {@code trainer.gate}.
 */
package io.d2vstreams.trainer;
