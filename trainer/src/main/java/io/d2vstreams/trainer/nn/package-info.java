/**
 * What the modalities' DJL models share: {@link io.d2vstreams.trainer.nn.ModelParameters}, the
 * parameter map under Hugging Face names (copies in, teacher copies, export, close, the common
 * layers), and {@link io.d2vstreams.trainer.nn.TrainableModel}, the base of
 * {@code TextData2VecModel}, {@code ImageData2VecModel} and {@code AudioData2VecModel}.
 */
package io.d2vstreams.trainer.nn;
