package io.d2vstreams.schemas;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.TextEvent;
import java.nio.ByteBuffer;
import java.util.List;

/** Small real records for tests. */
final class Samples {

    static final String TEXT_TOPIC = "d2v.events.text";
    static final String EMBEDDING_TOPIC = "d2v.embeddings.text";

    private Samples() {
    }

    static TextEvent text(String id, String text) {
        return TextEvent.newBuilder().setId(id).setText(text).setLang("en").setTimestampMs(1_700_000_000_000L).build();
    }

    static ImageEvent image(String id) {
        return ImageEvent.newBuilder().setId(id)
                .setContent(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .setMime("image/png").build();
    }

    static Embedding embedding(String id) {
        return Embedding.newBuilder().setId(id).setModality(Modality.TEXT).setModel("data2vec-text")
                .setModelVersion(3).setVector(List.of(0.6f, -0.8f, 0.0f))
                .setSourceTopic(TEXT_TOPIC).setSourcePartition(2).setSourceOffset(41L)
                .setEventTimestampMs(null).setEmbeddedAtMs(1_700_000_000_123L).build();
    }
}
