package io.d2vstreams.runtime.text.internal;

/**
 * Keeps DJL's tokenizer library off the network. DJL downloads missing native libraries and, once
 * a day, probes the EC2 metadata endpoint for telemetry unless offline mode is on
 * ({@code ai.djl.offline}); the tokenizers jar bundles the CPU native library we need, and no
 * flavour other than CPU exists for it. Properties already set by the operator win.
 */
final class DjlOffline {

    private DjlOffline() {}

    static void ensure() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // On a CUDA host DJL would look for a CUDA build of the tokenizers library first.
        setIfAbsent("RUST_FLAVOR", "cpu");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
