package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.ModelManifest;
import java.util.Map;

/** Builds the {@code ModelVersion} records the trainer and the operator commands announce. */
public final class ModelAnnouncements {

    private ModelAnnouncements() {}

    /**
     * The announcement of a store version: its digest and dim from the manifest, its URI relative
     * to the store root ({@code text/v3}), as the schema asks.
     *
     * @param parentVersion the version it was trained from, null when unknown
     */
    public static ModelVersion of(ModelManifest manifest, ModelStatus status, String reason, Integer parentVersion,
            Map<String, Double> metrics) {
        return ModelVersion.newBuilder()
                .setModality(ModelVersionLog.avro(manifest.modality()))
                .setModel(manifest.name())
                .setVersion(manifest.version())
                .setUri(manifest.modality().folderName() + "/v" + manifest.version())
                .setSha256(manifest.digest())
                .setDim(manifest.dim())
                .setStatus(status)
                .setReason(reason)
                .setParentVersion(parentVersion)
                .setMetrics(Map.copyOf(metrics))
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
    }

    /** The same version in another state, keeping its lineage and measurements. */
    public static ModelVersion restate(ModelVersion announced, ModelStatus status, String reason) {
        return ModelVersion.newBuilder(announced).setStatus(status).setReason(reason)
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }
}
