/**
 * The audio modality's public model description: {@link io.d2vstreams.runtime.audio.AudioParameters}, the
 * parameters of Hugging Face's {@code Data2VecAudioModel} (names, shapes, seeded initialisation) and the one
 * place their names are spelled. The ONNX graph writer, the encoder and the model-store format
 * of the modality still live in {@code runtime.internal}; the trainer's DJL model reads the names
 * from here.
 */
package io.d2vstreams.runtime.audio;
