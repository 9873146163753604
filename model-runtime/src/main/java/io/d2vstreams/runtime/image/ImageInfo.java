package io.d2vstreams.runtime.image;

import java.util.Objects;

/**
 * What an image turned out to be: the format found by its signature and its size as decoded.
 *
 * @param format the format detected from the bytes (not the declared MIME type)
 * @param width  source width in pixels
 * @param height source height in pixels
 */
public record ImageInfo(ImageFormat format, int width, int height) {

    public ImageInfo {
        Objects.requireNonNull(format, "format");
    }

    /**
     * Whether a producer's declared MIME type agrees with what was found. A missing claim
     * agrees with anything; a disagreement is worth reporting but not a reason to refuse,
     * since the bytes decoded fine.
     */
    public boolean agreesWith(String declaredMime) {
        return declaredMime == null || declaredMime.isBlank() || format.matchesMime(declaredMime);
    }
}
