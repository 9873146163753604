package io.d2vstreams.runtime;

import java.util.Locale;

/** The kinds of input d2v-streams embeds; one encoder family (and one model store folder) each. */
public enum Modality {
    TEXT,
    IMAGE,
    AUDIO;

    /** The lower-case name used for folders in the model store ({@code <root>/text/v3}). */
    public String folderName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
