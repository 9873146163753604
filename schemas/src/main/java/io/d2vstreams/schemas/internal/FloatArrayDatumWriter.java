package io.d2vstreams.schemas.internal;

import io.d2vstreams.schemas.FloatSequence;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/** Avro's specific writer, writing {@code array<float>} values that are a {@link FloatSequence} without boxing. */
final class FloatArrayDatumWriter extends SpecificDatumWriter<Object> {
    FloatArrayDatumWriter(Schema schema, SpecificData model) {
        super(schema, model);
    }

    @Override
    protected void writeArray(Schema schema, Object datum, Encoder out) throws IOException {
        if (datum instanceof FloatSequence floats && schema.getElementType().getType() == Schema.Type.FLOAT) {
            int size = floats.size();
            out.writeArrayStart();
            out.setItemCount(size);
            for (int i = 0; i < size; i++) {
                out.startItem();
                out.writeFloat(floats.floatAt(i));
            }
            out.writeArrayEnd();
            return;
        }
        super.writeArray(schema, datum, out);
    }
}
