package io.d2vstreams.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BoundedCache")
class BoundedCacheTest {

    @Test
    @DisplayName("forgets the least recently used entry when full")
    void evictsLeastRecentlyUsed() {
        BoundedCache<Integer, String> cache = new BoundedCache<>(2);
        cache.put(1, "one");
        cache.put(2, "two");
        assertThat(cache.get(1)).as("touch 1").isEqualTo("one");
        cache.put(3, "three");

        assertThat(cache.size()).as("size").isEqualTo(2);
        assertThat(cache.get(2)).as("2, least recently used, is gone").isNull();
        assertThat(cache.get(1)).as("1 stays").isEqualTo("one");
        assertThat(cache.get(3)).as("3 stays").isEqualTo("three");
    }
}
