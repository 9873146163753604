package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * How large each kind of record of the pipeline may be, in bytes, derived from the content limits
 * so that every stage has room for what the stage before it accepted:
 * <ul>
 *   <li>an input topic accepts a record a little larger than its content limit ({@code image.max.bytes},
 *       {@code audio.max.bytes}; text keeps the broker's default), so an event whose content is too
 *       large reaches the pipeline and gets a {@code CONTENT_TOO_LARGE} dead letter instead of the
 *       producer meeting an opaque broker refusal. Content beyond that margin is refused by the broker;</li>
 *   <li>a buffered record holds the original value and the content to encode (fetched, for a URI);</li>
 *   <li>a dead letter or a training sample holds one input record plus a few headers.</li>
 * </ul>
 * A record that does not fit where it must go would fail the task when it is written, and fail it
 * again after every restart; the processor checks each record against these limits first.
 *
 * @param inputBytes   {@code max.message.bytes} of each modality's input topic
 * @param fetchedBytes the most content bytes one URI yields ({@code uri.max.bytes})
 */
public record RecordLimits(Map<Modality, Integer> inputBytes, int fetchedBytes) {
    /** Kafka's default {@code message.max.bytes} (1 MiB + 12 bytes for the record batch overhead). */
    public static final int BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /**
     * What a record carries beyond its content: Avro framing, the id and other fields, the
     * producer's headers, and the reason headers of a dead letter (whose message is bounded).
     */
    public static final int ENVELOPE_BYTES = 64 * 1024;

    public RecordLimits {
        inputBytes = Map.copyOf(inputBytes);
        for (Modality modality : Modality.values()) {
            if (!inputBytes.containsKey(modality)) {
                throw new IllegalArgumentException("no input topic limit for " + modality);
            }
        }
    }

    /**
     * Media topics take their content limit plus the envelope; text's, whose limit counts code
     * points, keeps the broker's default.
     */
    public static RecordLimits of(PipelineConfig config) {
        Map<Modality, Integer> inputBytes = new EnumMap<>(Modality.class);
        for (Modality modality : Modality.values()) {
            inputBytes.put(modality, ServingSpec.of(modality).carriesMedia()
                    ? withEnvelope(config.inputLimit(modality)) : BROKER_DEFAULT_MAX_MESSAGE_BYTES);
        }
        return new RecordLimits(inputBytes, config.uriPolicy().maxBytes());
    }

    /** {@code max.message.bytes} of the modality's input topic. */
    public int inputBytes(Modality modality) {
        return inputBytes.get(modality);
    }

    /**
     * The largest buffered record of the modality: its original value and its content (fetched,
     * for a media URI), with room for the rest.
     */
    public int bufferedBytes(Modality modality) {
        long content = ServingSpec.of(modality).carriesMedia() ? Math.max(inputBytes(modality), fetchedBytes)
                : inputBytes(modality);
        return saturated((long) inputBytes(modality) + content + ENVELOPE_BYTES);
    }

    /** {@code max.message.bytes} of {@code d2v.dlq} and {@code d2v.training.samples}: any input record and its headers. */
    public int derivedBytes() {
        long largestInput = inputBytes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        return saturated(largestInput + ENVELOPE_BYTES);
    }

    /** The producer's {@code max.request.size}: the largest record the pipeline writes anywhere. */
    public int largestWrittenBytes() {
        int buffered = Arrays.stream(Modality.values()).mapToInt(this::bufferedBytes).max().orElseThrow();
        return Math.max(buffered, derivedBytes());
    }

    private static int withEnvelope(int contentBytes) {
        return saturated((long) contentBytes + ENVELOPE_BYTES);
    }

    private static int saturated(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
