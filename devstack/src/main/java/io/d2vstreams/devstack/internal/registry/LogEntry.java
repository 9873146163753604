package io.d2vstreams.devstack.internal.registry;

/**
 * One record of the registry's log (the {@code _schemas} topic): the latest state of one subject
 * version, or of one compatibility setting. The log is compacted, so only the latest entry per key
 * survives, and replaying it from the start rebuilds the registry.
 */
public sealed interface LogEntry {

    /** The state of one subject version; its key is (subject, version). */
    record SchemaEntry(RegisteredSchema schema) implements LogEntry {
    }

    /**
     * A compatibility setting; its key is the subject, or nothing for the global setting.
     *
     * @param subject null for the global level
     * @param level   null removes a subject's level (a tombstone in the log)
     */
    record ConfigEntry(String subject, CompatibilityLevel level) implements LogEntry {
    }
}
