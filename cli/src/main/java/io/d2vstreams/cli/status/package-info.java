/**
 * {@code d2v status}: one probe of the cluster, the model store and the processes' {@code /metrics}
 * ({@code StatusProbe}) into a snapshot, and its rendering as text or JSON ({@code StatusReport}).
 */
package io.d2vstreams.cli.status;
