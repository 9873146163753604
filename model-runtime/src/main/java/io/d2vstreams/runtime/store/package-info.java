/**
 * Crash-safe folders on a local file system: {@link io.d2vstreams.runtime.store.StagedDirectory}
 * (write in a hidden folder, flush, rename into place atomically), the flush and delete helpers
 * it rests on ({@link io.d2vstreams.runtime.store.DurableFolders}), and the SHA-256 that
 * manifests and checkpoints record ({@link io.d2vstreams.runtime.store.Sha256}). The model store
 * and the trainer's checkpoints are both built on these, so a version and a checkpoint survive a
 * {@code kill -9} by the same rules.
 */
package io.d2vstreams.runtime.store;
