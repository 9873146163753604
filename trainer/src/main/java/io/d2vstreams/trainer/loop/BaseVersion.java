package io.d2vstreams.trainer.loop;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.trainer.ModelAnnouncements;
import io.d2vstreams.trainer.ModelVersionLog;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version training starts from, as the pipeline chooses what to serve: the log's ACTIVE
 * version of this modality when the store has it, else the newest in the store, else the seeded
 * default (made here as the pipeline would). When nothing is ACTIVE yet, this version is announced
 * ACTIVE, so the log names what serves and a rollback has somewhere to return to.
 */
final class BaseVersion {

    private static final Logger LOG = LoggerFactory.getLogger(BaseVersion.class);

    private BaseVersion() {}

    /** @param models read up to date */
    static ModelManifest choose(Modality kind, long seed, ModelStore store, ModelVersionLog models,
            ModelAnnouncer announcer) {
        Optional<ModelVersion> active = models.active(kind);
        Optional<ModelManifest> announced = active.flatMap(a -> store.version(kind, a.getVersion()));
        if (active.isPresent() && announced.isEmpty()) {
            LOG.warn("event=model_missing modality={} version={} store={} action=use_latest_in_store", kind,
                    active.get().getVersion(), store.root());
        }
        // latestOrSeed: the pipeline sharing the store may be seeding the same empty modality right now.
        ModelManifest base = announced.orElseGet(() -> store.latestOrSeed(kind, seed));
        if (active.isEmpty()) {
            announcer.announce(ModelAnnouncements.of(base, ModelStatus.ACTIVE,
                    "initial version: nothing was ACTIVE when the trainer started", null, Map.of()));
        }
        LOG.info("event=trainer_base_version modality={} model={} version={} source={}", kind, base.name(),
                base.version(), announced.isPresent() ? "d2v.models" : "store");
        return base;
    }
}
