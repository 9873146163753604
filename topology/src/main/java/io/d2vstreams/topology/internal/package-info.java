/**
 * The topologies' processors and their parts: decoding and admitting records
 * ({@code EventDecoder}, {@code RecordAdmission}), the crash-safe micro-batch buffer
 * ({@code MicroBatchProcessor}), batch encoders over a serving slot, dead letters, sampling and swap
 * points. No other module may use it ({@code ArchitectureTest}).
 */
package io.d2vstreams.topology.internal;
