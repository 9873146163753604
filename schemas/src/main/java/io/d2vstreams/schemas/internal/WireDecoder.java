package io.d2vstreams.schemas.internal;

import io.d2vstreams.schemas.DecodeFailure;
import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.schemas.SchemaNotFoundException;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.UnsupportedSchemaException;
import io.d2vstreams.schemas.WireFormat;
import java.io.IOException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads a value in the Confluent wire format: header, writer schema from the registry, Avro
 * payload resolved to the reader schema. Every way the bytes can be wrong ends in a
 * {@link RecordDecodeException} with its {@link DecodeFailure}; registry outages propagate as they
 * are ({@link io.d2vstreams.schemas.RegistryUnavailableException}), so they are never mistaken for
 * bad records.
 *
 * <p>Thread-safe: Kafka Streams shares one deserializer among its stream threads. Per writer schema
 * id it keeps a {@link Plan} (the resolution verdict, the validator, and a datum reader per
 * thread, because Avro does not promise its readers are thread-safe). A reader is made once per
 * thread and schema: making one resolves the writer schema against the reader schema again
 * (Avro 1.12's fast reader caches nothing before that step), which a profile of the stand-in
 * pipeline bench showed allocating for every record.
 */
public final class WireDecoder {

    private static final int PLAN_CACHE_CAPACITY = 1000;

    /** What to do with payloads written with one schema id. Exactly one of reader/mismatch is set. */
    private record Plan(Schema writer, Schema reader, AvroBinaryValidator validator, String mismatch,
                        ThreadLocal<DatumReader<Object>> readers) {
        Plan(Schema writer, Schema reader, AvroBinaryValidator validator, String mismatch, GenericData model) {
            this(writer, reader, validator, mismatch, reader == null ? null : ThreadLocal.withInitial(() -> {
                @SuppressWarnings("unchecked")
                DatumReader<Object> made = (DatumReader<Object>) model.createDatumReader(writer, reader);
                return made;
            }));
        }
    }

    private final SchemaRegistryClient client;
    private final Schema readerSchema;
    private final GenericData model;
    private final BoundedCache<Integer, Plan> plans = new BoundedCache<>(PLAN_CACHE_CAPACITY);

    /**
     * @param readerSchema the schema to resolve to, or null to read with the writer schema (which
     *     must then be a record)
     * @param model {@link GenericData} or the reader class's {@link org.apache.avro.specific.SpecificData}
     */
    public WireDecoder(SchemaRegistryClient client, Schema readerSchema, GenericData model) {
        this.client = Objects.requireNonNull(client, "client");
        this.readerSchema = readerSchema;
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The datum, or null for null bytes (a tombstone). */
    public Object decode(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int id = WireFormat.readSchemaId(topic, bytes);
        Plan plan = plan(topic, id);
        if (plan.mismatch() != null) {
            throw new RecordDecodeException(DecodeFailure.SCHEMA_MISMATCH, topic, id, plan.mismatch(), null);
        }
        try {
            plan.validator().validate(bytes, WireFormat.HEADER_SIZE);
        } catch (MalformedAvroException e) {
            throw new RecordDecodeException(DecodeFailure.SCHEMA_MISMATCH, topic, id,
                    "Avro payload does not decode with writer schema " + plan.writer().getFullName() + ": " + e.getMessage(), e);
        }
        try {
            DatumReader<Object> reader = plan.readers().get();
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                    bytes.length - WireFormat.HEADER_SIZE, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // The validator passed the bytes, so this is resolution failing on a value (e.g. a union
            // branch the reader lacks); still the record's fault, never the pipeline's.
            throw new RecordDecodeException(DecodeFailure.SCHEMA_MISMATCH, topic, id,
                    "cannot read writer schema " + plan.writer().getFullName() + " as "
                            + plan.reader().getFullName() + ": " + e, e);
        }
    }

    private Plan plan(String topic, int id) {
        Plan cached = plans.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaNotFoundException e) {
            // Not cached: the schema may be registered a moment later (another registry replica).
            throw new RecordDecodeException(DecodeFailure.UNKNOWN_SCHEMA_ID, topic, id, "schema id " + id
                    + " is not in the registry (" + e.registryMessage() + "); expected an id the producer "
                    + "registered in this registry", e);
        } catch (UnsupportedSchemaException e) {
            throw new RecordDecodeException(DecodeFailure.SCHEMA_MISMATCH, topic, id,
                    "schema id " + id + " is not usable: " + e.registryMessage(), e);
        }
        Plan plan = planFor(writer);
        plans.put(id, plan);
        return plan;
    }

    private Plan planFor(Schema writer) {
        if (readerSchema == null) {
            if (writer.getType() != Schema.Type.RECORD) {
                return new Plan(writer, null, null, "writer schema is a " + writer.getType()
                        + ", expected a record", model);
            }
            return new Plan(writer, writer, AvroBinaryValidator.forSchema(writer), null, model);
        }
        SchemaPairCompatibility verdict = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (verdict.getType() != SchemaCompatibilityType.COMPATIBLE) {
            String reasons = verdict.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; "));
            return new Plan(writer, null, null, "writer schema " + writer.getFullName()
                    + " cannot be read as " + readerSchema.getFullName() + ": " + reasons, model);
        }
        return new Plan(writer, readerSchema, AvroBinaryValidator.forSchema(writer), null, model);
    }
}
