/**
 * Training data2vec text encoders: {@code TextData2VecTrainer} (the public trainer over strings),
 * its training model {@code TextData2VecModel} and its token batches {@code TextBatch}.
 */
package io.d2vstreams.trainer.text;
