package io.d2vstreams.devstack.internal.registry;

import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("CompatibilityChecker")
class CompatibilityCheckerTest {

    private static final Map<String, String> SCHEMAS = Map.of(
        "A", record("{\"name\": \"a\", \"type\": \"int\"}"),
        "A_B_DEFAULT", record("{\"name\": \"a\", \"type\": \"int\"}, {\"name\": \"b\", \"type\": \"string\", \"default\": \"x\"}"),
        "A_B", record("{\"name\": \"a\", \"type\": \"int\"}, {\"name\": \"b\", \"type\": \"string\"}"),
        "A_LONG", record("{\"name\": \"a\", \"type\": \"long\"}"));

    private final CompatibilityChecker checker = new CompatibilityChecker();

    @ParameterizedTest(name = "{1} after [{2}] at {0}: compatible={3}")
    @DisplayName("follows Avro's resolution rules in the direction and depth each level names")
    @CsvSource({
        // adding a field without default: new readers cannot read old data, old readers ignore it
        "BACKWARD,            A_B,    A,             false",
        "FORWARD,             A_B,    A,             true",
        "FULL,                A_B,    A,             false",
        "NONE,                A_B,    A,             true",
        // removing a field without default: new readers ignore it, old readers miss it
        "BACKWARD,            A,      A_B,           true",
        "FORWARD,             A,      A_B,           false",
        // widening int to long: a long reader reads ints, an int reader cannot read longs
        "BACKWARD,            A_LONG, A,             true",
        "FORWARD,             A_LONG, A,             false",
        // only transitive levels look past the latest version
        "BACKWARD,            A_B,    A A_B_DEFAULT, true",
        "BACKWARD_TRANSITIVE, A_B,    A A_B_DEFAULT, false",
        "FORWARD_TRANSITIVE,  A,      A_B A_B_DEFAULT, false",
        "FULL_TRANSITIVE,     A_B_DEFAULT, A A_B_DEFAULT, true",
    })
    void checks(CompatibilityLevel level, String candidate, String previous, boolean compatible) {
        List<Schema> earlier = Arrays.stream(previous.split(" ")).map(CompatibilityCheckerTest::schema).toList();

        List<String> problems = checker.check(level, schema(candidate), earlier);

        assertThat(problems.isEmpty()).as("%s after %s at %s compatible (problems %s)", candidate, previous, level, problems)
            .isEqualTo(compatible);
    }

    private static Schema schema(String name) {
        return new Schema.Parser().parse(SCHEMAS.get(name));
    }

    private static String record(String fields) {
        return "{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + fields + "]}";
    }
}
