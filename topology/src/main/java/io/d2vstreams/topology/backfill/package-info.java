/**
 * Re-embedding a modality's retained input after its serving version changed: the coordinator that
 * reads and writes {@code d2v.backfill}, the per-version worker bounded by a share of the encoder
 * ({@code ShareThrottle}), and the swap points and cut-over marker that tell consumers when the new
 * version's embeddings are complete.
 */
package io.d2vstreams.topology.backfill;
