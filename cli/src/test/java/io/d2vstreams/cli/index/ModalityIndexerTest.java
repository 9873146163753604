package io.d2vstreams.cli.index;

import io.d2vstreams.cli.index.ModalityIndexer.CutOver;
import io.d2vstreams.cli.index.ModalityIndexer.IndexedEmbedding;
import io.d2vstreams.runtime.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ModalityIndexer: one index per version, switched at the cut-over, resumable")
class ModalityIndexerTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("serves the first version indexed, builds v2 beside it, and switches only once the cut-over's end offsets are read")
    void switchesAtTheCutOver() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (ModalityIndexer indexer = new ModalityIndexer(indexes, Modality.TEXT)) {
            indexer.add(embedding("a", 1, 0, 0));
            indexer.add(embedding("b", 1, 1, 1));
            indexer.commit(Map.of(0, 2L));
            assertThat(indexes.serving(Modality.TEXT)).as("the first version indexed").hasValue(1);

            indexer.add(embedding("a", 2, 0, 2));
            indexer.cutOver(new CutOver(2, Map.of(0, 5L)));
            indexer.commit(Map.of(0, 3L));
            assertThat(indexes.serving(Modality.TEXT)).as("read up to 3 of the cut-over's 5: v2 is not complete").hasValue(1);

            indexer.add(embedding("b", 2, 1, 3));
            indexer.commit(Map.of(0, 5L));
            assertThat(indexes.serving(Modality.TEXT)).as("read up to the cut-over's end").hasValue(2);
        }
        assertThat(indexes.search(Modality.TEXT, new float[]{1, 0}, 5)).extracting(SearchHit::id)
                .as("v2 holds both events once each").containsExactlyInAnyOrder("a", "b");
        try (VersionIndex v1 = indexes.openForWriting(Modality.TEXT, 1)) {
            assertThat(v1.committedCount()).as("v1 untouched beside it").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a restart resumes after what was committed; what was added after the commit is read again, not lost or doubled")
    void resumes() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (ModalityIndexer indexer = new ModalityIndexer(indexes, Modality.IMAGE)) {
            assertThat(indexer.savedPositions()).isEmpty();
            indexer.add(embedding("x", 1, 0, 0));
            indexer.commit(Map.of(0, 1L, 1, 0L));
            indexer.add(embedding("y", 1, 1, 1));
        }
        try (ModalityIndexer restarted = new ModalityIndexer(indexes, Modality.IMAGE)) {
            assertThat(restarted.savedPositions()).as("where to read from").containsEntry(0, 1L).containsEntry(1, 0L);
            restarted.add(embedding("y", 1, 1, 1));
            restarted.add(embedding("x", 1, 0, 0));
            restarted.commit(Map.of(0, 2L));
        }
        try (VersionIndex v1 = indexes.openForWriting(Modality.IMAGE, 1)) {
            assertThat(v1.committedCount()).as("x and y once each").isEqualTo(2);
        }
    }

    private static IndexedEmbedding embedding(String id, int version, int partition, long embeddingOffset) {
        return new IndexedEmbedding(id, version, new float[]{1, id.charAt(0) / 1000f}, partition, embeddingOffset, 0,
                embeddingOffset);
    }
}
