package io.d2vstreams.trainer.text.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.trainer.text.TextBatch;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TextMasker: BERT masking for data2vec text")
class TextMaskerTest {

    // RoBERTa's layout: <s>=0, <pad>=1, </s>=2, <unk>=3, <mask>=4; ordinary ids from 5.
    private static final int BOS = 0;
    private static final int PAD = 1;
    private static final int EOS = 2;
    private static final int MASK = 4;
    private static final int VOCAB = 500;
    private static final SpecialTokens SPECIALS = specials();

    private final TextMasker masker = new TextMasker(0.15, 0.8, 0.1, SPECIALS, VOCAB);

    @Test
    @DisplayName("selects about 15 % of the ordinary tokens and replaces them 80/10/10")
    void selectionAndReplacementRates() {
        TextBatch batch = batch(64, 40);
        long ordinary = ordinaryTokens(batch);
        long selected = 0;
        long masks = 0;
        long randoms = 0;
        long kept = 0;
        int draws = 200;
        for (int seed = 0; seed < draws; seed++) {
            MaskedBatch m = masker.mask(batch, new SplittableRandom(seed));
            selected += m.selectedCount();
            masks += m.maskTokens();
            randoms += m.randomTokens();
            kept += m.keptTokens();
            assertThat(m.maskTokens() + m.randomTokens() + m.keptTokens()).as("counts add up").isEqualTo(m.selectedCount());
        }
        assertThat((double) selected / (ordinary * draws)).as("fraction of ordinary tokens selected")
                .isCloseTo(0.15, within(0.005));
        assertThat((double) masks / selected).as("fraction of selected tokens that became <mask>").isCloseTo(0.8, within(0.01));
        assertThat((double) randoms / selected).as("fraction replaced by a random token").isCloseTo(0.1, within(0.01));
        assertThat((double) kept / selected).as("fraction kept unchanged").isCloseTo(0.1, within(0.01));
    }

    @Test
    @DisplayName("never selects special tokens or padding, and never draws one as a random replacement")
    void specialsNeverMasked() {
        TextBatch batch = batch(32, 30);
        long[] source = batch.ids();
        for (int seed = 0; seed < 300; seed++) {
            MaskedBatch m = masker.mask(batch, new SplittableRandom(seed));
            for (int i = 0; i < source.length; i++) {
                if (SPECIALS.isSpecial(source[i])) {
                    assertThat(m.selected()[i]).as("special or pad at %d selected (seed %d)", i, seed).isZero();
                    assertThat(m.ids()[i]).as("special or pad at %d changed (seed %d)", i, seed).isEqualTo(source[i]);
                }
                if (m.selected()[i] == 0f) {
                    assertThat(m.ids()[i]).as("an unselected token changed at %d", i).isEqualTo(source[i]);
                } else if (m.ids()[i] != MASK) {
                    assertThat(SPECIALS.isSpecial(m.ids()[i])).as("random replacement %d is special", m.ids()[i]).isFalse();
                }
            }
        }
    }

    @Test
    @DisplayName("masks at least one token of a batch too short for 15 %, and the same seed gives the same masks")
    void atLeastOneAndDeterministic() {
        TextBatch tiny = TextBatch.of(new long[][] {{BOS, 7, EOS}}, PAD);
        for (int seed = 0; seed < 50; seed++) {
            assertThat(masker.mask(tiny, new SplittableRandom(seed)).selectedCount()).as("seed %d", seed).isEqualTo(1);
        }
        TextBatch batch = batch(8, 20);
        MaskedBatch a = masker.mask(batch, new SplittableRandom(99));
        MaskedBatch b = masker.mask(batch, new SplittableRandom(99));
        assertThat(a.ids()).as("same seed, same ids").isEqualTo(b.ids());
        assertThat(a.selected()).as("same seed, same positions").isEqualTo(b.selected());
    }

    /** Rows of varied length (so there is padding), each wrapped in <s> ... </s>. */
    private static TextBatch batch(int rows, int maxLength) {
        SplittableRandom r = new SplittableRandom(5);
        long[][] tokens = new long[rows][];
        for (int i = 0; i < rows; i++) {
            int length = 3 + r.nextInt(maxLength - 2);
            tokens[i] = new long[length];
            tokens[i][0] = BOS;
            tokens[i][length - 1] = EOS;
            for (int j = 1; j < length - 1; j++) {
                tokens[i][j] = 5 + r.nextInt(VOCAB - 5);
            }
        }
        return TextBatch.of(tokens, PAD);
    }

    private static long ordinaryTokens(TextBatch batch) {
        long n = 0;
        for (int r = 0; r < batch.rows(); r++) {
            for (int c = 0; c < batch.length(r); c++) {
                if (!SPECIALS.isSpecial(batch.ids()[r * batch.cols() + c])) {
                    n++;
                }
            }
        }
        return n;
    }

    private static SpecialTokens specials() {
        BitSet ids = new BitSet();
        ids.set(0, 5);
        return new SpecialTokens(ids, MASK);
    }
}
