package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;

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
 * @param textInputBytes  {@code max.message.bytes} of the text input topic
 * @param imageInputBytes {@code max.message.bytes} of the image input topic
 * @param audioInputBytes {@code max.message.bytes} of the audio input topic
 * @param fetchedBytes    the most content bytes one URI yields ({@code uri.max.bytes})
 */
public record RecordLimits(int textInputBytes, int imageInputBytes, int audioInputBytes, int fetchedBytes) {
    /** Kafka's default {@code message.max.bytes} (1 MiB + 12 bytes for the record batch overhead). */
    public static final int BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /**
     * What a record carries beyond its content: Avro framing, the id and other fields, the
     * producer's headers, and the reason headers of a dead letter (whose message is bounded).
     */
    public static final int ENVELOPE_BYTES = 64 * 1024;

    public static RecordLimits of(PipelineConfig config) {
        return new RecordLimits(BROKER_DEFAULT_MAX_MESSAGE_BYTES, withEnvelope(config.inputLimit(Modality.IMAGE)),
                withEnvelope(config.inputLimit(Modality.AUDIO)), config.uriPolicy().maxBytes());
    }

    /** {@code max.message.bytes} of the modality's input topic. */
    public int inputBytes(Modality modality) {
        return switch (modality) {
            case TEXT -> textInputBytes;
            case IMAGE -> imageInputBytes;
            case AUDIO -> audioInputBytes;
        };
    }

    /** The largest buffered record of the modality: its original value and its content, with room for the rest. */
    public int bufferedBytes(Modality modality) {
        long content = modality == Modality.TEXT ? textInputBytes : Math.max(inputBytes(modality), fetchedBytes);
        return saturated((long) inputBytes(modality) + content + ENVELOPE_BYTES);
    }

    /** {@code max.message.bytes} of {@code d2v.dlq} and {@code d2v.training.samples}: any input record and its headers. */
    public int derivedBytes() {
        long largestInput = Math.max(textInputBytes, Math.max(imageInputBytes, audioInputBytes));
        return saturated(largestInput + ENVELOPE_BYTES);
    }

    /** The producer's {@code max.request.size}: the largest record the pipeline writes anywhere. */
    public int largestWrittenBytes() {
        int buffered = Math.max(bufferedBytes(Modality.TEXT), Math.max(bufferedBytes(Modality.IMAGE),
                bufferedBytes(Modality.AUDIO)));
        return Math.max(buffered, derivedBytes());
    }

    private static int withEnvelope(int contentBytes) {
        return saturated((long) contentBytes + ENVELOPE_BYTES);
    }

    private static int saturated(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
