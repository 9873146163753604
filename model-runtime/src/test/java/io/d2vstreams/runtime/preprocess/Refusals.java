package io.d2vstreams.runtime.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;

/** Assertions for "this input is refused, with this reason". */
public final class Refusals {

    /** Something that should refuse its input. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    private Refusals() {
    }

    /** Runs {@code call}, asserts it threw a {@link PreprocessException} and returns it. */
    public static PreprocessException refusal(Call call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("what the call threw").isInstanceOf(PreprocessException.class);
        return (PreprocessException) thrown;
    }

    /** Asserts {@code call} refuses with {@code reason} and returns the exception for more checks. */
    public static PreprocessException refusal(Reason reason, Call call) {
        PreprocessException e = refusal(call);
        assertThat(e.reason()).as("reason of %s", e).isEqualTo(reason);
        assertThat(e.getMessage()).as("message").isNotBlank();
        return e;
    }

    /** Asserts {@code call} either succeeds or refuses with a PreprocessException, nothing else. */
    public static void succeedsOrRefuses(String what, Call call) {
        Throwable thrown = catchThrowable(call::run);
        if (thrown != null) {
            assertThat(thrown).as("what %s threw", what).isInstanceOf(PreprocessException.class);
        }
    }
}
