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
 */
public final class HangingTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Set<TransactionState> MARKERS_IN_FLIGHT = EnumSet.of(
        TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    /** An open transaction on a partition, as the partition's leader reports it. */
    public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch) {
    }

    private HangingTransactions() {
    }

    /**
     * Aborts every hanging transaction of the cluster behind {@code admin} and returns the
     * partitions it released; an empty list when there was none.
     */
    public static List<OpenTransaction> abortAll(Admin admin, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<OpenTransaction> open = openTransactions(admin, timeoutMs);
        if (open.isEmpty()) {
            return List.of();
        }
        // After the partitions' view: a transaction that starts in between is ongoing at its coordinator.
        Map<Long, TransactionDescription> byProducerId = coordinatorView(admin, timeoutMs);
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction transaction : open) {
            if (isHanging(transaction, byProducerId.get(transaction.producerId()))) {
                admin.abortTransaction(new AbortTransactionSpec(transaction.partition(), transaction.producerId(),
                    (short) transaction.producerEpoch(), transaction.coordinatorEpoch()))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("event=hanging_transaction_aborted partition={} producerId={} producerEpoch={} reason=\"open on "
                        + "the partition, finished at its coordinator (its abort marker was skipped at start-up)\"",
                    transaction.partition(), transaction.producerId(), transaction.producerEpoch());
                hanging.add(transaction);
            }
        }
        return hanging;
    }

    /** Hanging unless its coordinator still has it ongoing on this partition, or is writing its markers. */
    static boolean isHanging(OpenTransaction open, TransactionDescription coordinator) {
        if (coordinator == null) {
            return true;
        }
        if (MARKERS_IN_FLIGHT.contains(coordinator.state())) {
            // Transactions v2 bumps the epoch when the transaction ends, before its markers are written.
            return coordinator.producerEpoch() != open.producerEpoch() && coordinator.producerEpoch() != open.producerEpoch() + 1;
        }
        return !(coordinator.state() == TransactionState.ONGOING && coordinator.producerEpoch() == open.producerEpoch()
            && coordinator.topicPartitions().contains(open.partition()));
    }

    private static List<OpenTransaction> openTransactions(Admin admin, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).values()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
        }
        List<OpenTransaction> open = new ArrayList<>();
        admin.describeProducers(partitions).all().get(timeoutMs, TimeUnit.MILLISECONDS).forEach((partition, state) -> {
            for (ProducerState producer : state.activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()) {
                    open.add(new OpenTransaction(partition, producer.producerId(), producer.producerEpoch(),
                        producer.coordinatorEpoch().orElse(0)));
                }
            }
        });
        return open;
    }

    private static Map<Long, TransactionDescription> coordinatorView(Admin admin, long timeoutMs)
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
