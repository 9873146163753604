package io.d2vstreams.runtime.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face tensor names → the names the ONNX writers use. A bare model
 * ({@code Data2VecTextModel}) saves {@code encoder.layer.0...}; a model with a head
 * ({@code Data2VecTextForMaskedLM}, {@code RobertaModel} inside another) saves the same tensors
 * under its base-model attribute, {@code data2vec_text.encoder.layer.0...}. Stripping that one
 * prefix lets both import; heads ({@code lm_head.*}, {@code pooler.*}) then simply go unused.
 */
final class CheckpointNames {

    /** The base-model attribute names of the data2vec (and RoBERTa) classes in transformers. */
    static final List<String> BASE_MODEL_PREFIXES =
            List.of("data2vec_text.", "roberta.", "data2vec_vision.", "data2vec_audio.");

    private CheckpointNames() {}

    /** {@code name} without a leading base-model prefix. */
    static String canonical(String name) {
        for (String prefix : BASE_MODEL_PREFIXES) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    /**
     * Canonical name → the name in the file, for every tensor of the file.
     *
     * @throws CheckpointException when two file names strip to the same canonical name, since
     *         either could be the one meant
     */
    static Map<String, String> byCanonicalName(Iterable<String> fileNames) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : fileNames) {
            String previous = out.putIfAbsent(canonical(name), name);
            if (previous != null) {
                throw new CheckpointException("tensors '" + previous + "' and '" + name
                        + "' both stand for '" + canonical(name) + "'; keep one of them");
            }
        }
        return out;
    }
}
