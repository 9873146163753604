/**
 * The image modality in one place. Its public API: {@link io.d2vstreams.runtime.image.ImageEncoderConfig},
 * the sizes of a data2vec image encoder (Hugging Face's {@code Data2VecVisionConfig}, BEiT layout)
 * read from and written to {@code config.json}; {@link io.d2vstreams.runtime.image.ImageParameters},
 * the parameters of Hugging Face's {@code Data2VecVisionModel} (names, shapes, seeded initialisation)
 * and the one place their names are spelled, which the trainer's DJL model reads; and the
 * preprocessing that turns encoded images into CHW {@code pixel_values}:
 * {@link io.d2vstreams.runtime.image.ImagePreprocessor}, built once from its config record
 * ({@link io.d2vstreams.runtime.image.ImagePreprocessorConfig}) and safe to share between threads,
 * refusing unusable input with a {@link io.d2vstreams.runtime.preprocess.PreprocessException}.
 *
 * <p>Each preprocessing step is its own small class: format sniffing ({@code ImageFormat}), and,
 * package-private, header-checked decoding ({@code ImageDecoder}), conversion to RGB
 * ({@code RgbRowReader}) and resizing ({@code SeparableResizer}). The declared pixel count is
 * checked before decoding. What only model-runtime uses lives in {@link io.d2vstreams.runtime.image.internal}.
 */
package io.d2vstreams.runtime.image;
