package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DjlEnvironment: libtorch's intra-op threads")
class DjlEnvironmentTest {

    @Test
    @DisplayName("sets libtorch's thread count for the process, and 0 leaves it as it is")
    void intraOpThreads() {
        int before = DjlEnvironment.intraOpThreads(0);
        try {
            assertThat(before).as("libtorch's own choice").isPositive();
            assertThat(DjlEnvironment.intraOpThreads(1)).as("the count from now on").isEqualTo(1);
            assertThat(JniUtils.getNumThreads()).as("what libtorch reports").isEqualTo(1);
            assertThat(DjlEnvironment.intraOpThreads(0)).as("0 changes nothing").isEqualTo(1);
            assertThatThrownBy(() -> DjlEnvironment.intraOpThreads(-1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            DjlEnvironment.intraOpThreads(before); // the rest of this JVM's tests run as they did
        }
    }
}
