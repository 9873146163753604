package io.d2vstreams.cli.index;

import io.d2vstreams.runtime.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The index folder of d2v index: one Lucene HNSW index per modality and version, and the serving pointer")
class VectorIndexesTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("finds the nearest committed vectors, nearest first, with their source records")
    void nearestFirst() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex index = indexes.openForWriting(Modality.TEXT, 1)) {
            index.put("east", new float[]{1, 0, 0}, 0, 10);
            index.put("north-east", new float[]{0.7f, 0.7f, 0}, 1, 11);
            index.put("north", new float[]{0, 1, 0}, 2, 12);
            index.put("up", new float[]{0, 0, 1}, 0, 13);
            index.commit();
        }
        indexes.serve(Modality.TEXT, 1);

        List<SearchHit> hits = indexes.search(Modality.TEXT, new float[]{0.9f, 0.1f, 0}, 3);

        assertThat(hits).extracting(SearchHit::id).containsExactly("east", "north-east", "north");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(1).sourcePartition()).isEqualTo(1);
        assertThat(hits.get(1).sourceOffset()).isEqualTo(11);
    }

    @Test
    @DisplayName("a search for one hit finds the exact nearest of a thousand vectors: the HNSW beam is wider than k")
    void exactNearestAtSmallK() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        float[][] vectors = new float[1000][];
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex index = indexes.openForWriting(Modality.TEXT, 1)) {
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = randomVector(random);
                index.put("v" + i, vectors[i], 0, i);
            }
            index.commit();
        }
        indexes.serve(Modality.TEXT, 1);
        for (int q = 0; q < 50; q++) {
            float[] query = randomVector(random);
            int nearest = 0;
            for (int i = 1; i < vectors.length; i++) {
                if (cosine(query, vectors[i]) > cosine(query, vectors[nearest])) {
                    nearest = i;
                }
            }
            assertThat(indexes.search(Modality.TEXT, query, 1)).as("query %d", q).extracting(SearchHit::id)
                    .containsExactly("v" + nearest);
        }
    }

    private static float[] randomVector(java.util.SplittableRandom random) {
        float[] v = new float[16];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    @DisplayName("an id put twice is one document, with the later vector")
    void idempotentPut() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex index = indexes.openForWriting(Modality.IMAGE, 2)) {
            index.put("a", new float[]{1, 0}, 0, 1);
            index.put("b", new float[]{0, 1}, 0, 2);
            index.put("a", new float[]{0, -1}, 0, 1);
            index.commit();
            assertThat(index.committedCount()).isEqualTo(2);
        }
        indexes.serve(Modality.IMAGE, 2);
        assertThat(indexes.search(Modality.IMAGE, new float[]{0, -1}, 1)).extracting(SearchHit::id).containsExactly("a");
    }

    @Test
    @DisplayName("searches go to the serving version only; a newer version's index is invisible until serve() switches")
    void servesOneVersion() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex v1 = indexes.openForWriting(Modality.AUDIO, 1);
             VersionIndex v2 = indexes.openForWriting(Modality.AUDIO, 2)) {
            v1.put("clip-old", new float[]{1, 0}, 0, 0);
            v1.commit();
            indexes.serve(Modality.AUDIO, 1);
            v2.put("clip-new", new float[]{1, 0}, 0, 0);
            v2.commit();

            assertThat(indexes.search(Modality.AUDIO, new float[]{1, 0}, 5)).extracting(SearchHit::id).containsExactly("clip-old");
            indexes.serve(Modality.AUDIO, 2);
            assertThat(indexes.search(Modality.AUDIO, new float[]{1, 0}, 5)).extracting(SearchHit::id).containsExactly("clip-new");
        }
        assertThat(indexes.versions(Modality.AUDIO)).containsExactly(1, 2);
        assertThat(indexes.serving(Modality.AUDIO)).hasValue(2);
        assertThat(Files.list(dir.resolve("audio")).map(p -> p.getFileName().toString())).doesNotContain("SERVING.tmp");
    }

    @Test
    @DisplayName("what was put but not committed is not searchable, and is gone after a close, as after a crash")
    void onlyCommitted() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex index = indexes.openForWriting(Modality.TEXT, 3)) {
            index.put("kept", new float[]{1, 0}, 0, 0);
            index.commit();
            index.put("pending", new float[]{1, 0.01f}, 0, 1);
            indexes.serve(Modality.TEXT, 3);
            assertThat(indexes.search(Modality.TEXT, new float[]{1, 0}, 5)).extracting(SearchHit::id).containsExactly("kept");
        }
        try (VersionIndex reopened = indexes.openForWriting(Modality.TEXT, 3)) {
            assertThat(reopened.committedCount()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a vector of another width, a search before any index serves and a switch to a missing version are refused with the reason")
    void refusals() throws Exception {
        VectorIndexes indexes = new VectorIndexes(dir);
        try (VersionIndex index = indexes.openForWriting(Modality.TEXT, 1)) {
            index.put("a", new float[]{1, 0, 0}, 0, 0);
            assertThatThrownBy(() -> index.put("b", new float[]{1, 0}, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the embedding of b has 2 dimensions; the index of text v1 holds vectors of 3");
            index.commit();
        }
        try (VersionIndex reopened = indexes.openForWriting(Modality.TEXT, 1)) {
            assertThatThrownBy(() -> reopened.put("c", new float[]{1}, 0, 2)).as("the width is remembered across a reopen")
                    .hasMessageContaining("holds vectors of 3");
        }
        assertThatThrownBy(() -> indexes.search(Modality.TEXT, new float[]{1, 0, 0}, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no index of text serves yet");
        assertThatThrownBy(() -> indexes.serve(Modality.TEXT, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no index of text v9");
    }
}
