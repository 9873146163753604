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
import org.apache.kafka.common.errors.SerializationException;

/** Writes a datum in the Confluent wire format, registering (or looking up) its schema under the topic's subject. */
public final class WireEncoder {

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
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
        try {
            @SuppressWarnings("unchecked")
            DatumWriter<Object> writer = (DatumWriter<Object>) model.createDatumWriter(schema);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(datum, encoder);
            encoder.flush();
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
}
