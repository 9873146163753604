/**
 * Training data2vec audio encoders: {@code AudioData2VecTrainer} (the public trainer over WAV
 * clips), its training model {@code AudioData2VecModel} and its padded clip batches
 * {@code AudioBatch}.
 */
package io.d2vstreams.trainer.audio;
