/**
 * The image modality's part of the shared data2vec core, for the trainer alone: the
 * {@code Data2VecModality} implementation ({@code ImageModality}) and BEiT-style block masking
 * ({@code BlockMasker}).
 */
package io.d2vstreams.trainer.image.internal;
