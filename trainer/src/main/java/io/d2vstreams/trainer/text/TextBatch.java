package io.d2vstreams.trainer.text;

import java.util.Objects;

/**
 * Token ids of a batch of texts, padded on the right to the longest: row-major
 * {@code [rows, cols]} arrays of {@code input_ids} and {@code attention_mask}, the two inputs of
 * the serving ONNX graph. The arrays are shared, not copied: treat them as read-only.
 */
public final class TextBatch {

    private final int rows;
    private final int cols;
    private final int padId;
    private final long[] ids;
    private final int[] lengths;

    private TextBatch(int rows, int cols, int padId, long[] ids, int[] lengths) {
        this.rows = rows;
        this.cols = cols;
        this.padId = padId;
        this.ids = ids;
        this.lengths = lengths;
    }

    /**
     * Pads the token rows (each already wrapped in its special tokens) with {@code padId}.
     *
     * @throws IllegalArgumentException when there are no rows or a row is empty
     */
    public static TextBatch of(long[][] tokens, int padId) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one text");
        }
        int cols = 0;
        for (long[] row : tokens) {
            if (row.length == 0) {
                throw new IllegalArgumentException("a tokenized text has no tokens (not even <s> </s>)");
            }
            cols = Math.max(cols, row.length);
        }
        long[] ids = new long[Math.multiplyExact(tokens.length, cols)];
        int[] lengths = new int[tokens.length];
        for (int r = 0; r < tokens.length; r++) {
            System.arraycopy(tokens[r], 0, ids, r * cols, tokens[r].length);
            java.util.Arrays.fill(ids, r * cols + tokens[r].length, (r + 1) * cols, padId);
            lengths[r] = tokens[r].length;
        }
        return new TextBatch(tokens.length, cols, padId, ids, lengths);
    }

    /** The same batch (same lengths and attention mask) with other ids, e.g. the masked input. */
    public TextBatch withIds(long[] replacement) {
        if (replacement.length != ids.length) {
            throw new IllegalArgumentException("replacement ids have " + replacement.length + " cells, the batch " + ids.length);
        }
        return new TextBatch(rows, cols, padId, replacement, lengths);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int padId() {
        return padId;
    }

    /** {@code input_ids}, row-major {@code [rows, cols]}. */
    public long[] ids() {
        return ids;
    }

    /** Number of real tokens of each row. */
    public int length(int row) {
        return lengths[row];
    }

    /** {@code attention_mask}: 1 on the real tokens of each row, 0 on its padding. */
    public long[] attentionMask() {
        long[] mask = new long[ids.length];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(mask, r * cols, r * cols + lengths[r], 1L);
        }
        return mask;
    }

    /**
     * RoBERTa's position ids ({@code create_position_ids_from_input_ids} in transformers, and
     * the serving graph's CumSum): real tokens count up from {@code pad + 1}, padding keeps
     * {@code pad}, so a text's positions do not depend on the padding after it.
     */
    public long[] positionIds() {
        long[] pos = new long[ids.length];
        for (int r = 0; r < rows; r++) {
            long count = 0;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                boolean real = ids[i] != padId;
                if (real) {
                    count++;
                }
                pos[i] = real ? count + padId : padId;
            }
        }
        return pos;
    }

    /** Number of real (non-padding) positions in the batch. */
    public int realTokens() {
        int n = 0;
        for (int len : lengths) {
            n += len;
        }
        return n;
    }
}
