package io.d2vstreams.topology.backfill;

import io.d2vstreams.runtime.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("What d2v.backfill says")
class BackfillLogTest {
    private static final Modality TEXT = Modality.TEXT;

    @Test
    @DisplayName("the plan of a version ends at its latest swap point on the partition, and waits for partitions not swapped yet")
    void planEndsAtSwapPoint() {
        BackfillLog log = new BackfillLog();
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 1, 0, 1));
        log.apply(BackfillEvents.swapPoint(TEXT, 1, 1, 0, 1));
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 2, 120, 2));
        assertThat(log.target(TEXT)).hasValue(2);
        PartitionPlan plan = log.plan(TEXT, 0, 2).orElseThrow();
        assertThat(plan.end()).isEqualTo(120);
        assertThat(plan.needsEmbedding(0)).isTrue();
        assertThat(plan.needsEmbedding(119)).isTrue();
        assertThat(plan.needsEmbedding(120)).as("embedded live with v2").isFalse();
        assertThat(log.plan(TEXT, 1, 2)).as("partition 1 still serves v1").isEmpty();
        assertThat(log.plans(TEXT, 2, 2)).isEmpty();
        assertThat(log.done(TEXT, 2, 2)).isFalse();
    }

    @Test
    @DisplayName("after a rollback the ranges embedded live with the same version are not embedded again")
    void rollbackSkipsLiveRanges() {
        BackfillLog log = new BackfillLog();
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 1, 0, 1));
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 2, 50, 2));
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 1, 80, 3));
        PartitionPlan plan = log.plan(TEXT, 0, 1).orElseThrow();
        assertThat(plan.end()).isEqualTo(80);
        assertThat(plan.liveRanges()).containsExactly(new PartitionPlan.Range(0, 50));
        assertThat(plan.needsEmbedding(49)).isFalse();
        assertThat(plan.needsEmbedding(50)).isTrue();
        assertThat(log.plan(TEXT, 0, 2)).as("v2 superseded").isEmpty();
    }

    @Test
    @DisplayName("a version is done when every partition's progress reached its swap point, and a cut-over for those swap points is current")
    void doneAndCutOver() {
        BackfillLog log = new BackfillLog();
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 2, 10, 1));
        log.apply(BackfillEvents.swapPoint(TEXT, 1, 2, 0, 1));
        assertThat(log.done(TEXT, 2, 2)).as("partition 0 not backfilled yet").isFalse();
        log.apply(BackfillEvents.progress(TEXT, 2, 0, 7, 10, 7, 0, 2));
        assertThat(log.done(TEXT, 2, 2)).isFalse();
        log.apply(BackfillEvents.progress(TEXT, 2, 0, 10, 10, 9, 1, 3));
        assertThat(log.done(TEXT, 2, 2)).as("partition 1 had nothing before its swap point").isTrue();
        assertThat(log.currentCutOver(TEXT, 2, 2)).isEmpty();
        log.apply(BackfillEvents.cutOver(TEXT, 2, Map.of(), Map.of(0, 10L, 1, 0L), "d2v.embeddings.text", Map.of(0, 30L), 9, 1, 4));
        assertThat(log.currentCutOver(TEXT, 2, 2)).isPresent();
        log.apply(BackfillEvents.swapPoint(TEXT, 1, 3, 5, 5));
        log.apply(BackfillEvents.swapPoint(TEXT, 1, 2, 9, 6));
        assertThat(log.currentCutOver(TEXT, 2, 2)).as("v2 came back on partition 1 at another offset").isEmpty();
        assertThat(List.of(log.done(TEXT, 2, 2))).as("[0, 5) of partition 1 is v2 live, [5, 9) needs it").containsExactly(false);
    }

    @Test
    @DisplayName("a request's from_offsets bound the plan: nothing below them is re-embedded, and a partition whose rest was live is done at once")
    void requestBoundsThePlan() {
        BackfillLog log = new BackfillLog();
        log.apply(BackfillEvents.swapPoint(TEXT, 0, 2, 100, 1));
        log.apply(BackfillEvents.swapPoint(TEXT, 1, 2, 40, 1));
        log.apply(BackfillEvents.request(TEXT, 2, Map.of(0, 60L, 1, 40L), 2));

        PartitionPlan plan = log.plan(TEXT, 0, 2).orElseThrow();
        assertThat(plan.start()).isEqualTo(60);
        assertThat(plan.needsEmbedding(59)).as("below the operator's bound").isFalse();
        assertThat(plan.needsEmbedding(60)).isTrue();
        assertThat(log.plan(TEXT, 1, 2).orElseThrow().start()).isEqualTo(40);
        log.apply(BackfillEvents.progress(TEXT, 2, 0, 100, 100, 40, 0, 3));
        assertThat(log.done(TEXT, 2, 2)).as("partition 1: from its bound on, everything was live already").isTrue();
    }
}
