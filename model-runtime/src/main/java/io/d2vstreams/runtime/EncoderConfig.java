package io.d2vstreams.runtime;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import java.util.Map;

/**
 * What every modality's encoder config ({@link TextEncoderConfig}, {@link ImageEncoderConfig},
 * {@link AudioEncoderConfig}) offers the code that stores and serves any of them: the size of
 * the vectors it makes and its Hugging Face {@code config.json}.
 */
public interface EncoderConfig {

    /** {@code hidden_size}: the length of every embedding the model makes. */
    int hiddenSize();

    /** The Hugging Face {@code config.json} of this config, which {@code fromHuggingFace} reads back. */
    Map<String, Object> toHuggingFace();
}
