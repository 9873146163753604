package io.d2vstreams.schemas;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelVersion;

/**
 * Record keys on the compacted {@code d2v.models} topic: {@code <MODALITY>/<version>}, e.g.
 * {@code TEXT/3}. One key per version, so compaction keeps the latest state of every
 * version (an ACTIVE record is not erased by a later CANDIDATE of another version), which is
 * what lets a pipeline that starts later rebuild which version serves. This is the open
 * protocol an external trainer follows too (see the README).
 */
public final class ModelVersionKeys {
    private ModelVersionKeys() {
    }

    public static String key(Modality modality, int version) {
        return modality.name() + "/" + version;
    }

    public static String keyOf(ModelVersion announcement) {
        return key(announcement.getModality(), announcement.getVersion());
    }
}
