/**
 * What the media modalities share to turn raw bytes into model input, and audio's
 * preprocessing (image preprocessing lives in {@link io.d2vstreams.runtime.image}).
 *
 * <p>Shared: every way an input can be unusable ends in a
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException} whose
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException.Reason} a caller can route on
 * (the pipeline sends such records to the dead-letter topic) and whose message says what was
 * wrong and what the limit is; {@code Bytes} reads little-endian fields and magic numbers and
 * {@code ConfigJson} reads a Hugging Face {@code preprocessor_config.json}. Limits are checked
 * before the expensive or dangerous step: byte size before parsing, the declared pixel count
 * before decoding, the declared duration before converting samples.
 *
 * <p>Audio: {@link io.d2vstreams.runtime.preprocess.AudioPreprocessor}, built once from its
 * config record ({@link io.d2vstreams.runtime.preprocess.AudioPreprocessorConfig}) and safe to
 * share between threads, turns audio into 16 kHz {@code input_values} for a data2vec audio
 * encoder. Each step is its own small class: RIFF/WAVE parsing ({@code WavParser}), PCM decoding
 * and mono mixdown ({@code PcmDecoder}), band-limited resampling ({@code SincResampler}) and
 * normalisation ({@code WaveformNormalizer}).
 */
package io.d2vstreams.runtime.preprocess;
