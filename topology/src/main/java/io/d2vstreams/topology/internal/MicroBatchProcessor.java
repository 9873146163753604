package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.runtime.Embeddings;
import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.BatchPolicy;
import io.d2vstreams.topology.DeadLetterReason;
import io.d2vstreams.topology.PipelineMetrics;
import io.d2vstreams.topology.RejectedRecordException;
import io.d2vstreams.topology.backfill.BackfillEvents;
import io.d2vstreams.schemas.BackfillKeys;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Decodes each input record, buffers accepted events in a changelogged state store and
 * encodes them as one batch when the batch is full or its oldest record has waited long
 * enough.
 *
 * <p><b>Dead letters.</b> A record refused as it arrives is thrown as a
 * {@link RejectedRecordException}: Kafka Streams' processing exception handler writes its dead
 * letter. A refusal decided later, when the buffered batch is encoded, is written here from the
 * buffered source bytes, because by then the record Kafka Streams is processing (and would hand
 * to the handler) is another one, or none in a punctuation.
 *
 * <p><b>Why a state store and not a list.</b> Under {@code exactly_once_v2} Kafka Streams
 * commits the input offsets of every record that {@link #process} has returned from, in the
 * same transaction as the records forwarded and the state-store changelog writes made so
 * far. A record sitting in a plain in-memory list would have its offset committed with no
 * output anywhere: a crash then loses it. Writing it to a logged store puts the buffered
 * record itself into that transaction: after a crash the store is restored from the
 * changelog (committed writes only) and the record is encoded by the restored task. The
 * flush forwards the embeddings and deletes the buffered entries in one transaction too, so
 * a record is either still buffered or already embedded, never both and never neither.
 *
 * <p><b>Only what a commit finds buffered is logged.</b> The store is cached (Kafka Streams'
 * record cache, {@code statestore.cache.max.bytes}): a put and its delete meet in the cache, and
 * the cache is flushed into the changelog before every commit, in that commit's transaction. A
 * record whose batch is encoded before the next commit never reaches the changelog; one still
 * waiting at a commit is logged by that flush, together with the offset it was read at, so the
 * rule above holds at every commit. Since the keys restart at 0 after every flush, a commit logs
 * at most one record per buffer slot: the one waiting there, or a tombstone. A record larger than
 * the cache goes straight through to the changelog, as before.
 *
 * <p><b>Swap points.</b> A second store ({@code <m>-swap-state}, logged and cached like the buffer)
 * keeps the version of the last embedded batch and the highest input offset seen. When a batch is
 * embedded with another version, or the task is idle and the serving version changed, the
 * processor writes a swap point ({@link SwapPointTracker}) to {@code d2v.backfill} in the same
 * transaction as the batch and the store update: after a crash either all three are there or none.
 * The backfill re-embeds every offset below a swap point with its version.
 *
 * <p>Keys are a per-task sequence number (non-negative longs sort in arrival order), so a
 * batch preserves input order and so does the output per key.
 */
public final class MicroBatchProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(MicroBatchProcessor.class);
    /** Keys in the swap-state store. */
    static final String VERSION = "version";
    static final String LAST_SEEN_OFFSET = "last-seen-offset";

    private final Modality modality;
    private final String storeName;
    private final BatchPolicy policy;
    private final RecordAdmission admission;
    private final BatchEncoder encoder;
    private final EmbeddingRecordFactory embeddings;
    private final String embeddingsChild;
    private final String deadLettersChild;
    private final PipelineMetrics metrics;
    private final int maxDeadLetterBytes;
    private final String swapStateStoreName;
    private final String swapPointsChild;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, BufferedRecord> buffer;
    private KeyValueStore<String, Long> swapState;
    private SwapPointTracker swaps;
    private Cancellable punctuation;
    private long nextSequence;
    private int buffered;
    private long oldestBufferedAtMs = Long.MAX_VALUE;

    public MicroBatchProcessor(Modality modality, String storeName, BatchPolicy policy, EventDecoder decoder,
                               BatchEncoder encoder, EmbeddingRecordFactory embeddings, String embeddingsChild,
                               String deadLettersChild, PipelineMetrics metrics, int maxBufferedRecordBytes,
                               int maxDeadLetterBytes, String swapStateStoreName, String swapPointsChild) {
        this.modality = Objects.requireNonNull(modality);
        this.metrics = Objects.requireNonNull(metrics);
        this.storeName = Objects.requireNonNull(storeName);
        this.policy = Objects.requireNonNull(policy);
        this.admission = new RecordAdmission(Objects.requireNonNull(decoder), maxBufferedRecordBytes);
        this.encoder = Objects.requireNonNull(encoder);
        this.embeddings = Objects.requireNonNull(embeddings);
        this.embeddingsChild = Objects.requireNonNull(embeddingsChild);
        this.deadLettersChild = Objects.requireNonNull(deadLettersChild);
        this.maxDeadLetterBytes = maxDeadLetterBytes;
        this.swapStateStoreName = Objects.requireNonNull(swapStateStoreName);
        this.swapPointsChild = Objects.requireNonNull(swapPointsChild);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        recoverBufferState();
        this.swapState = context.getStateStore(swapStateStoreName);
        this.swaps = restoredSwapState();
        Duration interval = policy.maxWait().dividedBy(2);
        if (interval.isZero()) {
            interval = Duration.ofMillis(1);
        }
        this.punctuation = context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::flushIfWaitedEnough);
        if (buffered > 0) {
            log.info("event=buffer_restored store={} task={} records={}", storeName, context.taskId(), buffered);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.received(modality);
        SourceRecord source = sourceOf(record);
        swaps.seen(source.offset());
        swapState.put(LAST_SEEN_OFFSET, swaps.lastSeenOffset().getAsLong());
        long now = context.currentSystemTimeMs();
        RecordAdmission.Admitted admitted = admission.admit(source, now);
        if (!admitted.accepted()) {
            // Kafka Streams' processing exception handler writes this record's dead letter, from the
            // source bytes it keeps for the record being processed (DeadLetterProcessingExceptionHandler).
            Decoded.Rejected rejected = admitted.refusal();
            metrics.deadLettered(modality, rejected.reason());
            throw new RejectedRecordException(rejected.reason(), rejected.errorClass(), rejected.message());
        }
        BufferedRecord pending = admitted.record();
        buffer.put(nextSequence++, pending);
        buffered++;
        oldestBufferedAtMs = Math.min(oldestBufferedAtMs, now);
        if (buffered >= policy.maxSize()) {
            flush();
        }
    }

    private void flushIfWaitedEnough(long nowMs) {
        if (buffered > 0 && nowMs - oldestBufferedAtMs >= policy.maxWait().toMillis()) {
            flush();
        } else if (buffered == 0) {
            OptionalInt serving = encoder.servingVersion();
            if (serving.isPresent()) {
                forwardSwapPoint(swaps.idle(serving.getAsInt()));
            }
        }
    }

    /** Encodes everything buffered, forwards the results and empties the buffer. */
    private void flush() {
        List<KeyValue<Long, BufferedRecord>> batch = new ArrayList<>(buffered);
        try (KeyValueIterator<Long, BufferedRecord> all = buffer.all()) {
            all.forEachRemaining(batch::add);
        }
        if (batch.isEmpty()) {
            resetCounters();
            return;
        }
        List<BufferedRecord> records = batch.stream().map(entry -> entry.value).toList();
        long fillMs = context.currentSystemTimeMs() - oldestBufferedAtMs;
        long encodeStarted = System.nanoTime();
        try {
            encodeAndForward(records);
        } catch (RuntimeException e) {
            // Thrown from process() when this record filled the batch: mark it a batch failure, so the
            // exception handler fails the task (the batch stays buffered) instead of dead-lettering it.
            throw new BatchFailedException(storeName, records.size(), e);
        }
        metrics.batchEncoded(modality, records.size(), fillMs, System.nanoTime() - encodeStarted);
        for (KeyValue<Long, BufferedRecord> entry : batch) {
            buffer.delete(entry.key);
        }
        resetCounters();
    }

    /**
     * Encodes the batch. When the encoder refuses one input ({@link InputRejectedException}:
     * the record's own bytes are bad), that record alone is dead-lettered and the rest is
     * encoded again: one extra encode per bad record, never a record-by-record retry. Any
     * other failure falls back to {@link #encodeOneByOne}.
     */
    private void encodeAndForward(List<BufferedRecord> records) {
        List<BufferedRecord> pending = records;
        while (!pending.isEmpty()) {
            Embeddings result;
            try {
                result = encoder.encode(payloads(pending));
            } catch (InputRejectedException refused) {
                int index = refused.inputIndex();
                if (index < 0 || index >= pending.size()) {
                    throw new IllegalStateException("encoder refused input " + index + " of a batch of "
                            + pending.size(), refused);
                }
                deadLetterRefused(pending.get(index), refused);
                pending = without(pending, index);
                continue;
            } catch (RuntimeException batchFailure) {
                if (pending.size() == 1) {
                    throw batchFailure;
                }
                log.warn("event=batch_rejected store={} records={} error=\"{}\" action=retry_one_by_one",
                        storeName, pending.size(), batchFailure.toString());
                encodeOneByOne(pending);
                return;
            }
            // Outside the try: a failure while forwarding (a registry outage in the sink's
            // serializer) must fail the task, not re-forward records already sent in this batch.
            forwardEmbeddings(pending, result);
            return;
        }
    }

    /**
     * After a batch failed for a reason other than one refused input: encode each record
     * alone, dead-letter the ones that fail (refused inputs with their own reason). If no
     * record encodes on its own the encoder itself is broken, not the data, so the failure is
     * rethrown (the task fails and the batch is retried) instead of dead-lettering good input.
     */
    private void encodeOneByOne(List<BufferedRecord> records) {
        List<BufferedRecord> failed = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();
        int refusedInputs = 0;
        for (BufferedRecord record : records) {
            try {
                forwardEmbeddings(List.of(record), encoder.encode(List.of(record.event().payload())));
            } catch (InputRejectedException refused) {
                deadLetterRefused(record, refused);
                refusedInputs++;
            } catch (RuntimeException e) {
                failed.add(record);
                errors.add(e);
            }
        }
        if (!failed.isEmpty() && failed.size() + refusedInputs == records.size()) {
            throw errors.get(0);
        }
        for (int i = 0; i < failed.size(); i++) {
            RuntimeException error = errors.get(i);
            deadLetter(failed.get(i).source(), DeadLetterReason.ENCODER_REJECTED,
                    error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
        }
    }

    private void deadLetterRefused(BufferedRecord record, InputRejectedException refused) {
        deadLetter(record.source(), PreprocessRefusals.reasonFor(modality, refused),
                refused.getClass().getSimpleName(), "event " + record.event().id() + ": "
                        + PreprocessRefusals.messageOf(refused));
    }

    private static List<BufferedRecord> without(List<BufferedRecord> records, int index) {
        List<BufferedRecord> rest = new ArrayList<>(records);
        rest.remove(index);
        return rest;
    }

    private void forwardEmbeddings(List<BufferedRecord> records, Embeddings result) {
        float[][] vectors = result.vectors();
        if (vectors.length != records.size()) {
            throw new IllegalStateException("encoder returned " + vectors.length + " vectors for "
                    + records.size() + " inputs");
        }
        long now = context.currentSystemTimeMs();
        // Records are in offset order: the group's first record is its lowest offset.
        forwardSwapPoint(swaps.embedded(result.model().version(), records.get(0).source().offset()));
        for (int i = 0; i < vectors.length; i++) {
            BufferedRecord record = records.get(i);
            context.forward(new Record<>(record.event().id(),
                    embeddings.create(record, result.model(), vectors[i], now),
                    record.source().timestamp()), embeddingsChild);
            Long eventTime = record.event().eventTimestampMs();
            metrics.embedded(modality, now - (eventTime != null ? eventTime : record.source().timestamp()));
        }
    }

    private void forwardSwapPoint(Optional<SwapPoint> swap) {
        if (swap.isEmpty()) {
            return;
        }
        SwapPoint point = swap.get();
        swapState.put(VERSION, (long) point.version());
        long now = context.currentSystemTimeMs();
        BackfillEvent event = BackfillEvents.swapPoint(modality, point.partition(), point.version(), point.firstOffset(), now);
        log.info("event=swap_point modality={} partition={} version={} first_offset={}",
                modality, point.partition(), point.version(), point.firstOffset());
        context.forward(new Record<>(BackfillKeys.keyOf(event), event, now), swapPointsChild);
    }

    private SwapPointTracker restoredSwapState() {
        Long version = swapState.get(VERSION);
        Long lastSeen = swapState.get(LAST_SEEN_OFFSET);
        return new SwapPointTracker(context.taskId().partition(),
                version == null ? OptionalInt.empty() : OptionalInt.of(version.intValue()),
                lastSeen == null ? OptionalLong.empty() : OptionalLong.of(lastSeen));
    }

    private void deadLetter(SourceRecord source, DeadLetterReason reason, String errorClass, String message) {
        metrics.deadLettered(modality, reason);
        log.info("event=dead_letter reason={} topic={} partition={} offset={} message=\"{}\"",
                reason, source.topic(), source.partition(), source.offset(), DeadLetters.bounded(message));
        context.forward(DeadLetters.of(source, reason, errorClass, message, context.currentSystemTimeMs(),
                maxDeadLetterBytes), deadLettersChild);
    }

    private SourceRecord sourceOf(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("input record without source metadata"));
        List<Header> headers = Arrays.asList(record.headers().toArray());
        return new SourceRecord(record.key(), record.value(), List.copyOf(headers),
                metadata.topic(), metadata.partition(), metadata.offset(), record.timestamp());
    }

    private static List<byte[]> payloads(List<BufferedRecord> records) {
        return records.stream().map(record -> record.event().payload()).toList();
    }

    /** After a restart the store may hold records restored from the changelog: count them and continue the sequence after them. */
    private void recoverBufferState() {
        buffered = 0;
        nextSequence = 0;
        oldestBufferedAtMs = Long.MAX_VALUE;
        try (KeyValueIterator<Long, BufferedRecord> all = buffer.all()) {
            while (all.hasNext()) {
                KeyValue<Long, BufferedRecord> entry = all.next();
                buffered++;
                nextSequence = Math.max(nextSequence, entry.key + 1);
                oldestBufferedAtMs = Math.min(oldestBufferedAtMs, entry.value.bufferedAtMs());
            }
        }
    }

    private void resetCounters() {
        buffered = 0;
        nextSequence = 0;
        oldestBufferedAtMs = Long.MAX_VALUE;
    }

    @Override
    public void close() {
        if (punctuation != null) {
            punctuation.cancel();
        }
    }
}
