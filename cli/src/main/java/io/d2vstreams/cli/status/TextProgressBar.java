package io.d2vstreams.cli.status;

/**
 * A progress bar drawn in text, {@code [#########---------------------]}, for the views that show
 * a backfill's progress where a terminal is attached ({@code d2v status}, {@code d2v models backfill}).
 */
public final class TextProgressBar {
    /** Characters between the brackets. */
    public static final int WIDTH = 30;

    private TextProgressBar() {
    }

    /** {@code done} of {@code total} as a bar; nothing to do (total 0) is a full bar. */
    public static String of(long done, long total) {
        long clamped = Math.max(0, Math.min(done, total));
        int filled = total <= 0 ? WIDTH : (int) (WIDTH * clamped / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "]";
    }
}
