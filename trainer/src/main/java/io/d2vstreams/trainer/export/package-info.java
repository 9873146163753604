/**
 * Releasing a candidate: export to the model store, judge it with the gate, announce the decision
 * on {@code d2v.models} ({@code CandidateExporter}, {@code CandidateRelease}).
 */
package io.d2vstreams.trainer.export;
