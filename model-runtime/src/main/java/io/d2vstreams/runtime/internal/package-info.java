/**
 * What the modalities' encoders share inside model-runtime: the ONNX Runtime encoder base
 * ({@code OrtEncoder}), pooling, length buckets and batch buffers, the probe check, the manifest
 * codec and the Hugging Face config reader. No other module may use it ({@code ArchitectureTest}).
 */
package io.d2vstreams.runtime.internal;
