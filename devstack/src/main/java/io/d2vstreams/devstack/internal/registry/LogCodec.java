package io.d2vstreams.devstack.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON format of the registry's log records (UTF-8 keys and values). Keys are written with a fixed
 * field order so that equal keys are equal bytes, which is what log compaction compares.
 *
 * <pre>
 * key {"kind":"SCHEMA","subject":"orders-value","version":2}
 * val {"subject":"orders-value","version":2,"id":7,"schema":"{...}","state":"ACTIVE"}   state: ACTIVE | SOFT_DELETED | HARD_DELETED
 *
 * key {"kind":"CONFIG"}                            the global compatibility level
 * key {"kind":"CONFIG","subject":"orders-value"}   one subject's level
 * val {"compatibilityLevel":"FULL"}, or null (a tombstone) when a subject's level is removed
 * </pre>
 *
 * A permanently deleted version keeps its record (state HARD_DELETED) rather than a tombstone, so that
 * after a restart its global id is still known to be taken and is never handed out again.
 */
final class LogCodec {

    private static final String KIND = "kind";
    private static final String SCHEMA_KIND = "SCHEMA";
    private static final String CONFIG_KIND = "CONFIG";
    private static final String SUBJECT = "subject";
    private static final String VERSION = "version";
    private static final String ID = "id";
    private static final String SCHEMA = "schema";
    private static final String STATE = "state";
    private static final String LEVEL = "compatibilityLevel";

    private final ObjectMapper mapper = new ObjectMapper();

    byte[] key(LogEntry entry) {
        ObjectNode key = mapper.createObjectNode();
        if (entry instanceof LogEntry.SchemaEntry s) {
            key.put(KIND, SCHEMA_KIND).put(SUBJECT, s.schema().subject()).put(VERSION, s.schema().version());
        } else if (entry instanceof LogEntry.ConfigEntry c) {
            key.put(KIND, CONFIG_KIND);
            if (c.subject() != null) {
                key.put(SUBJECT, c.subject());
            }
        }
        return write(key);
    }

    /** Null for a tombstone. */
    byte[] value(LogEntry entry) {
        if (entry instanceof LogEntry.SchemaEntry s) {
            RegisteredSchema r = s.schema();
            return write(mapper.createObjectNode().put(SUBJECT, r.subject()).put(VERSION, r.version())
                .put(ID, r.id()).put(SCHEMA, r.schema()).put(STATE, r.state().name()));
        }
        LogEntry.ConfigEntry c = (LogEntry.ConfigEntry) entry;
        return c.level() == null ? null : write(mapper.createObjectNode().put(LEVEL, c.level().name()));
    }

    /**
     * @throws IllegalStateException for a record this format does not describe (say, a topic written by
     *                               another registry): replaying it would silently lose schemas
     */
    LogEntry decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = read(keyBytes);
        String kind = key.path(KIND).asText();
        if (SCHEMA_KIND.equals(kind) && valueBytes != null) {
            JsonNode value = read(valueBytes);
            return new LogEntry.SchemaEntry(new RegisteredSchema(
                required(value, SUBJECT).asText(), required(value, VERSION).asInt(), required(value, ID).asInt(),
                required(value, SCHEMA).asText(), RegisteredSchema.State.valueOf(required(value, STATE).asText())));
        }
        if (CONFIG_KIND.equals(kind)) {
            String subject = key.hasNonNull(SUBJECT) ? key.get(SUBJECT).asText() : null;
            CompatibilityLevel level = valueBytes == null ? null
                : CompatibilityLevel.parse(required(read(valueBytes), LEVEL).asText())
                    .orElseThrow(() -> new IllegalStateException("Unknown compatibility level in registry log: " + key));
            return new LogEntry.ConfigEntry(subject, level);
        }
        throw new IllegalStateException("Record not written by the embedded registry: key " + key);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalStateException("Registry log record lacks '" + field + "': " + node);
        }
        return value;
    }

    private byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("Registry log record is not JSON", e);
        }
    }
}
