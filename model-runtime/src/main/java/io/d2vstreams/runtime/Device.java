package io.d2vstreams.runtime;

/** Where an encoder runs. CUDA falls back to CPU (with one WARN line) when it cannot be used. */
public enum Device {
    CPU,
    CUDA
}
