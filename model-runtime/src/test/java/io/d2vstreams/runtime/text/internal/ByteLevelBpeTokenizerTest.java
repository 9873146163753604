package io.d2vstreams.runtime.text.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.d2vstreams.runtime.TruncationPolicy;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ByteLevelBpeTokenizerTest {

    @Test
    @DisplayName("DJL's HuggingFaceTokenizer loads the generated tokenizer.json and tokenizes Unicode text one token per UTF-8 byte")
    void tokenizesUnicode() throws Exception {
        String text = "Grüße aus Köln — 東京 🙂!";
        try (HuggingFaceTokenizer tokenizer = TextEncoder.tokenizer(ByteLevelBpeTokenizer.json(), 256, TruncationPolicy.TRUNCATE)) {
            Encoding encoding = tokenizer.encode(text);
            long[] ids = encoding.getIds();

            assertThat(ids.length).as("tokens = UTF-8 bytes + <s> + </s>")
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length + 2);
            assertThat(ids[0]).as("first token is <s>").isEqualTo(ByteLevelBpeTokenizer.BOS_ID);
            assertThat(ids[ids.length - 1]).as("last token is </s>").isEqualTo(ByteLevelBpeTokenizer.EOS_ID);
            assertThat(java.util.Arrays.stream(ids)).as("every id is in the vocabulary and none is <unk>")
                    .allSatisfy(id -> assertThat(id).isBetween(0L, (long) ByteLevelBpeTokenizer.VOCAB_SIZE - 1)
                            .isNotEqualTo((long) ByteLevelBpeTokenizer.UNK_ID));
            assertThat(tokenizer.decode(ids, true)).as("decoding without specials restores the text").isEqualTo(text);
        }
    }

    @Test
    @DisplayName("under TRUNCATE the tokenizer keeps <s>, the first tokens and </s> within the limit")
    void truncatesWithinLimit() throws Exception {
        try (HuggingFaceTokenizer tokenizer = TextEncoder.tokenizer(ByteLevelBpeTokenizer.json(), 10, TruncationPolicy.TRUNCATE)) {
            long[] ids = tokenizer.encode("abcdefghijklmnopqrstuvwxyz").getIds();

            assertThat(ids).as("truncated ids").hasSize(10);
            assertThat(ids[9]).as("still ends with </s>").isEqualTo(ByteLevelBpeTokenizer.EOS_ID);
            assertThat(tokenizer.decode(ids, true)).as("kept text").isEqualTo("abcdefgh");
        }
    }

    @Test
    @DisplayName("the byte symbol table maps the 256 bytes to 256 distinct single characters, and the JSON is stable")
    void byteTableAndDeterminism() {
        List<String> symbols = ByteLevelBpeTokenizer.byteSymbols();

        assertThat(symbols).as("symbols").hasSize(256).allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(new HashSet<>(symbols)).as("distinct symbols").hasSize(256);
        assertThat(symbols.get('A')).as("printable ASCII maps to itself").isEqualTo("A");
        assertThat(symbols.get(' ')).as("space maps to GPT-2's Ġ").isEqualTo("\u0120");
        assertThat(ByteLevelBpeTokenizer.json()).as("generated twice").isEqualTo(ByteLevelBpeTokenizer.json());
    }
}
