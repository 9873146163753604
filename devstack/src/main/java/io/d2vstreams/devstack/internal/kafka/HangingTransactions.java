package io.d2vstreams.devstack.internal.kafka;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds and aborts hanging transactions after the broker restarted over a crashed run's data.
 *
 * <p>A transaction hangs when a partition still holds it open but its coordinator has finished
 * with it: every {@code read_committed} reader of that partition (a restoring Kafka Streams task,
 * a downstream consumer) then stops at it for good. Kafka 4.3 makes one after an unclean
 * restart: the coordinator loads its log and aborts the crashed run's timed-out transactions at
 * its first check, {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} after
 * start; until the restarted broker has re-registered (up to {@code broker.session.timeout.ms},
 * the old registration's session, later) it finds no leader for the partitions and skips
 * their abort markers. This is the repair of Kafka's own {@code kafka-transactions.sh
 * find-hanging} and {@code abort} (KIP-664), run once the broker is up, when leaders are known.
 *
 * <p>A partition's open transaction is left alone while its coordinator is still working on it
 * (ongoing with that partition at the same producer epoch, or writing its markers): a client's
 * live transaction, or a timed-out one that the coordinator's next check aborts properly now.
 * Clients may still be running across a clean broker restart, so a transaction its coordinator
 * does not list is hanging only once it is older than any live one can be (the broker's {@code
 * transaction.max.timeout.ms}, as Kafka's {@code find-hanging} decides): right after a start the
 * coordinator may not have loaded its log yet, and a live transaction aborted on its partitions
 * while its producer goes on to commit would lose what it wrote there. Each abort is preceded by a
 * second look at the partition, so a transaction that ended between the two views is left alone.
 *
 * <p>A transaction its coordinator committed can hang the same way (its commit markers skipped);
 * Kafka offers no way to write a commit marker by hand, so it is aborted too. That rolls back
 * what it wrote together with the input offsets it committed (both are open on their partitions
 * when, as at a start-up, every marker of the transaction was skipped): its inputs are processed
 * again, which keeps each output exactly once, instead of every reader of those partitions
 * stopping there for good.
 */
public final class HangingTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Set<TransactionState> MARKERS_IN_FLIGHT = EnumSet.of(
        TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);
    /** How often the coordinator's view is read again while it does not yet list a producer with an open transaction. */
    private static final long COORDINATOR_RETRY_MS = 250;

    /** An open transaction on a partition, as the partition's leader reports it. */
    public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
                                  long startOffset, long lastTimestampMs) {
    }

    /** How long to wait for the coordinator to list the open transactions' producers, and the age past which an unlisted one hangs. */
    public record Limits(long coordinatorLoadWaitMs, long maxTransactionTimeoutMs) {
    }

    private HangingTransactions() {
    }

    /**
     * Aborts every hanging transaction of the cluster behind {@code admin} and returns the
     * partitions it released; an empty list when there was none.
     */
    public static List<OpenTransaction> abortAll(Admin admin, Limits limits, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<OpenTransaction> open = openTransactions(admin, allPartitions(admin, timeoutMs), timeoutMs);
        if (open.isEmpty()) {
            return List.of();
        }
        // After the partitions' view: a transaction that starts in between is ongoing at its coordinator.
        Map<Long, TransactionDescription> byProducerId = coordinatorView(admin, open, limits.coordinatorLoadWaitMs(), timeoutMs);
        long now = System.currentTimeMillis();
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction transaction : open) {
            TransactionDescription coordinator = byProducerId.get(transaction.producerId());
            if (isHanging(transaction, coordinator, now, limits.maxTransactionTimeoutMs())
                    && stillOpen(admin, transaction, timeoutMs)) {
                try {
                    admin.abortTransaction(new AbortTransactionSpec(transaction.partition(), transaction.producerId(),
                        (short) transaction.producerEpoch(), transaction.coordinatorEpoch()))
                        .all().get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // Ended in the instant since the second look (a later epoch fences this abort): nothing hangs there.
                    LOG.warn("event=hanging_transaction_abort_failed partition={} producerId={} producerEpoch={} error=\"{}\"",
                        transaction.partition(), transaction.producerId(), transaction.producerEpoch(), e.getCause().toString());
                    continue;
                }
                LOG.info("event=hanging_transaction_aborted partition={} producerId={} producerEpoch={} coordinator=\"{}\" "
                        + "reason=\"open on the partition, finished at its coordinator (its marker was skipped at start-up)\"",
                    transaction.partition(), transaction.producerId(), transaction.producerEpoch(), describe(coordinator));
                hanging.add(transaction);
            }
        }
        return hanging;
    }

    /**
     * Hanging unless its coordinator still has it ongoing on this partition, or is writing its
     * markers; one the coordinator does not list ({@code coordinator == null}) hangs only when no
     * write has touched it for longer than a live transaction may last.
     */
    static boolean isHanging(OpenTransaction open, TransactionDescription coordinator, long nowMs, long maxTransactionTimeoutMs) {
        if (coordinator == null) {
            return nowMs - open.lastTimestampMs() > maxTransactionTimeoutMs;
        }
        if (MARKERS_IN_FLIGHT.contains(coordinator.state())) {
            // Transactions v2 bumps the epoch when the transaction ends, before its markers are written.
            return coordinator.producerEpoch() != open.producerEpoch() && coordinator.producerEpoch() != open.producerEpoch() + 1;
        }
        return !(coordinator.state() == TransactionState.ONGOING && coordinator.producerEpoch() == open.producerEpoch()
            && coordinator.topicPartitions().contains(open.partition()));
    }

    private static String describe(TransactionDescription coordinator) {
        return coordinator == null ? "not listed"
            : coordinator.state() + " at epoch " + coordinator.producerEpoch() + " on " + coordinator.topicPartitions();
    }

    /** The same transaction (producer, epoch, first offset) is still open on its partition. */
    private static boolean stillOpen(Admin admin, OpenTransaction transaction, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        return openTransactions(admin, List.of(transaction.partition()), timeoutMs).stream().anyMatch(now ->
            now.producerId() == transaction.producerId() && now.producerEpoch() == transaction.producerEpoch()
                && now.startOffset() == transaction.startOffset());
    }

    private static List<TopicPartition> allPartitions(Admin admin, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).values()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
        }
        return partitions;
    }

    private static List<OpenTransaction> openTransactions(Admin admin, List<TopicPartition> partitions, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<OpenTransaction> open = new ArrayList<>();
        admin.describeProducers(partitions).all().get(timeoutMs, TimeUnit.MILLISECONDS).forEach((partition, state) -> {
            for (ProducerState producer : state.activeProducers()) {
                producer.currentTransactionStartOffset().ifPresent(startOffset -> open.add(new OpenTransaction(partition,
                    producer.producerId(), producer.producerEpoch(), producer.coordinatorEpoch().orElse(0), startOffset,
                    producer.lastTimestamp())));
            }
        });
        return open;
    }

    /**
     * The coordinator's transactions by producer id, read again for up to {@code loadWaitMs} while
     * it does not yet list the producer of every open transaction (it may still be loading its log).
     */
    private static Map<Long, TransactionDescription> coordinatorView(Admin admin, List<OpenTransaction> open, long loadWaitMs,
                                                                     long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(loadWaitMs);
        while (true) {
            Map<Long, TransactionDescription> byProducerId = describeAll(admin, timeoutMs);
            boolean allListed = open.stream().allMatch(t -> byProducerId.containsKey(t.producerId()));
            if (allListed || System.nanoTime() >= deadline) {
                return byProducerId;
            }
            Thread.sleep(COORDINATOR_RETRY_MS);
        }
    }

    private static Map<Long, TransactionDescription> describeAll(Admin admin, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<TransactionListing> listings = admin.listTransactions().all().get(timeoutMs, TimeUnit.MILLISECONDS);
        if (listings.isEmpty()) {
            return Map.of();
        }
        List<String> ids = listings.stream().map(TransactionListing::transactionalId).toList();
        DescribeTransactionsResult described = admin.describeTransactions(ids);
        Map<Long, TransactionDescription> byProducerId = new HashMap<>();
        for (String id : ids) {
            try {
                TransactionDescription description = described.description(id).get(timeoutMs, TimeUnit.MILLISECONDS);
                byProducerId.put(description.producerId(), description);
            } catch (ExecutionException e) {
                // Expired since it was listed: its partitions' open transactions, if any, have no coordinator.
                LOG.debug("Transaction not described transactionalId={} error={}", id, e.getCause().toString());
            }
        }
        return byProducerId;
    }
}
