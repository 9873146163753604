package io.d2vstreams.devstack.internal.kafka;

import io.d2vstreams.devstack.internal.kafka.HangingTransactions.OpenTransaction;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HangingTransactions: which open transactions are hanging")
class HangingTransactionsTest {
    private static final TopicPartition PARTITION = new TopicPartition("t", 0);
    private static final long NOW = 1_000_000_000L;
    private static final long MAX_TIMEOUT = 900_000L;
    /** Last written one second ago. */
    private static final OpenTransaction OPEN = new OpenTransaction(PARTITION, 7L, 3, 0, 42L, NOW - 1_000);

    @Test
    @DisplayName("a live transaction is left alone: ongoing at its coordinator, on this partition, same epoch")
    void ongoingOnThisPartitionIsLive() {
        assertThat(hanging(coordinator(TransactionState.ONGOING, 3, Set.of(PARTITION)))).isFalse();
    }

    @Test
    @DisplayName("markers being written (same epoch, or the next one with transactions v2) are left to the coordinator")
    void markersInFlightAreLeftAlone() {
        assertThat(hanging(coordinator(TransactionState.PREPARE_ABORT, 3, Set.of()))).isFalse();
        assertThat(hanging(coordinator(TransactionState.PREPARE_COMMIT, 4, Set.of()))).isFalse();
        assertThat(hanging(coordinator(TransactionState.PREPARE_ABORT, 6, Set.of())))
                .as("markers of a later transaction of the producer").isTrue();
    }

    @Test
    @DisplayName("hanging: the coordinator has finished, or runs a later transaction without this partition")
    void finishedOrUnknownIsHanging() {
        assertThat(hanging(coordinator(TransactionState.COMPLETE_ABORT, 4, Set.of()))).isTrue();
        assertThat(hanging(coordinator(TransactionState.EMPTY, 3, Set.of()))).isTrue();
        assertThat(hanging(coordinator(TransactionState.ONGOING, 4, Set.of(PARTITION))))
                .as("a later epoch's transaction").isTrue();
        assertThat(hanging(coordinator(TransactionState.ONGOING, 3, Set.of(new TopicPartition("t", 1)))))
                .as("ongoing elsewhere").isTrue();
    }

    @Test
    @DisplayName("one the coordinator does not list is left alone while a live transaction could be that young (the coordinator may still be loading)")
    void unlistedIsHangingOnlyPastTheMaximumTimeout() {
        assertThat(HangingTransactions.isHanging(OPEN, null, NOW, MAX_TIMEOUT)).as("written a second ago").isFalse();
        OpenTransaction old = new OpenTransaction(PARTITION, 7L, 3, 0, 42L, NOW - MAX_TIMEOUT - 1);
        assertThat(HangingTransactions.isHanging(old, null, NOW, MAX_TIMEOUT)).as("silent past transaction.max.timeout.ms").isTrue();
    }

    private static boolean hanging(TransactionDescription coordinator) {
        return HangingTransactions.isHanging(OPEN, coordinator, NOW, MAX_TIMEOUT);
    }

    private static TransactionDescription coordinator(TransactionState state, int epoch, Set<TopicPartition> partitions) {
        return new TransactionDescription(1, state, 7L, epoch, 10_000, OptionalLong.of(0), partitions);
    }
}
