package io.d2vstreams.cli.index;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * One search of a modality's serving index, the query embedded by exactly the model version of
 * that index, so that query and documents share one embedding space. What {@code d2v search}
 * and the demo's closing searches both do.
 */
public final class ServingIndexSearch {
    /** A text (for TEXT) or the bytes of an image or audio file (for IMAGE and AUDIO). */
    public record Query(String text, byte[] content) {
        public static Query ofText(String text) {
            return new Query(Objects.requireNonNull(text, "text"), null);
        }

        public static Query ofContent(byte[] content) {
            return new Query(null, Objects.requireNonNull(content, "content"));
        }
    }

    /** The version whose index answered, and its hits, nearest first. */
    public record Result(Modality modality, int version, List<SearchHit> hits) {
        public Result {
            hits = List.copyOf(hits);
        }
    }

    private ServingIndexSearch() {
    }

    /**
     * @throws IllegalStateException when no index of the modality serves yet, or the store lacks its version
     */
    public static Result search(VectorIndexes indexes, ModelStore models, Modality modality, Query query, int top)
            throws IOException {
        int version = indexes.serving(modality).orElseThrow(() -> new IllegalStateException("no " + modality.folderName()
                + " index serves under " + indexes.root() + " yet: run d2v index against the cluster first"));
        ModelManifest manifest = models.version(modality, version).orElseThrow(() -> new IllegalStateException(
                "the " + modality.folderName() + " index serves model version " + version + ", which the model store "
                        + models.root() + " does not hold: search with the store the pipeline uses (--store)"));
        float[] vector = embed(models, manifest, query);
        // The version read once: the indexer may switch SERVING meanwhile, and the query must meet
        // the index of the version that embedded it.
        return new Result(modality, version, VersionIndex.search(indexes.dirOf(modality, version), vector, top));
    }

    /** The query's embedding by exactly {@code manifest}'s version, pooled and normalised as the pipeline does. */
    private static float[] embed(ModelStore models, ModelManifest manifest, Query query) {
        EncoderOptions options = EncoderOptions.defaults().withThreads(0, 1);
        return switch (manifest.modality()) {
            case TEXT -> embedOne(models.load(TextSpec.INSTANCE, manifest, options), required(query.text(), "a text"));
            case IMAGE -> embedOne(models.load(ImageSpec.INSTANCE, manifest, options), required(query.content(), "an image"));
            case AUDIO -> embedOne(models.load(AudioSpec.INSTANCE, manifest, options), required(query.content(), "an audio clip"));
        };
    }

    private static <I> float[] embedOne(Encoder<I> encoder, I input) {
        try (encoder) {
            return encoder.embed(List.of(input))[0];
        }
    }

    private static <T> T required(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("this index is searched with " + what);
        }
        return value;
    }
}
