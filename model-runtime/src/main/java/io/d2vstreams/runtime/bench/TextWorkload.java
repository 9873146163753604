package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TruncationPolicy;
import io.d2vstreams.runtime.internal.LengthBuckets;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.runtime.text.internal.TokenCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * Text: generated sentences of skewed lengths ({@link SentenceGenerator}); token counts from the
 * encoder's own tokenizer set-up, runs planned as the encoder plans them ({@link LengthBuckets}),
 * each run padded to its longest text.
 */
final class TextWorkload implements Workload<String> {

    private final ModelStore store;
    private final ModelManifest model;
    private final TextEncoderConfig config;
    private final TransformerFlops flops;
    private final SentenceGenerator generator;
    private final TokenCounter tokens;

    TextWorkload(ModelStore store, ModelManifest model, long seed) throws IOException {
        this.store = store;
        this.model = model;
        this.config = TextEncoderConfig.fromHuggingFace(model.config());
        this.flops = TransformerFlops.of(config);
        this.generator = new SentenceGenerator(seed);
        this.tokens = TokenCounter.open(Files.readAllBytes(model.directory().resolve(ModelStore.TOKENIZER_FILE)),
                config, TruncationPolicy.TRUNCATE);
    }

    @Override
    public List<String> inputs(int count) {
        return generator.sentences(count);
    }

    @Override
    public Encoder<String> open(EncoderOptions options) {
        // Generated text runs past the token limit now and then, as real streams do: truncate it.
        return store.load(TextSpec.INSTANCE, model, options.withTruncation(TruncationPolicy.TRUNCATE));
    }

    @Override
    public CallWork work(List<String> call, int maxBatch) {
        long start = System.nanoTime();
        int[] lengths = tokens.lengths(call);
        long nanos = System.nanoTime() - start;
        LengthBuckets.Plan plan = LengthBuckets.plan(lengths, maxBatch);
        double total = 0;
        for (int[] bucket : plan.buckets()) {
            total += flops.forward(bucket.length, Workload.longest(bucket, lengths));
        }
        return new CallWork(plan.realPositions(), plan.paddedPositions(), total, nanos);
    }

    @Override
    public void close() {
        tokens.close();
    }
}
