/**
 * {@code d2v index} and {@code d2v search}: a Lucene HNSW index per modality and model version fed
 * from the embedding topics ({@code EmbeddingIndexer}, {@code ModalityIndexer}), switched to a new
 * version only at its cut-over marker, and searched with the serving version's own encoder
 * ({@code ServingIndexSearch}).
 */
package io.d2vstreams.cli.index;
