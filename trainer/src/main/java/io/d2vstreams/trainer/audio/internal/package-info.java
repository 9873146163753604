/**
 * The audio modality's part of the shared data2vec core, for the trainer alone: the
 * {@code Data2VecModality} implementation ({@code AudioModality}) and span masking over frames
 * ({@code SpanMasker}).
 */
package io.d2vstreams.trainer.audio.internal;
