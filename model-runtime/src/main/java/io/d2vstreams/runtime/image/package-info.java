/**
 * The image modality's public model description: {@link io.d2vstreams.runtime.image.ImageParameters}, the
 * parameters of Hugging Face's {@code Data2VecVisionModel} (names, shapes, seeded initialisation) and the one
 * place their names are spelled. The ONNX graph writer, the encoder and the model-store format
 * of the modality still live in {@code runtime.internal}; the trainer's DJL model reads the names
 * from here.
 */
package io.d2vstreams.runtime.image;
