package io.d2vstreams.schemas.internal;

import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SubjectNames;
import io.d2vstreams.schemas.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes a datum in the Confluent wire format, registering (or looking up) its schema under the topic's subject.
 *
 * <p>Thread-safe (Kafka Streams shares one serializer among its stream threads). Each thread keeps
 * the datum writer of the last schema it wrote and one reusable Avro encoder: making either per
 * record (a writer, and a buffered encoder's 2 KiB buffer) was among the largest allocations of
 * the stream threads in a profile of {@code d2v bench pipeline --stand-in}.
 */
public final class WireEncoder {

    /** A thread's writer of one schema under one data model, and its encoder to reuse. */
    private static final class ThreadState {
        Schema schema;
        GenericData model;
        DatumWriter<Object> writer;
        BinaryEncoder encoder;
    }

    private final ThreadLocal<ThreadState> perThread = ThreadLocal.withInitial(ThreadState::new);

    private final SchemaRegistryClient client;
    private final boolean isKey;
    private final boolean autoRegister;

    public WireEncoder(SchemaRegistryClient client, boolean isKey, boolean autoRegister) {
        this.client = Objects.requireNonNull(client, "client");
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    /**
     * @param model {@link GenericData} for generic records, the record class's
     *     {@link org.apache.avro.specific.SpecificData} for generated ones
     */
    public byte[] encode(String topic, Object datum, Schema schema, GenericData model) {
        // Encode first, so a record that cannot be written costs no registry call; the header is
        // written into the reserved first bytes once the id is known.
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
        try {
            ThreadState state = perThread.get();
            if (state.schema != schema || state.model != model) {
                state.writer = writerFor(schema, model);
                state.schema = schema;
                state.model = model;
            }
            // Direct: straight into the byte array stream, which is a buffer already.
            state.encoder = EncoderFactory.get().directBinaryEncoder(out, state.encoder);
            state.writer.write(datum, state.encoder);
            state.encoder.flush();
        } catch (IOException | RuntimeException e) {
            // A null in a required field, a value of the wrong type: the record is wrong, say which.
            throw new SerializationException("cannot encode a " + schema.getFullName() + " for topic " + topic
                    + ": " + e, e);
        }
        String subject = SubjectNames.forTopic(topic, isKey);
        int id = autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, GenericData model) {
        return model instanceof SpecificData specific
                ? new FloatArrayDatumWriter(schema, specific) : (DatumWriter<Object>) model.createDatumWriter(schema);
    }
}
