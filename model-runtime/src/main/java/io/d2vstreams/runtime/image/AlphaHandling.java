package io.d2vstreams.runtime.image;

/** What to do with transparency, since the model sees only R, G and B. */
public enum AlphaHandling {
    /**
     * Blend each pixel over an opaque white background (alpha compositing, "over" operator).
     * The default: the colour stored under a fully transparent pixel is arbitrary (often black),
     * so dropping alpha would show the model something no viewer ever sees.
     */
    COMPOSITE_ON_WHITE,
    /** Ignore alpha and keep the stored colour, as PIL's {@code convert("RGB")} does. */
    DROP
}
