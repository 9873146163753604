package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator decisions on {@code d2v.models} ({@code d2v models promote|rollback}): promote an
 * existing store version to ACTIVE, or roll back to the version that served before. Both only
 * announce; the pipeline verifies and swaps as for any ACTIVE record, and refuses (REJECTED) a
 * version it cannot load.
 */
public final class ModelControl implements AutoCloseable {

    /** What a rollback did: {@code from} is now RETIRED, {@code to} ACTIVE again. */
    public record Rollback(ModelVersion from, ModelVersion to) {}

    private static final Logger LOG = LoggerFactory.getLogger(ModelControl.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final ModelStore store;
    private final ModelVersionLog log;
    private final ModelAnnouncer announcer;

    public ModelControl(Map<String, Object> clientProperties, SchemaRegistryClient registry, TrainerTopics topics,
            ModelStore store) {
        this.store = store;
        this.log = new ModelVersionLog(clientProperties, registry, topics.models());
        ModelAnnouncer opened = null;
        try {
            opened = new ModelAnnouncer(clientProperties, registry, topics.models());
        } finally {
            if (opened == null) {
                log.close();
            }
        }
        this.announcer = opened;
    }

    /**
     * Announces a store version ACTIVE, keeping its lineage and measurements when it was announced before.
     *
     * @throws IllegalArgumentException when the store has no such version
     */
    public ModelVersion promote(Modality modality, int version, String note) {
        ModelManifest manifest = store.version(modality, version).orElseThrow(() -> new IllegalArgumentException(
                "the model store at " + store.root() + " has no " + modality.folderName() + " v" + version));
        Optional<ModelVersion> before = log.catchUp(READ_TIMEOUT).state(modality, version);
        String reason = "promoted by an operator" + (note == null || note.isBlank() ? "" : ": " + note);
        ModelVersion announcement = before
                .filter(b -> b.getSha256().equals(manifest.digest()))
                .map(b -> ModelAnnouncements.restate(b, ModelStatus.ACTIVE, reason))
                .orElseGet(() -> ModelAnnouncements.of(manifest, ModelStatus.ACTIVE, reason, null, Map.of()));
        announcer.announce(announcement);
        LOG.info("event=model_promoted modality={} version={} previous_state={}", modality, version,
                before.map(b -> b.getStatus().toString()).orElse("none"));
        return announcement;
    }

    /**
     * Announces the previous ACTIVE version ACTIVE again and the current one RETIRED.
     *
     * @throws IllegalStateException when nothing serves, or nothing served before it
     */
    public Rollback rollback(Modality modality, String note) {
        log.catchUp(READ_TIMEOUT);
        ModelVersion current = log.active(modality).orElseThrow(() -> new IllegalStateException(
                "no " + modality.folderName() + " version is ACTIVE on the models topic; nothing to roll back"));
        ModelVersion previous = log.previousActive(modality).orElseThrow(() -> new IllegalStateException(
                "no " + modality.folderName() + " version was ACTIVE before v" + current.getVersion()
                        + "; promote one instead"));
        String suffix = note == null || note.isBlank() ? "" : ": " + note;
        // ACTIVE first, so that there is never a moment without a serving version on the log.
        ModelVersion back = ModelAnnouncements.restate(previous, ModelStatus.ACTIVE,
                "rolled back from v" + current.getVersion() + suffix);
        announcer.announce(back);
        ModelVersion retired = ModelAnnouncements.restate(current, ModelStatus.RETIRED,
                "rolled back to v" + previous.getVersion() + suffix);
        announcer.announce(retired);
        LOG.info("event=model_rolled_back modality={} from={} to={}", modality, current.getVersion(), previous.getVersion());
        return new Rollback(retired, back);
    }

    @Override
    public void close() {
        try {
            announcer.close();
        } finally {
            log.close();
        }
    }
}
