/**
 * What the media modalities' preprocessing shares (the image steps live in
 * {@link io.d2vstreams.runtime.image}, the audio steps in {@link io.d2vstreams.runtime.audio}).
 *
 * <p>Every way an input can be unusable ends in a
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException} whose
 * {@link io.d2vstreams.runtime.preprocess.PreprocessException.Reason} a caller can route on
 * (the pipeline sends such records to the dead-letter topic) and whose message says what was
 * wrong and what the limit is. {@code Bytes} reads little-endian fields and magic numbers and
 * makes readable dumps; {@code ConfigJson} reads a Hugging Face {@code preprocessor_config.json}.
 * Limits are checked before the expensive or dangerous step: byte size before parsing, the
 * declared pixel count before decoding, the declared duration before converting samples.
 */
package io.d2vstreams.runtime.preprocess;
