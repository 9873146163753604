/**
 * The audio modality's machinery, for model-runtime alone: the ONNX graph writer
 * ({@code Data2VecAudioGraph}) and the encoder on ONNX Runtime ({@code AudioEncoder}). Other modules
 * go through {@link io.d2vstreams.runtime.ModelStore} and {@link io.d2vstreams.runtime.audio}, whose
 * {@code AudioSpec} is the modality's entry in the model store.
 */
package io.d2vstreams.runtime.audio.internal;
