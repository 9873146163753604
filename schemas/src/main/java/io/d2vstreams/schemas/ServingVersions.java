package io.d2vstreams.schemas;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which model version serves, folded from the {@code d2v.models} log in log order: keep the
 * latest record per key ({@code <MODALITY>/<version>}, {@link ModelVersionKeys}); per modality the
 * serving version is the most recent ACTIVE record among those. A rollback is therefore just a
 * later ACTIVE record for an older version, and the version that served before the current one
 * is the next most recent ACTIVE record. The one rule every reader of the topic follows: the
 * pipeline to decide what to serve, the trainer to decide what to train from and roll back to.
 */
public final class ServingVersions {
    private record Entry(ModelVersion value, long sequence) {
    }

    private final Map<String, Entry> latestByKey = new HashMap<>();
    private long sequence;

    /** Applies one record in log order; a null value (tombstone) forgets the key. */
    public void apply(String key, ModelVersion value) {
        if (value == null) {
            latestByKey.remove(key);
        } else {
            latestByKey.put(key, new Entry(value, sequence++));
        }
    }

    /** The version serving {@code modality}: the most recent ACTIVE record. */
    public Optional<ModelVersion> active(Modality modality) {
        List<ModelVersion> active = activeNewestFirst(modality);
        return active.isEmpty() ? Optional.empty() : Optional.of(active.get(0));
    }

    /** The version that served before the current ACTIVE one, if it is still marked ACTIVE. */
    public Optional<ModelVersion> previousActive(Modality modality) {
        List<ModelVersion> active = activeNewestFirst(modality);
        return active.size() < 2 ? Optional.empty() : Optional.of(active.get(1));
    }

    /** The latest record announced for one version, if any. */
    public Optional<ModelVersion> state(Modality modality, int version) {
        return Optional.ofNullable(latestByKey.get(ModelVersionKeys.key(modality, version))).map(Entry::value);
    }

    /**
     * Every version of {@code modality} whose latest record is ACTIVE, the serving one first: where a
     * reader that refuses the serving version (a missing digest, say) looks for the one to keep.
     */
    public List<ModelVersion> activeNewestFirst(Modality modality) {
        return latestByKey.values().stream()
                .filter(e -> e.value().getStatus() == ModelStatus.ACTIVE && e.value().getModality() == modality)
                .sorted(Comparator.comparingLong(Entry::sequence).reversed())
                .map(Entry::value)
                .toList();
    }
}
