package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioPreprocessor;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.audio.internal.AudioEncoder;
import io.d2vstreams.runtime.internal.LengthBuckets;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Audio: clips are preprocessed to the model's rate, grouped by sample count into runs of at
 * most {@code maxBatch} as the encoder groups them ({@link LengthBuckets}), and each run padded
 * to its longest clip. Positions are transformer frames. FLOPs per run of B clips padded to N
 * samples and F frames, beyond the transformer ({@link TransformerFlops}):
 *
 * <pre>
 *   feature encoder, conv layer i:  2 · L_i · C_i · C_{i-1} · k_i   (L_i its output length, C_{-1} = 1)
 *   feature projection:             2 · F · C_last · H
 *   positional convolutions, each:  2 · F · H · (H / groups) · k
 * </pre>
 *
 * each times B; GroupNorm/LayerNorm and GELU are O(L·C) and left out.
 */
final class AudioWorkload implements Workload<byte[]> {

    private final ModelStore store;
    private final ModelManifest model;
    private final AudioEncoderConfig config;
    private final TransformerFlops transformer;
    private final MediaGenerator generator;
    private final AudioPreprocessor preprocessor;

    AudioWorkload(ModelStore store, ModelManifest model, long seed) throws IOException {
        this.store = store;
        this.model = model;
        this.config = AudioEncoderConfig.fromHuggingFace(model.config());
        this.transformer = TransformerFlops.of(config);
        this.generator = new MediaGenerator(seed);
        this.preprocessor = new AudioPreprocessor(preprocessing(model));
    }

    /** The version's own preprocessing, as {@code ModelStore.load} reads it. */
    private static AudioPreprocessorConfig preprocessing(ModelManifest model) throws IOException {
        Path file = model.directory().resolve(ModelStore.PREPROCESSOR_FILE);
        return Files.isRegularFile(file)
                ? AudioPreprocessorConfig.fromPreprocessorConfigJson(Files.readAllBytes(file), file.toString())
                : AudioPreprocessorConfig.defaults();
    }

    @Override
    public List<byte[]> inputs(int count) {
        return generator.clips(count);
    }

    @Override
    public Encoder<byte[]> open(EncoderOptions options) {
        return store.load(AudioSpec.INSTANCE, model, options);
    }

    @Override
    public CallWork work(List<byte[]> call, int maxBatch) throws IOException {
        int[] samples = new int[call.size()];
        long nanos = 0;
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            try {
                samples[i] = preprocessor.preprocess(call.get(i)).length;
            } catch (PreprocessException e) {
                throw new IOException("a generated clip failed preprocessing: " + e.getMessage(), e);
            }
            nanos += System.nanoTime() - start;
        }
        LengthBuckets.Plan plan = AudioEncoder.runs(samples, maxBatch, config);
        long real = 0;
        long padded = 0;
        double flops = 0;
        for (int[] bucket : plan.buckets()) {
            int longest = Workload.longest(bucket, samples);
            int frames = config.frames(longest);
            for (int idx : bucket) {
                real += config.frames(samples[idx]);
            }
            padded += (long) bucket.length * frames;
            flops += bucket.length * frontEnd(config, longest) + transformer.forward(bucket.length, frames);
        }
        return new CallWork(real, padded, flops, nanos);
    }

    /** Feature encoder, feature projection and positional convolutions for one clip of {@code samples}. */
    static double frontEnd(AudioEncoderConfig config, int samples) {
        int frames = config.frames(samples);
        double total = 0;
        long length = samples;
        int channelsIn = 1;
        for (int i = 0; i < config.numConvLayers(); i++) {
            int k = config.convKernel().get(i);
            length = length < k ? 0 : (length - k) / config.convStride().get(i) + 1;
            int channelsOut = config.convDim().get(i);
            total += 2.0 * length * channelsOut * channelsIn * k;
            channelsIn = channelsOut;
        }
        double h = config.hiddenSize();
        total += 2.0 * frames * channelsIn * h;
        total += config.numConvPosEmbeddings() * 2.0 * frames * h * (h / config.numConvPosEmbeddingGroups())
                * config.convPosKernelSize();
        return total;
    }

    @Override
    public void close() {
        // Nothing native: the preprocessor is plain Java.
    }
}
