/**
 * The text modality's machinery, for model-runtime alone: the ONNX graph writer
 * ({@code Data2VecTextGraph}), the encoder on ONNX Runtime ({@code TextEncoder}), the generated
 * byte-level BPE tokenizer ({@code ByteLevelBpeTokenizer}) and the token counter the importer and
 * the bench use ({@code TokenCounter}). Other modules go through
 * {@link io.d2vstreams.runtime.ModelStore} and {@link io.d2vstreams.runtime.text}, whose
 * {@code TextSpec} is the modality's entry in the model store.
 */
package io.d2vstreams.runtime.text.internal;
