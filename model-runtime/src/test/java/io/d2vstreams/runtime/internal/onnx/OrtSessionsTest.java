package io.d2vstreams.runtime.internal.onnx;

import ai.onnxruntime.OrtSession.SessionOptions;
import io.d2vstreams.runtime.EncoderOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("OrtSessions: what a session is opened with")
class OrtSessionsTest {

    @Test
    @DisplayName("ONNX Runtime's threads sleep between runs by default (they share the cores with the stream), and spin when asked")
    void spinningFollowsTheOptions() throws Exception {
        try (SessionOptions sleeping = new SessionOptions(); SessionOptions spinning = new SessionOptions()) {
            OrtSessions.configureThreads(sleeping, EncoderOptions.defaults());
            OrtSessions.configureThreads(spinning, EncoderOptions.defaults().withSpinWait(true));

            assertThat(sleeping.getConfigEntries())
                    .containsEntry(OrtSessions.INTRA_OP_SPINNING, "0")
                    .containsEntry(OrtSessions.INTER_OP_SPINNING, "0");
            assertThat(spinning.getConfigEntries())
                    .containsEntry(OrtSessions.INTRA_OP_SPINNING, "1")
                    .containsEntry(OrtSessions.INTER_OP_SPINNING, "1");
        }
    }
}
