/**
 * The {@code d2v} command: one picocli command class per subcommand ({@code D2v} holds the tree),
 * the options they share ({@code ClusterOptions}: where a client command finds the cluster, read as
 * the pipeline reads it; {@code StoreOption}, {@code ModelSelection}), and the embedded service
 * behind {@code d2v up} ({@code EmbeddedService}). Commands parse and print; the work is done by the
 * modules below and by this module's own packages ({@code client}, {@code index}, {@code status},
 * {@code demo}, {@code bench}).
 */
package io.d2vstreams.cli;
