/**
 * {@code d2v models import}: a local Hugging Face data2vec checkpoint (safetensors and config.json)
 * checked tensor by tensor against the modality's parameter specs and added to the model store.
 */
package io.d2vstreams.runtime.importer;
