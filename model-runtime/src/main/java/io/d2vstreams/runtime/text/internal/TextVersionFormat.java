package io.d2vstreams.runtime.text.internal;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.VersionFormat;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import java.util.List;
import java.util.Map;

/** A TEXT version: the model, its config and {@code tokenizer.json}, the tokenizer as its preprocessing. */
public final class TextVersionFormat extends VersionFormat<TextEncoderConfig, byte[], String> {

    public static final TextVersionFormat INSTANCE = new TextVersionFormat();

    /** Mixed scripts, an empty text and a longer one: exercises byte-level BPE and padding. */
    private static final List<String> PROBE = List.of(
            "data2vec learns contextualised targets.",
            "",
            "Grüße aus Köln — 東京 🙂, and a somewhat longer sentence so the probe batch needs padding.");

    private TextVersionFormat() {
        super(Modality.TEXT, "text", ModelStore.TOKENIZER_FILE, true, "tokenizer");
    }

    @Override
    public TextEncoderConfig fromHuggingFace(Map<String, Object> json) {
        return TextEncoderConfig.fromHuggingFace(json);
    }

    @Override
    public byte[] writeGraph(TextEncoderConfig config, TensorBundle weights, byte[] tokenizerJson) {
        return Data2VecTextGraph.write(config, weights);
    }

    @Override
    public byte[] writePreprocessing(byte[] tokenizerJson) {
        return tokenizerJson;
    }

    /** The tokenizer file as it is: the encoder parses it, and a bad one fails the load there. */
    @Override
    public byte[] readPreprocessing(TextEncoderConfig config, byte[] tokenizerJson) {
        return tokenizerJson;
    }

    @Override
    public OrtEncoder<String> open(ModelId id, TextEncoderConfig config, byte[] onnxModel, byte[] tokenizerJson,
            EncoderOptions options) throws Exception {
        return TextEncoder.open(id, config, onnxModel, tokenizerJson, options);
    }

    @Override
    public List<String> probeInputs() {
        return PROBE;
    }

    @Override
    public String describe(TextEncoderConfig config, byte[] tokenizerJson) {
        return "max_tokens=" + config.maxTokens();
    }
}
