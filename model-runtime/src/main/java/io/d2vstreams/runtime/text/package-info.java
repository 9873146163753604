/**
 * The text modality in one place. Its public API: {@link io.d2vstreams.runtime.text.TextEncoderConfig},
 * the sizes of a data2vec text encoder read from and written to Hugging Face's {@code config.json},
 * and {@link io.d2vstreams.runtime.text.TextParameters}, the parameters of Hugging Face's
 * {@code Data2VecTextModel} (names, shapes, seeded initialisation) and the one place their names are
 * spelled; the trainer's DJL model reads the names from here. What only model-runtime uses lives in
 * {@link io.d2vstreams.runtime.text.internal}.
 */
package io.d2vstreams.runtime.text;
