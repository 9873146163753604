package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelLoadException;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.ModelVerifier;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator decisions on {@code d2v.models} ({@code d2v models promote|rollback}): promote an
 * existing store version to ACTIVE, or roll back to the version that served before. Before either
 * announces a version ACTIVE it runs the pipeline's own checks on it ({@link ModelVerifier}: every
 * checksum, the digest, an ONNX Runtime session and the probe batch), so an operator learns at once
 * that a version is bad instead of every pipeline refusing it; a refused version is not announced.
 * The pipeline still verifies again when it swaps, and refuses (REJECTED) a version it cannot load.
 */
public final class ModelControl implements AutoCloseable {

    /** What a rollback did: {@code from} is now RETIRED, {@code to} ACTIVE again. */
    public record Rollback(ModelVersion from, ModelVersion to) {}

    private static final Logger LOG = LoggerFactory.getLogger(ModelControl.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final ModelVerifier verifier;
    private final ModelVersionLog log;
    private final ModelAnnouncer announcer;

    /** Verifies on the CPU with ONNX Runtime's defaults: the check is about the files, not the device. */
    public ModelControl(Map<String, Object> clientProperties, SchemaRegistryClient registry, Topics topics,
            ModelStore store) {
        this(clientProperties, registry, topics, new ModelVerifier(store, EncoderOptions.defaults()));
    }

    public ModelControl(Map<String, Object> clientProperties, SchemaRegistryClient registry, Topics topics,
            ModelVerifier verifier) {
        this.verifier = verifier;
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
     * Verifies a store version and announces it ACTIVE, keeping its lineage and measurements when it
     * was announced before.
     *
     * @throws ModelLoadException saying what was wrong when the store has no such version, or it fails
     *     a check (nothing is announced then)
     */
    public ModelVersion promote(Modality modality, int version, String note) {
        // Verified before the log is even read: a refused version costs no cluster round trip.
        ModelManifest manifest = verifier.verify(modality, version);
        Optional<ModelVersion> before = log.catchUp(READ_TIMEOUT).state(modality, version);
        String reason = "promoted by an operator" + (note == null || note.isBlank() ? "" : ": " + note);
        ModelVersion announcement = before
                .map(b -> restated(b, manifest, reason))
                .orElseGet(() -> ModelAnnouncements.of(manifest, ModelStatus.ACTIVE, reason, null, Map.of()));
        announcer.announce(announcement);
        LOG.info("event=model_promoted modality={} version={} previous_state={} digest={}", modality, version,
                before.map(b -> b.getStatus().toString()).orElse("none"), manifest.digest());
        return announcement;
    }

    /**
     * Announces the previous ACTIVE version ACTIVE again and the current one RETIRED.
     *
     * @throws IllegalStateException when nothing serves, or nothing served before it
     * @throws ModelLoadException when the version to return to fails a check (nothing is announced then)
     */
    public Rollback rollback(Modality modality, String note) {
        log.catchUp(READ_TIMEOUT);
        ModelVersion current = log.active(modality).orElseThrow(() -> new IllegalStateException(
                "no " + modality.folderName() + " version is ACTIVE on the models topic; nothing to roll back"));
        ModelVersion previous = log.previousActive(modality).orElseThrow(() -> new IllegalStateException(
                "no " + modality.folderName() + " version was ACTIVE before v" + current.getVersion()
                        + "; promote one instead"));
        String suffix = note == null || note.isBlank() ? "" : ": " + note;
        // The version served before may have been damaged or replaced on disk since: check it as a promote does.
        ModelManifest manifest = verifier.verify(modality, previous.getVersion());
        // ACTIVE first, so that there is never a moment without a serving version on the log.
        ModelVersion back = restated(previous, manifest, "rolled back from v" + current.getVersion() + suffix);
        announcer.announce(back);
        ModelVersion retired = ModelAnnouncements.restate(current, ModelStatus.RETIRED,
                "rolled back to v" + previous.getVersion() + suffix);
        announcer.announce(retired);
        LOG.info("event=model_rolled_back modality={} from={} to={}", modality, current.getVersion(), previous.getVersion());
        return new Rollback(retired, back);
    }

    /**
     * An earlier announcement of a verified version, ACTIVE now, with the store's digest. A version
     * never changes once written, and embeddings name only the version that made them: an earlier
     * announcement with another digest means the folder now holds other files under the same
     * number, which pipelines that served it before would label as the old ones, so it is refused.
     * An earlier announcement without a digest (written by hand, or by an external trainer) gets one.
     */
    private static ModelVersion restated(ModelVersion before, ModelManifest manifest, String reason) {
        String announced = before.getSha256();
        if (announced != null && !announced.isEmpty() && !announced.equalsIgnoreCase(manifest.digest())) {
            throw new ModelLoadException(manifest.id(), "it was announced with digest " + announced
                    + ", but the store's files now give " + manifest.digest()
                    + "; a version never changes once written, so add these files as a new version");
        }
        return ModelVersion.newBuilder(ModelAnnouncements.restate(before, ModelStatus.ACTIVE, reason))
                .setSha256(manifest.digest()).build();
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
