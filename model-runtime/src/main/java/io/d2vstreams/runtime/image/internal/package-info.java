/**
 * The image modality's machinery, for model-runtime alone: the ONNX graph writer
 * ({@code Data2VecImageGraph}) and the encoder on ONNX Runtime ({@code ImageEncoder}). Other modules
 * go through {@link io.d2vstreams.runtime.ModelStore} and {@link io.d2vstreams.runtime.image}, whose
 * {@code ImageSpec} is the modality's entry in the model store.
 */
package io.d2vstreams.runtime.image.internal;
