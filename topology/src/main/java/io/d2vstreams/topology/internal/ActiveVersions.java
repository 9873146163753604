package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which version serves, folded from the {@code d2v.models} log: keep the latest record per
 * key (one key per version); per modality, the serving version is the most recent ACTIVE
 * record among those. A rollback is therefore just a later ACTIVE record for an older
 * version, with the newer one marked RETIRED.
 */
public final class ActiveVersions {
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

    public Optional<ModelVersion> active(Modality modality) {
        Entry best = null;
        for (Entry entry : latestByKey.values()) {
            ModelVersion v = entry.value();
            if (v.getStatus() == ModelStatus.ACTIVE && v.getModality().name().equals(modality.name())
                    && (best == null || entry.sequence() > best.sequence())) {
                best = entry;
            }
        }
        return Optional.ofNullable(best).map(Entry::value);
    }

    /** The latest state announced for one version, if any. */
    public Optional<ModelVersion> state(String key) {
        return Optional.ofNullable(latestByKey.get(key)).map(Entry::value);
    }
}
