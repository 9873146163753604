/**
 * The image modality's machinery, for model-runtime alone: the ONNX graph writer
 * ({@code Data2VecImageGraph}), the encoder on ONNX Runtime ({@code ImageEncoder}) and the
 * model-store format of an image version ({@code ImageVersionFormat}). Other modules go through
 * {@link io.d2vstreams.runtime.ModelStore} and {@link io.d2vstreams.runtime.image}.
 */
package io.d2vstreams.runtime.image.internal;
