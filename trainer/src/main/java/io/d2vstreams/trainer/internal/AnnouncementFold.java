package io.d2vstreams.trainer.internal;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of {@code d2v.models} folded in log order, by the rule the pipeline serves by (the
 * {@code ModelVersion} schema's doc, topology's {@code ActiveVersions}): keep the latest record
 * per key ({@code <MODALITY>/<version>}); per modality the serving version is the most recent
 * ACTIVE record among those. The previous ACTIVE one is then the next most recent ACTIVE record,
 * which is what a rollback re-announces.
 */
public final class AnnouncementFold {

    private record Entry(ModelVersion value, long sequence) {}

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
        List<ModelVersion> active = activeNewestFirst(modality);
        return active.isEmpty() ? Optional.empty() : Optional.of(active.get(0));
    }

    /** The version that served before the current ACTIVE one, if it is still marked ACTIVE. */
    public Optional<ModelVersion> previousActive(Modality modality) {
        List<ModelVersion> active = activeNewestFirst(modality);
        return active.size() < 2 ? Optional.empty() : Optional.of(active.get(1));
    }

    /** The latest record announced for one version. */
    public Optional<ModelVersion> state(Modality modality, int version) {
        return Optional.ofNullable(latestByKey.get(modality.name() + "/" + version)).map(Entry::value);
    }

    private List<ModelVersion> activeNewestFirst(Modality modality) {
        return latestByKey.values().stream()
                .filter(e -> e.value().getStatus() == ModelStatus.ACTIVE && e.value().getModality() == modality)
                .sorted(Comparator.comparingLong(Entry::sequence).reversed())
                .map(Entry::value)
                .toList();
    }
}
