package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ToneOrderClipsTest {

    private static short[] pcm(byte[] wav) {
        ByteBuffer data = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[(wav.length - 44) / 2];
        data.asShortBuffer().get(out);
        return out;
    }

    @Test
    @DisplayName("twins hold the same samples in the other order, labels alternate, and the same seed gives the same clips")
    void twinsAreReorderings() {
        List<ToneOrderClips.Labelled> set = new ToneOrderClips(5).labelledTwins(20);

        assertThat(set).hasSize(40);
        assertThat(set).extracting(ToneOrderClips.Labelled::label).containsOnly(0, 1);
        assertThat(set.stream().filter(l -> l.label() == 0)).as("balanced").hasSize(20);
        for (int i = 0; i < set.size(); i += 2) {
            short[] rising = pcm(set.get(i).wav());
            short[] falling = pcm(set.get(i + 1).wav());
            assertThat(rising).as("pair %d differs", i / 2).isNotEqualTo(falling);
            int half = rising.length / 2;
            assertThat(Arrays.copyOfRange(rising, 0, half)).as("the rising clip's first segment ends the falling one")
                    .isEqualTo(Arrays.copyOfRange(falling, half, falling.length));
            assertThat(Arrays.copyOfRange(rising, half, rising.length)).isEqualTo(Arrays.copyOfRange(falling, 0, half));
        }
        assertThat(new ToneOrderClips(5).labelledTwins(20).get(7).wav()).as("deterministic").isEqualTo(set.get(7).wav());
        assertThat(new ToneOrderClips(6).labelledTwins(20).get(7).wav()).as("another seed").isNotEqualTo(set.get(7).wav());
    }

    @Test
    @DisplayName("the rising clip's first half has the lower pitch: more zero crossings in the second half")
    void risingMeansLowerFirst() {
        ToneOrderClips.Labelled rising = new ToneOrderClips(9).labelledTwins(1).get(0);
        short[] s = pcm(rising.wav());
        int half = s.length / 2;
        assertThat(rising.label()).isZero();
        assertThat(crossings(s, 0, half)).isLessThan(crossings(s, half, s.length));
    }

    @Test
    @DisplayName("unlabelled clips are 16 kHz mono WAV between 0.8 and 1.6 seconds")
    void unlabelledClips() {
        for (byte[] wav : new ToneOrderClips(1).next(10)) {
            assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(ByteBuffer.wrap(wav, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).as("rate").isEqualTo(16_000);
            assertThat(pcm(wav).length / 16_000.0).isBetween(0.8, 1.6);
        }
    }

    private static int crossings(short[] s, int from, int to) {
        int n = 0;
        for (int i = from + 1; i < to; i++) {
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                n++;
            }
        }
        return n;
    }
}
