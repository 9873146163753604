package io.d2vstreams.runtime;

/** Encoder options for tests: one ORT thread each, since the build machine's cores are shared. */
final class TestOptions {

    private TestOptions() {}

    static EncoderOptions cpu() {
        return EncoderOptions.defaults().withThreads(1, 1);
    }
}
