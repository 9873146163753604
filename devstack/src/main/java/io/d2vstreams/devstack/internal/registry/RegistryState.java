package io.d2vstreams.devstack.internal.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The registry's state in memory, built only by applying {@link LogEntry}s in log order, so that the state
 * after a restart (replaying the log) equals the state before it. Not thread-safe: the service guards it.
 */
final class RegistryState {

    /** Subject → version → registration; every version ever written, deleted ones included. */
    private final NavigableMap<String, NavigableMap<Integer, RegisteredSchema>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
    private int maxId;

    void apply(LogEntry entry) {
        if (entry instanceof LogEntry.SchemaEntry s) {
            RegisteredSchema r = s.schema();
            subjects.computeIfAbsent(r.subject(), k -> new TreeMap<>()).put(r.version(), r);
            // Ids stay taken even when every version using them is deleted: an id is never reused.
            idsByCanonical.putIfAbsent(r.schema(), r.id());
            schemasById.computeIfAbsent(r.id(), id -> new Schema.Parser().parse(r.schema()));
            maxId = Math.max(maxId, r.id());
        } else if (entry instanceof LogEntry.ConfigEntry c) {
            if (c.subject() == null) {
                globalLevel = c.level() == null ? CompatibilityLevel.DEFAULT : c.level();
            } else if (c.level() == null) {
                subjectLevels.remove(c.subject());
            } else {
                subjectLevels.put(c.subject(), c.level());
            }
        }
    }

    /** Subjects with at least one version matching {@code visible}, sorted. */
    List<String> subjects(Predicate<RegisteredSchema> visible) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (versions.values().stream().anyMatch(visible)) {
                names.add(name);
            }
        });
        return names;
    }

    /** The subject's versions matching {@code visible}, oldest first. */
    List<RegisteredSchema> versions(String subject, Predicate<RegisteredSchema> visible) {
        return subjects.getOrDefault(subject, new TreeMap<>()).values().stream().filter(visible).toList();
    }

    /** Every registration of a global id, in subject and version order. */
    List<RegisteredSchema> registrationsOf(int id) {
        return subjects.values().stream().flatMap(v -> v.values().stream()).filter(r -> r.id() == id).toList();
    }

    /** The highest version number ever used in the subject (0 if none), deleted versions included. */
    int maxVersion(String subject) {
        NavigableMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    Optional<Integer> idOf(String canonicalSchema) {
        return Optional.ofNullable(idsByCanonical.get(canonicalSchema));
    }

    Optional<Schema> schemaOf(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    int maxId() {
        return maxId;
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The subject's own level if it has one, else the global level. */
    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
