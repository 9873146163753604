package io.d2vstreams.runtime.text.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.TruncationPolicy;
import io.d2vstreams.runtime.internal.BatchBuffers;
import io.d2vstreams.runtime.internal.LengthBuckets;
import io.d2vstreams.runtime.internal.MeanPooling;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.onnx.OrtSessions;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A data2vec text encoder on ONNX Runtime: Hugging Face tokenizer → {@code input_ids},
 * {@code attention_mask} → {@code last_hidden_state} → mean over real tokens → L2.
 *
 * <p>Concurrent {@link #embed} calls are safe: the tokenizer and the ORT session are
 * thread-safe, and each call borrows its own {@link BatchBuffers}; the life cycle is
 * {@link OrtEncoder}'s.
 */
public final class TextEncoder extends OrtEncoder<String> {

    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final TextEncoderConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean feedsTokenTypeIds;
    private final int maxTokens;

    private TextEncoder(ModelId id, TextEncoderConfig config, EncoderOptions options, HuggingFaceTokenizer tokenizer,
            OrtEnvironment env, OrtSessions.Opened opened) throws OrtException {
        super(id, options, env, opened);
        this.config = config;
        this.tokenizer = tokenizer;
        this.maxTokens = config.maxTokens();
        Map<String, NodeInfo> inputs = opened.session().getInputInfo();
        requireInput(inputs, Data2VecTextGraph.INPUT_IDS);
        requireInput(inputs, Data2VecTextGraph.ATTENTION_MASK);
        this.feedsTokenTypeIds = inputs.containsKey(TOKEN_TYPE_IDS);
        requireOutputWidth(opened.session().getOutputInfo(), Data2VecTextGraph.LAST_HIDDEN_STATE, config.hiddenSize(),
                "[batch, sequence, " + config.hiddenSize() + "]");
    }

    /**
     * Opens the encoder over verified file contents.
     *
     * @throws IllegalArgumentException when the model's inputs or outputs do not fit a text encoder
     * @throws OrtException when ONNX Runtime cannot load the model
     * @throws IOException when the tokenizer cannot be read
     */
    public static TextEncoder open(ModelId id, TextEncoderConfig config, byte[] onnxModel, byte[] tokenizerJson,
            EncoderOptions options) throws OrtException, IOException {
        HuggingFaceTokenizer tokenizer = tokenizer(tokenizerJson, config.maxTokens(), options.truncation());
        try {
            return OrtSessions.openEncoder(onnxModel, options, id,
                    (env, opened) -> new TextEncoder(id, config, options, tokenizer, env, opened));
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * A Hugging Face tokenizer that adds RoBERTa's {@code <s> ... </s>}, never pads (the encoder
     * pads per run), and truncates to the model's limit under TRUNCATE. Under REJECT it does not
     * truncate, so the full token count is known and reported.
     */
    static HuggingFaceTokenizer tokenizer(byte[] json, int maxTokens, TruncationPolicy policy) throws IOException {
        DjlOffline.ensure();
        Map<String, String> opts = Map.of(
                "addSpecialTokens", "true",
                "withOverflowingTokens", "false",
                "padding", "false",
                "truncation", policy == TruncationPolicy.TRUNCATE ? "true" : "false",
                "maxLength", Integer.toString(maxTokens),
                "modelMaxLength", Integer.toString(maxTokens));
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), opts);
    }

    @Override
    public int dim() {
        return config.hiddenSize();
    }

    @Override
    protected float[][] embedBatch(List<String> inputs, BatchBuffers buf) {
        long[][] tokens = tokenize(inputs);
        int[] lengths = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            lengths[i] = tokens[i].length;
        }
        LengthBuckets.Plan plan = LengthBuckets.plan(lengths, options().maxBatch());
        float[][] out = new float[tokens.length][];
        for (int[] bucket : plan.buckets()) {
            run(bucket, tokens, buf, out);
        }
        countPositions(plan.realPositions(), plan.paddedPositions());
        return out;
    }

    @Override
    public Optional<String> rejectReason(String input) {
        if (input == null) {
            return Optional.of("text is null");
        }
        if (options().truncation() == TruncationPolicy.TRUNCATE) {
            return Optional.empty();
        }
        return whileOpen(() -> {
            int count = tokenizer.encode(input).getIds().length;
            return count > maxTokens ? Optional.of(tooLong(count)) : Optional.<String>empty();
        });
    }

    @Override
    protected void releaseResources() {
        tokenizer.close();
    }

    private long[][] tokenize(List<String> inputs) {
        String[] texts = new String[inputs.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = Objects.requireNonNull(inputs.get(i), () -> "text input is null");
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        long[][] tokens = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            tokens[i] = encodings[i].getIds();
            if (tokens[i].length > maxTokens) {
                throw new InputRejectedException(i, tokens[i].length, maxTokens, tooLong(tokens[i].length));
            }
        }
        return tokens;
    }

    private String tooLong(int count) {
        return "text has " + count + " tokens, the model " + describe() + " accepts at most " + maxTokens;
    }

    /** One model run over the inputs at {@code bucket}, padded to the longest of them. */
    private void run(int[] bucket, long[][] tokens, BatchBuffers buf, float[][] out) {
        int rows = bucket.length;
        int cols = 0;
        for (int idx : bucket) {
            cols = Math.max(cols, tokens[idx].length);
        }
        int cells = Math.multiplyExact(rows, cols);
        int width = config.hiddenSize();
        LongBuffer ids = buf.ids(cells);
        LongBuffer mask = buf.mask(cells);
        for (int idx : bucket) {
            long[] t = tokens[idx];
            ids.put(t);
            for (int j = 0; j < t.length; j++) {
                mask.put(1L);
            }
            for (int j = t.length; j < cols; j++) {
                ids.put(config.padTokenId());
                mask.put(0L);
            }
        }
        ids.rewind();
        mask.rewind();
        FloatBuffer states = buf.states(Math.multiplyExact(cells, width));
        long[] shape = {rows, cols};
        OrtEnvironment env = env();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids, shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, shape);
                OnnxTensor typeTensor = feedsTokenTypeIds ? OnnxTensor.createTensor(env, buf.zeroTypeIds(cells), shape) : null;
                OnnxTensor statesTensor = OnnxTensor.createTensor(env, states, new long[] {rows, cols, width})) {
            Map<String, OnnxTensorLike> feeds = new HashMap<>(4);
            feeds.put(Data2VecTextGraph.INPUT_IDS, idsTensor);
            feeds.put(Data2VecTextGraph.ATTENTION_MASK, maskTensor);
            if (typeTensor != null) {
                feeds.put(TOKEN_TYPE_IDS, typeTensor);
            }
            // Pinned output: ORT writes last_hidden_state straight into our direct buffer.
            try (OrtSession.Result result = session().run(feeds, Map.of(Data2VecTextGraph.LAST_HIDDEN_STATE, statesTensor))) {
                if (result.get(Data2VecTextGraph.LAST_HIDDEN_STATE).isEmpty()) {
                    throw new IllegalStateException("model " + describe() + " returned no last_hidden_state");
                }
                for (int r = 0; r < rows; r++) {
                    out[bucket[r]] = MeanPooling.pool(states, r, cols, width, tokens[bucket[r]].length, options().normalize());
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("model " + describe() + " failed on a batch of "
                    + rows + "x" + cols + " tokens (expects last_hidden_state [batch, sequence, " + width + "]): "
                    + e.getMessage(), e);
        }
    }
}
