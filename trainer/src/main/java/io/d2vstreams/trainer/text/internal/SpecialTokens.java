package io.d2vstreams.trainer.text.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.BitSet;

/**
 * The special tokens of a Hugging Face {@code tokenizer.json} ({@code added_tokens} with
 * {@code "special": true}: {@code <s>}, {@code <pad>}, {@code </s>}, {@code <unk>},
 * {@code <mask>} for RoBERTa), which masking must never select or draw as a random replacement.
 *
 * @param ids the special token ids
 * @param maskId the id of {@code <mask>}
 */
public record SpecialTokens(BitSet ids, int maskId) {

    /** RoBERTa's (and data2vec text's) mask token. */
    public static final String MASK = "<mask>";

    public SpecialTokens {
        ids = (BitSet) ids.clone();
        if (!ids.get(maskId)) {
            throw new IllegalArgumentException("the mask id " + maskId + " is not among the special ids " + ids);
        }
    }

    @Override
    public BitSet ids() {
        return (BitSet) ids.clone();
    }

    public boolean isSpecial(long id) {
        return id >= 0 && id <= Integer.MAX_VALUE && ids.get((int) id);
    }

    /**
     * Reads the special tokens of a {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException when the file is not JSON or declares no {@code <mask>}
     */
    public static SpecialTokens fromTokenizerJson(byte[] json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
        }
        BitSet ids = new BitSet();
        int mask = -1;
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("special").asBoolean(false) && t.path("id").canConvertToInt()) {
                int id = t.path("id").asInt();
                ids.set(id);
                if (MASK.equals(t.path("content").asText())) {
                    mask = id;
                }
            }
        }
        if (mask < 0) {
            throw new IllegalArgumentException("tokenizer.json declares no special " + MASK
                    + " token; data2vec text masking needs one");
        }
        return new SpecialTokens(ids, mask);
    }
}
