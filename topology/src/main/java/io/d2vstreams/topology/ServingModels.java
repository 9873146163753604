package io.d2vstreams.topology;

import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.Modality;

import java.util.Objects;

/** The encoder slot of each modality the pipeline serves; closed together. */
public record ServingModels(ModelHolder<String> text, ModelHolder<byte[]> image, ModelHolder<byte[]> audio)
        implements AutoCloseable {
    public ServingModels {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(audio, "audio");
    }

    public ModelHolder<?> holder(Modality modality) {
        return switch (modality) {
            case TEXT -> text;
            case IMAGE -> image;
            case AUDIO -> audio;
        };
    }

    public ModelId current(Modality modality) {
        return holder(modality).current();
    }

    @Override
    public void close() {
        text.close();
        image.close();
        audio.close();
    }
}
