package io.d2vstreams.devstack.internal.registry;

import io.d2vstreams.devstack.internal.registry.RegisteredSchema.State;
import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The registry's rules, after Confluent's: registration with compatibility checks and global ids shared
 * across subjects, lookups, two-step deletion and compatibility settings.
 *
 * <p>Every change is appended to the {@link SchemaLog} before it is applied in memory and before the
 * caller is answered, so an acknowledged registration survives a restart. One lock serialises all
 * operations: the registry is a development tool, and serial writes keep ids and versions dense.
 * It assumes it is the only writer of its log; a second registry on the same topic would hand out the
 * same ids (it never reads the log again after start-up).
 */
public final class SchemaRegistryService {

    private static final Predicate<RegisteredSchema> ACTIVE = RegisteredSchema::active;
    private static final Predicate<RegisteredSchema> WITH_DELETED = RegisteredSchema::visibleWithDeleted;

    private final SchemaLog log;
    private final RegistryState state = new RegistryState();
    private final CompatibilityChecker checker = new CompatibilityChecker();

    /** Rebuilds the state from the whole log. */
    public SchemaRegistryService(SchemaLog log) {
        this.log = log;
        log.readAll().forEach(state::apply);
    }

    public synchronized List<String> subjects(boolean includeDeleted) {
        return state.subjects(visibility(includeDeleted));
    }

    public synchronized List<Integer> versions(String subject, boolean includeDeleted) {
        return existing(subject, visibility(includeDeleted)).stream().map(RegisteredSchema::version).toList();
    }

    /**
     * Registers {@code request} under {@code subject} and returns its global id. The same schema again is
     * not a new version; a schema known under another subject keeps its id.
     */
    public synchronized int register(String subject, SchemaRequest request) {
        Schema schema = request.parse();
        String canonical = SchemaRequest.canonical(schema);
        List<RegisteredSchema> live = state.versions(subject, ACTIVE);
        Optional<RegisteredSchema> same = live.stream().filter(r -> r.schema().equals(canonical)).findFirst();
        if (same.isPresent()) {
            return same.get().id();
        }
        List<String> problems = checker.check(state.effectiveLevel(subject), schema, parsed(live));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
        }
        int id = state.idOf(canonical).orElse(state.maxId() + 1);
        // Versions keep counting past deleted ones, so a version number never names two schemas.
        int version = state.maxVersion(subject) + 1;
        persist(new LogEntry.SchemaEntry(new RegisteredSchema(subject, version, id, canonical, State.ACTIVE)));
        return id;
    }

    /** The version of {@code subject} that holds {@code request}'s schema (Confluent's {@code POST /subjects/{s}}). */
    public synchronized RegisteredSchema lookup(String subject, SchemaRequest request, boolean includeDeleted) {
        String canonical = SchemaRequest.canonical(request.parse());
        return existing(subject, visibility(includeDeleted)).stream()
            .filter(r -> r.schema().equals(canonical))
            .reduce((first, later) -> later)
            .orElseThrow(() -> RegistryException.schemaNotFound("Schema"));
    }

    /** @param version a number or {@code latest} (also {@code -1}) */
    public synchronized RegisteredSchema version(String subject, String version, boolean includeDeleted) {
        return resolve(subject, VersionRef.parse(version), visibility(includeDeleted));
    }

    /** The schema text of a global id, while any version that uses it is not permanently deleted. */
    public synchronized String schemaById(int id) {
        if (state.registrationsOf(id).stream().noneMatch(WITH_DELETED)) {
            throw RegistryException.schemaNotFound("Schema " + id);
        }
        return state.schemaOf(id).orElseThrow().toString();
    }

    /** Every subject version that uses a global id. */
    public synchronized List<RegisteredSchema> registrationsById(int id, boolean includeDeleted) {
        schemaById(id);
        return state.registrationsOf(id).stream().filter(visibility(includeDeleted)).toList();
    }

    /**
     * Soft-deletes every live version, or with {@code permanent} removes a soft-deleted subject for good.
     *
     * @return the versions deleted
     */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<RegisteredSchema> versions = existing(subject, WITH_DELETED);
        List<RegisteredSchema> live = versions.stream().filter(ACTIVE).toList();
        if (!permanent && live.isEmpty()) {
            throw RegistryException.subjectSoftDeleted(subject);
        }
        if (permanent && !live.isEmpty()) {
            throw RegistryException.subjectNotSoftDeleted(subject);
        }
        // Soft: the live versions; permanent: the versions soft-deleted before (none is live then).
        List<RegisteredSchema> deleting = permanent ? versions : live;
        State target = permanent ? State.HARD_DELETED : State.SOFT_DELETED;
        for (RegisteredSchema r : deleting) {
            persist(new LogEntry.SchemaEntry(r.withState(target)));
        }
        return deleting.stream().map(RegisteredSchema::version).toList();
    }

    /** Soft-deletes one version, or with {@code permanent} removes a soft-deleted one for good. */
    public synchronized int deleteVersion(String subject, String version, boolean permanent) {
        VersionRef ref = VersionRef.parse(version);
        // "latest" names the newest live version for a soft delete; a number may name a deleted one,
        // which must be reported as such (40406), not as missing.
        RegisteredSchema r = resolve(subject, ref, permanent || !ref.latest() ? WITH_DELETED : ACTIVE);
        if (!permanent && !r.active()) {
            throw RegistryException.versionSoftDeleted(subject, r.version());
        }
        if (permanent && r.active()) {
            throw RegistryException.versionNotSoftDeleted(subject, r.version());
        }
        persist(new LogEntry.SchemaEntry(r.withState(permanent ? State.HARD_DELETED : State.SOFT_DELETED)));
        return r.version();
    }

    public synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    public synchronized CompatibilityLevel setGlobalLevel(String level) {
        CompatibilityLevel parsed = parseLevel(level);
        persist(new LogEntry.ConfigEntry(null, parsed));
        return parsed;
    }

    /** The subject's own level; with {@code defaultToGlobal} the global level when it has none. */
    public synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        Optional<CompatibilityLevel> own = state.subjectLevel(subject);
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return state.globalLevel();
        }
        throw RegistryException.subjectLevelNotConfigured(subject);
    }

    public synchronized CompatibilityLevel setSubjectLevel(String subject, String level) {
        CompatibilityLevel parsed = parseLevel(level);
        persist(new LogEntry.ConfigEntry(subject, parsed));
        return parsed;
    }

    /** Removes the subject's own level, so the global one applies again; returns the removed level. */
    public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel removed = subjectLevel(subject, false);
        persist(new LogEntry.ConfigEntry(subject, null));
        return removed;
    }

    /**
     * Would {@code request} be compatible at the subject's level?
     *
     * @param version one version to check against, or null for the versions the level itself names
     *                (the latest, or all for transitive levels)
     * @return the incompatibilities; empty when compatible
     */
    public synchronized List<String> compatibilityProblems(String subject, String version, SchemaRequest request) {
        Schema schema = request.parse();
        CompatibilityLevel level = state.effectiveLevel(subject);
        if (version == null) {
            return checker.check(level, schema, parsed(state.versions(subject, ACTIVE)));
        }
        RegisteredSchema against = resolve(subject, VersionRef.parse(version), ACTIVE);
        return checker.check(level, schema, parsed(List.of(against)));
    }

    private void persist(LogEntry entry) {
        log.append(entry);
        state.apply(entry);
    }

    private List<RegisteredSchema> existing(String subject, Predicate<RegisteredSchema> visible) {
        List<RegisteredSchema> versions = state.versions(subject, visible);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private RegisteredSchema resolve(String subject, VersionRef ref, Predicate<RegisteredSchema> visible) {
        List<RegisteredSchema> versions = existing(subject, visible);
        if (ref.latest()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(r -> r.version() == ref.number()).findFirst()
            .orElseThrow(() -> RegistryException.versionNotFound(subject, ref.number()));
    }

    private List<Schema> parsed(List<RegisteredSchema> versions) {
        return versions.stream().map(r -> state.schemaOf(r.id()).orElseThrow()).toList();
    }

    private static Predicate<RegisteredSchema> visibility(boolean includeDeleted) {
        return includeDeleted ? WITH_DELETED : ACTIVE;
    }

    private static CompatibilityLevel parseLevel(String level) {
        return CompatibilityLevel.parse(level).orElseThrow(() -> RegistryException.invalidCompatibilityLevel(level));
    }

    /** A version path segment: a number in [1, 2^31-1], or "latest" (Confluent also takes -1). */
    private record VersionRef(boolean latest, int number) {
        static VersionRef parse(String text) {
            if ("latest".equals(text) || "-1".equals(text)) {
                return new VersionRef(true, -1);
            }
            try {
                int number = Integer.parseInt(text);
                if (number >= 1) {
                    return new VersionRef(false, number);
                }
            } catch (NumberFormatException e) {
                // not a number: invalid, reported below
            }
            throw RegistryException.invalidVersion(text);
        }
    }
}
