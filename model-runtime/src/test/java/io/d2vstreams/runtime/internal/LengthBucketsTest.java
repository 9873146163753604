package io.d2vstreams.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    @Test
    @DisplayName("a batch that fits one run stays one bucket in input order")
    void smallBatchKeepsOrder() {
        LengthBuckets.Plan plan = LengthBuckets.plan(new int[] {5, 2, 9}, 4);

        assertThat(plan.buckets()).as("buckets").hasSize(1);
        assertThat(plan.buckets().get(0)).as("indices").containsExactly(0, 1, 2);
        assertThat(plan.paddingEfficiency()).as("16 real of 27 computed").isCloseTo(16.0 / 27, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @DisplayName("a large batch is split into runs of similar length that cover every input once and pad less")
    void largeBatchSortedBuckets() {
        int[] lengths = {30, 3, 28, 4, 3, 31, 5, 29};
        LengthBuckets.Plan plan = LengthBuckets.plan(lengths, 4);

        assertThat(plan.buckets()).as("buckets").hasSize(2);
        assertThat(plan.buckets().get(0)).as("short inputs, ties in input order").containsExactly(1, 4, 3, 6);
        assertThat(plan.buckets().get(1)).as("long inputs").containsExactly(2, 7, 0, 5);
        int[] covered = plan.buckets().stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(covered).as("every index exactly once").containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        double unsorted = (double) Arrays.stream(lengths).sum() / (8 * 31);
        assertThat(plan.paddingEfficiency()).as("padding efficiency vs one padded run").isGreaterThan(unsorted);
        assertThat(plan.paddedPositions()).as("4*5 + 4*31").isEqualTo(144);
    }
}
