/**
 * Writing and opening ONNX graphs: the graph builder and the transformer blocks the modalities'
 * graph writers share, weights read back from a graph, and ONNX Runtime sessions (CUDA when asked
 * and usable, CPU otherwise).
 */
package io.d2vstreams.runtime.internal.onnx;
