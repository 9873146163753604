package io.d2vstreams.trainer.text.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.d2vstreams.trainer.internal.DjlEnvironment;
import io.d2vstreams.trainer.text.TextBatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model version's own {@code tokenizer.json} (Hugging Face tokenizers through DJL), adding the
 * RoBERTa wrap {@code <s> ... </s>} and truncating to the training length; padding is left to
 * {@link TextBatch}.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int padId) {
        this.tokenizer = tokenizer;
        this.padId = padId;
    }

    /** @param maxTokens the most tokens per text, the special tokens included */
    public static TextTokenizer open(byte[] tokenizerJson, int maxTokens, int padId) {
        DjlEnvironment.pytorch(); // sets DJL's offline properties before the tokenizers library loads
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "padding", "false",
                "truncation", "true",
                "withOverflowingTokens", "false",
                "maxLength", Integer.toString(maxTokens),
                "modelMaxLength", Integer.toString(maxTokens));
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options), padId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer.json: " + e.getMessage(), e);
        }
    }

    public TextBatch batch(List<String> texts) {
        String[] array = new String[texts.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = Objects.requireNonNull(texts.get(i), "text " + i + " is null");
        }
        Encoding[] encodings = tokenizer.batchEncode(array);
        long[][] ids = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = encodings[i].getIds();
        }
        return TextBatch.of(ids, padId);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
