package io.d2vstreams.devstack.internal.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a new schema may follow earlier ones at a {@link CompatibilityLevel}, with Avro's own
 * reader/writer resolution rules ({@link SchemaCompatibility}), which is also what Confluent applies.
 */
final class CompatibilityChecker {

    /**
     * @param previous earlier live versions, oldest first
     * @return one line per incompatibility found; empty when compatible
     */
    List<String> check(CompatibilityLevel level, Schema candidate, List<Schema> previous) {
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return List.of();
        }
        List<Schema> against = level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
        List<String> problems = new ArrayList<>();
        for (Schema existing : against) {
            if (level.backward()) {
                problems.addAll(describe("BACKWARD (new schema reading old data)", candidate, existing));
            }
            if (level.forward()) {
                problems.addAll(describe("FORWARD (old schema reading new data)", existing, candidate));
            }
        }
        return problems;
    }

    private static List<String> describe(String direction, Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            lines.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                + ": " + incompatibility.getMessage());
        }
        return lines;
    }
}
