package io.d2vstreams.topology.backfill;

import io.d2vstreams.runtime.Modality;

/** What the backfill reports as it runs; the pipeline binds it to its Micrometer registry. */
public interface BackfillMetrics {
    BackfillMetrics NONE = new BackfillMetrics() {
    };

    /** Embeddings written (committed) by a backfill transaction. */
    default void backfilled(Modality modality, int records) {
    }

    /** An input record skipped as bad input (dead-lettered by the live pipeline). */
    default void skipped(Modality modality) {
    }

    /** Input records on this instance's partitions still to read before the swap points. */
    default void lag(Modality modality, long records) {
    }
}
