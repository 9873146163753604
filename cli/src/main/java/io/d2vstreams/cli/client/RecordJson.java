package io.d2vstreams.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * One Kafka record as a JSON object for people and scripts: where it sits, its key, headers
 * and the Avro value decoded with its writer schema from the registry. A value that does not
 * decode (a dead letter keeps the producer's original bytes) is shown as base64 beside the
 * reason. Bytes fields (image and audio content) are summarised, not dumped: their size and
 * the first bytes in base64.
 */
public final class RecordJson {
    /** Bytes of a bytes field shown in full before the rest is summarised. */
    static final int BYTES_SHOWN = 32;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Deserializer<GenericRecord> values;

    public RecordJson(Deserializer<GenericRecord> values) {
        this.values = values;
    }

    public ObjectNode toJson(ConsumerRecord<String, byte[]> record) {
        ObjectNode out = JSON.objectNode();
        out.put("topic", record.topic());
        out.put("partition", record.partition());
        out.put("offset", record.offset());
        out.put("timestamp", record.timestamp());
        out.put("key", record.key());
        if (record.headers().iterator().hasNext()) {
            ObjectNode headers = out.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (record.value() == null) {
            out.putNull("value");
            return out;
        }
        try {
            out.set("value", avro(values.deserialize(record.topic(), record.value())));
        } catch (RuntimeException undecodable) {
            out.put("value_error", undecodable.getMessage());
            out.set("value_bytes", bytes(ByteBuffer.wrap(record.value())));
        }
        return out;
    }

    static JsonNode avro(Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        if (value instanceof GenericRecord record) {
            ObjectNode node = JSON.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), avro(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?>) {
            return JSON.textNode(value.toString());
        }
        if (value instanceof ByteBuffer buffer) {
            return bytes(buffer);
        }
        if (value instanceof GenericFixed fixed) {
            return bytes(ByteBuffer.wrap(fixed.bytes()));
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = JSON.arrayNode(items.size());
            items.forEach(item -> array.add(avro(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = JSON.objectNode();
            map.forEach((k, v) -> node.set(k.toString(), avro(v)));
            return node;
        }
        if (value instanceof Float f) {
            return JSON.numberNode(f);
        }
        if (value instanceof Double d) {
            return JSON.numberNode(d);
        }
        if (value instanceof Integer i) {
            return JSON.numberNode(i);
        }
        if (value instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        return JSON.textNode(value.toString());
    }

    private static ObjectNode bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] head = new byte[Math.min(BYTES_SHOWN, view.remaining())];
        view.get(head);
        ObjectNode node = JSON.objectNode();
        node.put("size", buffer.remaining());
        node.put("base64", Base64.getEncoder().encodeToString(head));
        node.put("truncated", buffer.remaining() > BYTES_SHOWN);
        return node;
    }
}
