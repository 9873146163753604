package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.schemas.WireModality;

/** Makes the {@code Embedding} record for one encoded event; says which model version made it. */
public final class EmbeddingRecordFactory {
    private final io.d2vstreams.avro.Modality modality;

    public EmbeddingRecordFactory(io.d2vstreams.runtime.Modality modality) {
        this.modality = WireModality.of(modality);
    }

    public Embedding create(BufferedRecord record, ModelId model, float[] vector, long nowMs) {
        SourceRecord source = record.source();
        return Embedding.newBuilder()
                .setId(record.event().id())
                .setModality(modality)
                .setModel(model.name())
                .setModelVersion(model.version())
                .setVector(new FloatList(vector))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setEventTimestampMs(record.event().eventTimestampMs())
                .setEmbeddedAtMs(nowMs)
                .build();
    }
}
