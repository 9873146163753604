package io.d2vstreams.devstack.internal.registry;

import java.util.List;

/** Where the registry persists its state: an append-only, compacted log of {@link LogEntry}s. */
public interface SchemaLog extends AutoCloseable {

    /** Every entry from the start of the log to its current end, in log order. */
    List<LogEntry> readAll();

    /**
     * Appends one entry and returns once it is durable (acknowledged by all in-sync replicas).
     *
     * @throws RegistryException with code 50001 when the write fails or times out
     */
    void append(LogEntry entry);

    @Override
    void close();
}
