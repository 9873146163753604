/**
 * The text modality's part of the shared data2vec core, for the trainer alone: the
 * {@code Data2VecModality} implementation ({@code TextModality}), the version's tokenizer
 * ({@code TextTokenizer}) and BERT-style masking ({@code TextMasker}, {@code SpecialTokens},
 * {@code MaskedBatch}).
 */
package io.d2vstreams.trainer.text.internal;
