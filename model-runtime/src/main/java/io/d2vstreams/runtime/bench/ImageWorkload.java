package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImagePreprocessor;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Images: every image becomes {@code image_size}² pixels, so every input is the same
 * {@code patches + 1} positions (the CLS token) and nothing pads. FLOPs per image are the patch
 * embedding, a stride-p convolution that is one matmul, {@code 2 · patches · (C·p²) · H}, plus
 * the transformer ({@link TransformerFlops}); the relative position bias is an addition and not
 * counted.
 */
final class ImageWorkload implements Workload<byte[]> {

    private final ModelStore store;
    private final ModelManifest model;
    private final MediaGenerator generator;
    private final ImagePreprocessor preprocessor;
    private final int positions;
    private final double flopsPerImage;

    ImageWorkload(ModelStore store, ModelManifest model, long seed) throws IOException {
        this.store = store;
        this.model = model;
        this.generator = new MediaGenerator(seed);
        ImageEncoderConfig config = ImageEncoderConfig.fromHuggingFace(model.config());
        this.preprocessor = new ImagePreprocessor(preprocessing(model, config));
        this.positions = config.numPatches() + 1;
        double patchEmbedding = 2.0 * config.numPatches() * config.numChannels() * config.patchSize()
                * config.patchSize() * config.hiddenSize();
        this.flopsPerImage = patchEmbedding + TransformerFlops.of(config).forward(1, positions);
    }

    /** The version's own preprocessing, as {@code ModelStore.load} reads it. */
    private static ImagePreprocessorConfig preprocessing(ModelManifest model, ImageEncoderConfig config)
            throws IOException {
        Path file = model.directory().resolve(ModelStore.PREPROCESSOR_FILE);
        return Files.isRegularFile(file)
                ? ImagePreprocessorConfig.fromPreprocessorConfigJson(Files.readAllBytes(file), file.toString())
                : ImagePreprocessorConfig.defaultsFor(config);
    }

    @Override
    public List<byte[]> inputs(int count) {
        return generator.images(count);
    }

    @Override
    public Encoder<byte[]> open(EncoderOptions options) {
        return store.load(ImageSpec.INSTANCE, model, options);
    }

    @Override
    public CallWork work(List<byte[]> call, int maxBatch) throws IOException {
        long nanos = 0;
        for (byte[] image : call) {
            long start = System.nanoTime();
            try {
                preprocessor.preprocess(image);
            } catch (PreprocessException e) {
                throw new IOException("a generated image failed preprocessing: " + e.getMessage(), e);
            }
            nanos += System.nanoTime() - start;
        }
        long count = (long) call.size() * positions;
        return new CallWork(count, count, call.size() * flopsPerImage, nanos);
    }

    @Override
    public void close() {
        // Nothing native: the preprocessor is plain Java.
    }
}
