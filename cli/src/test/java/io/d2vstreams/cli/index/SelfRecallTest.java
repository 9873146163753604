package io.d2vstreams.cli.index;

import io.d2vstreams.cli.client.GeneratedMedia;
import io.d2vstreams.cli.demo.SampleTexts;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recall@1 of self-queries, as issue #14 asks of the downstream index: each input embedded by the
 * seeded default of its modality and indexed, then searched with its own embedding; the input must
 * come back as its own nearest neighbour. Distinct inputs only: two equal inputs share one vector.
 */
@DisplayName("The vector index finds every input as its own nearest neighbour (recall@1 on self-queries)")
class SelfRecallTest {
    private static final Logger LOG = LoggerFactory.getLogger(SelfRecallTest.class);
    private static final int INPUTS = 120;
    private static final int BATCH = 24;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    void recallAtOneOfSelfQueries(Modality modality) throws Exception {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest manifest = store.initDefault(modality, 42);
        Map<String, float[]> vectors = embedAll(store, manifest, modality);
        Path indexDir = dir.resolve("index");
        try (VersionIndex index = VersionIndex.openForWriting(indexDir, modality.folderName() + "-v1")) {
            int offset = 0;
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                index.put(e.getKey(), e.getValue(), 0, offset++);
            }
            index.commit();
        }

        int found = 0;
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            List<SearchHit> hits = VersionIndex.search(indexDir, e.getValue(), 1);
            if (!hits.isEmpty() && hits.get(0).id().equals(e.getKey())) {
                found++;
            } else {
                missed.add(e.getKey() + " -> " + (hits.isEmpty() ? "nothing" : hits.get(0)));
            }
        }
        double recall = found / (double) vectors.size();
        LOG.info("event=self_recall modality={} inputs={} recall_at_1={}", modality, vectors.size(), recall);
        assertThat(recall).as("recall@1 over %d %s self-queries; missed: %s", vectors.size(), modality, missed)
                .isGreaterThanOrEqualTo(0.99);
    }

    /** Each distinct input's embedding by id, in batches as the pipeline embeds them. */
    private static Map<String, float[]> embedAll(ModelStore store, ModelManifest manifest, Modality modality) {
        EncoderOptions options = EncoderOptions.defaults().withThreads(0, 1);
        return switch (modality) {
            case TEXT -> embed(store.load(TextSpec.INSTANCE, manifest, options),
                    SampleTexts.generate(INPUTS, 7).stream().map(SampleTexts.Sample::text).distinct().toList());
            case IMAGE -> embed(store.load(ImageSpec.INSTANCE, manifest, options), distinct(GeneratedMedia.images(INPUTS, 7)));
            case AUDIO -> embed(store.load(AudioSpec.INSTANCE, manifest, options), distinct(GeneratedMedia.clips(INPUTS, 7)));
        };
    }

    private static <I> Map<String, float[]> embed(Encoder<I> encoder, List<I> inputs) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        try (encoder) {
            for (int from = 0; from < inputs.size(); from += BATCH) {
                List<I> batch = inputs.subList(from, Math.min(inputs.size(), from + BATCH));
                float[][] embedded = encoder.embed(batch);
                for (int i = 0; i < batch.size(); i++) {
                    vectors.put("e" + (from + i), embedded[i]);
                }
            }
        }
        return vectors;
    }

    private static List<byte[]> distinct(List<byte[]> items) {
        List<byte[]> kept = new ArrayList<>();
        for (byte[] item : items) {
            if (kept.stream().noneMatch(k -> Arrays.equals(k, item))) {
                kept.add(item);
            }
        }
        return kept;
    }
}
