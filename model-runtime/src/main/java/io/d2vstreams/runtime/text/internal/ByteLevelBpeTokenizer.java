package io.d2vstreams.runtime.text.internal;

import io.d2vstreams.runtime.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the {@code tokenizer.json} (Hugging Face tokenizers format) of the seeded default: a
 * RoBERTa-style byte-level BPE with the 256 byte symbols as its vocabulary and no merges, so any
 * Unicode text tokenizes (one token per UTF-8 byte) with no downloaded vocabulary. Special tokens
 * follow RoBERTa: {@code <s>}=0, {@code <pad>}=1, {@code </s>}=2, {@code <unk>}=3,
 * {@code <mask>} last; {@code RobertaProcessing} wraps every text as {@code <s> ... </s>}.
 */
public final class ByteLevelBpeTokenizer {

    public static final int BOS_ID = 0;
    public static final int PAD_ID = 1;
    public static final int EOS_ID = 2;
    public static final int UNK_ID = 3;
    private static final int FIRST_BYTE_ID = 4;
    public static final int MASK_ID = FIRST_BYTE_ID + 256;
    public static final int VOCAB_SIZE = MASK_ID + 1;

    private ByteLevelBpeTokenizer() {}

    /** The tokenizer.json bytes; identical on every call. */
    public static byte[] json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", List.of(
                special(BOS_ID, "<s>", false),
                special(PAD_ID, "<pad>", false),
                special(EOS_ID, "</s>", false),
                special(UNK_ID, "<unk>", false),
                // RoBERTa's <mask> swallows the space before it (lstrip), as in roberta-base.
                special(MASK_ID, "<mask>", true)));
        root.put("normalizer", null);
        root.put("pre_tokenizer", byteLevel(false));
        root.put("post_processor", robertaProcessing());
        root.put("decoder", byteLevel(true));
        root.put("model", bpeModel());
        return Json.write(root);
    }

    private static Map<String, Object> special(int id, String content, boolean lstrip) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", lstrip);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", addPrefixSpace);
        m.put("trim_offsets", true);
        m.put("use_regex", true);
        return m;
    }

    private static Map<String, Object> robertaProcessing() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "RobertaProcessing");
        m.put("sep", List.of("</s>", EOS_ID));
        m.put("cls", List.of("<s>", BOS_ID));
        m.put("trim_offsets", true);
        m.put("add_prefix_space", false);
        return m;
    }

    private static Map<String, Object> bpeModel() {
        Map<String, Object> vocab = new LinkedHashMap<>();
        vocab.put("<s>", BOS_ID);
        vocab.put("<pad>", PAD_ID);
        vocab.put("</s>", EOS_ID);
        vocab.put("<unk>", UNK_ID);
        List<String> symbols = byteSymbols();
        for (int b = 0; b < 256; b++) {
            vocab.put(symbols.get(b), FIRST_BYTE_ID + b);
        }
        vocab.put("<mask>", MASK_ID);

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", List.of());
        return model;
    }

    /**
     * GPT-2's byte-to-symbol table (Radford et al. 2019, {@code bytes_to_unicode} in
     * {@code encoder.py}), which the ByteLevel pre-tokenizer applies: printable Latin-1 bytes
     * stand for themselves, the other 68 bytes map in order to U+0100 onwards. Index = byte value.
     */
    static List<String> byteSymbols() {
        String[] symbols = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = String.valueOf((char) (printable ? b : next++));
        }
        return new ArrayList<>(List.of(symbols));
    }
}
