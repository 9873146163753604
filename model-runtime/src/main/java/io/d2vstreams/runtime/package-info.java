/**
 * data2vec encoders on ONNX Runtime, without Kafka: the {@link io.d2vstreams.runtime.Encoder} API and
 * its options, the versioned {@link io.d2vstreams.runtime.ModelStore} with its generic {@code add}/{@code load}
 * over any modality's spec, {@link io.d2vstreams.runtime.ModelHolder} for the hot swap, and
 * {@link io.d2vstreams.runtime.ModalitySpecs}, where the modalities' specs are registered. Each modality
 * lives in {@code runtime.text}, {@code runtime.image} or {@code runtime.audio}.
 */
package io.d2vstreams.runtime;
