/**
 * {@code d2v bench pipeline}: the pipeline's throughput and latency against the bare encoder
 * ({@code PipelineBench}), with the CPU split by thread ({@code CpuSplit}), Kafka Streams' thread
 * time ({@code StreamThreadTime}), open-loop rates ({@code OpenLoopPacer}), sweeps and plots; the
 * stand-in encoders here are an instrument of the bench alone, never served.
 */
package io.d2vstreams.cli.bench;
