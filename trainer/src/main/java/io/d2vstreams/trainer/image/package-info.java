/**
 * Training data2vec vision encoders: {@code ImageData2VecTrainer} (the public trainer over encoded
 * images), its training model {@code ImageData2VecModel} and its pixel batches {@code ImageBatch}.
 */
package io.d2vstreams.trainer.image;
