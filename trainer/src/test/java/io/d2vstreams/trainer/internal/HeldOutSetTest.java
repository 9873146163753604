package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HeldOutSet: a stable one-in-k slice by id hash")
class HeldOutSetTest {

    @Test
    @DisplayName("holds out about one id in k, the same ids every time")
    void fractionAndStability() {
        HeldOutSet<String> set = HeldOutSet.ofTexts(10, 5);
        HeldOutSet<String> other = HeldOutSet.ofTexts(10, 5);
        int held = 0;
        for (int i = 0; i < 20_000; i++) {
            String id = "event-" + i;
            boolean h = set.isHeldOut(id);
            assertThat(other.isHeldOut(id)).as("same decision for %s", id).isEqualTo(h);
            held += h ? 1 : 0;
        }
        assertThat(held / 20_000.0).as("fraction held out").isCloseTo(0.1, within(0.01));
    }

    @Test
    @DisplayName("keeps the first `size` distinct samples and survives a round trip through JSON")
    void keepsFirstAndRoundTrips() {
        HeldOutSet<String> set = HeldOutSet.ofTexts(4, 3);
        assertThat(set.offer("a", "alpha \"quoted\"")).isTrue();
        assertThat(set.offer("a", "alpha again")).as("duplicate id").isFalse();
        assertThat(set.offer("b", "bravo, 東京")).isTrue();
        assertThat(set.offer("c", "charlie")).isTrue();
        assertThat(set.offer("d", "delta")).as("full").isFalse();
        assertThat(set.inputs()).containsExactly("alpha \"quoted\"", "bravo, 東京", "charlie");

        HeldOutSet<String> restored = HeldOutSet.ofTexts(4, 3);
        restored.restore(set.toJson());
        assertThat(restored.inputs()).as("restored").containsExactlyElementsOf(set.inputs());
        assertThat(restored.offer("b", "bravo")).as("restored ids are known").isFalse();
    }

    @Test
    @DisplayName("encoded images travel in the checkpoint JSON as base64 and come back byte for byte")
    void bytesRoundTrip() {
        HeldOutSet<byte[]> set = new HeldOutSet<>(4, 3, HeldOutSet.Codec.BYTES);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 13, 10};
        assertThat(set.offer("img", png)).isTrue();
        HeldOutSet<byte[]> restored = new HeldOutSet<>(4, 3, HeldOutSet.Codec.BYTES);
        restored.restore(set.toJson());
        assertThat(restored.inputs()).as("restored").hasSize(1);
        assertThat(restored.inputs().get(0)).as("the same bytes").isEqualTo(png);
    }
}
