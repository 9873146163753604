/**
 * Turns raw media bytes into model input: images into CHW {@code pixel_values} for a
 * ViT/BEiT-style encoder, audio into 16 kHz {@code input_values} for a data2vec audio encoder.
 *
 * <p>Entry points: {@link io.d2vstreams.runtime.preprocess.ImagePreprocessor} and
 * {@link io.d2vstreams.runtime.preprocess.AudioPreprocessor}, each built once from its config
 * record ({@link io.d2vstreams.runtime.preprocess.ImagePreprocessorConfig},
 * {@link io.d2vstreams.runtime.preprocess.AudioPreprocessorConfig}) and safe to share between
 * threads. Every way an input can be unusable ends in a
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException} whose
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException.Reason} a caller can route on
 * (the pipeline sends such records to the dead-letter topic) and whose message says what was
 * wrong and what the limit is. Limits are checked before the expensive or dangerous step:
 * byte size before parsing, the declared pixel count before decoding, the declared duration
 * before converting samples.
 *
 * <p>Each step is its own small class: format sniffing ({@code ImageFormat}), header-checked
 * decoding ({@code ImageDecoder}), conversion to RGB ({@code RgbRowReader}), resizing
 * ({@code SeparableResizer}); RIFF/WAVE parsing ({@code WavParser}), PCM decoding and mono
 * mixdown ({@code PcmDecoder}), band-limited resampling ({@code SincResampler}) and
 * normalisation ({@code WaveformNormalizer}).
 */
package io.d2vstreams.runtime.preprocess;
