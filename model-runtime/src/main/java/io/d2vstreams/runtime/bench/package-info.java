/**
 * {@code d2v bench encoder}: each modality's encoder alone on generated inputs, its throughput,
 * padding, resident memory and the share of the machine's GEMM peak it reaches.
 */
package io.d2vstreams.runtime.bench;
