/**
 * The quality gate a candidate version passes before it is announced: export parity, held-out
 * loss against the serving version, finite outputs and collapse guards ({@code QualityGate}).
 */
package io.d2vstreams.trainer.gate;
