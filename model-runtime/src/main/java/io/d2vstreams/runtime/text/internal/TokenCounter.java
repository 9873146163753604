package io.d2vstreams.runtime.text.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.d2vstreams.runtime.TruncationPolicy;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import java.io.IOException;
import java.util.List;

/**
 * The token counts a {@link TextEncoder} of the same config and tokenizer would feed its model,
 * special tokens included and truncated as it truncates: what a benchmark needs to count FLOPs
 * and padding, and what an importer opens to prove a {@code tokenizer.json} is usable. Built on
 * the very tokenizer set-up the encoder uses, so the counts cannot drift from the real ones.
 */
public final class TokenCounter implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private TokenCounter(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** @throws IOException or a runtime exception from the tokenizers library when the JSON is unusable */
    public static TokenCounter open(byte[] tokenizerJson, TextEncoderConfig config, TruncationPolicy truncation)
            throws IOException {
        return new TokenCounter(TextEncoder.tokenizer(tokenizerJson, config.maxTokens(), truncation));
    }

    /** Tokens per text, in order. */
    public int[] lengths(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new));
        int[] out = new int[encodings.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = encodings[i].getIds().length;
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
