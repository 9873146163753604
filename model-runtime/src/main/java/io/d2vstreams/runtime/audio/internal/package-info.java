/**
 * The audio modality's machinery, for model-runtime alone: the ONNX graph writer
 * ({@code Data2VecAudioGraph}), the encoder on ONNX Runtime ({@code AudioEncoder}) and the
 * model-store format of an audio version ({@code AudioVersionFormat}). Other modules go through
 * {@link io.d2vstreams.runtime.ModelStore} and {@link io.d2vstreams.runtime.audio}.
 */
package io.d2vstreams.runtime.audio.internal;
