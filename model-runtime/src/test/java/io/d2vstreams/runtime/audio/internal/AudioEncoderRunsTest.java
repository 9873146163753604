package io.d2vstreams.runtime.audio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.internal.LengthBuckets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AudioEncoderRunsTest {

    @Test
    @DisplayName("clips a few frames apart share a run; a 1 s and an 8 s clip do not")
    void runsArePricedInFrames() {
        AudioEncoderConfig config = AudioEncoderConfig.tiny();
        assertThat(config.samplesPerFrame()).as("20 ms at 16 kHz").isEqualTo(320);

        LengthBuckets.Plan similar = AudioEncoder.runs(new int[] {16_000, 16_160, 16_640, 15_800}, 8, config);
        assertThat(similar.buckets()).as("one run for clips within a few frames of each other").hasSize(1);

        LengthBuckets.Plan apart = AudioEncoder.runs(new int[] {16_000, 128_000, 16_320, 127_000}, 8, config);
        assertThat(apart.buckets()).as("short and long clips apart").hasSize(2);
        assertThat(apart.buckets().get(0)).containsExactly(0, 2);
        assertThat(apart.buckets().get(1)).containsExactly(3, 1);
    }
}
