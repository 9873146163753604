/**
 * The audio modality in one place. Its public API: {@link io.d2vstreams.runtime.audio.AudioEncoderConfig},
 * the sizes of a data2vec audio encoder read from and written to Hugging Face's {@code config.json};
 * {@link io.d2vstreams.runtime.audio.AudioParameters}, the parameters of Hugging Face's
 * {@code Data2VecAudioModel} (names, shapes, seeded initialisation) and the one place their names are
 * spelled, which the trainer's DJL model reads; and the preprocessing that turns WAV bytes into
 * 16 kHz {@code input_values}: {@link io.d2vstreams.runtime.audio.AudioPreprocessor}, built once from
 * its config record ({@link io.d2vstreams.runtime.audio.AudioPreprocessorConfig}, with its
 * {@link io.d2vstreams.runtime.audio.OverLengthPolicy}) and safe to share between threads, refusing
 * unusable input with a {@link io.d2vstreams.runtime.preprocess.PreprocessException}.
 *
 * <p>Each preprocessing step is its own small class, private to this package: RIFF/WAVE parsing
 * ({@code WavParser}), PCM decoding and mono mixdown ({@code PcmDecoder}), band-limited resampling
 * ({@code SincResampler}) and normalisation ({@code WaveformNormalizer}). The declared duration is
 * checked before samples are converted. What only model-runtime uses lives in
 * {@link io.d2vstreams.runtime.audio.internal}.
 */
package io.d2vstreams.runtime.audio;
