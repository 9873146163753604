package io.d2vstreams.runtime;

import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The registration point of the modalities' specs: the one switch over {@link Modality} that
 * generic code (seeding, verifying, the trainer's and the pipeline's loaders) goes through to find
 * a modality's {@link ModalitySpec}. Code that knows its modality at compile time uses the spec's
 * {@code INSTANCE} instead, and gets its encoder's input type with it.
 */
public final class ModalitySpecs {

    private ModalitySpecs() {
    }

    public static ModalitySpec<?, ?, ?> of(Modality modality) {
        return switch (modality) {
            case TEXT -> TextSpec.INSTANCE;
            case IMAGE -> ImageSpec.INSTANCE;
            case AUDIO -> AudioSpec.INSTANCE;
        };
    }

    /** Every modality's spec, in {@link Modality} order. */
    public static List<ModalitySpec<?, ?, ?>> all() {
        return Arrays.stream(Modality.values()).<ModalitySpec<?, ?, ?>>map(ModalitySpecs::of).toList();
    }
}
