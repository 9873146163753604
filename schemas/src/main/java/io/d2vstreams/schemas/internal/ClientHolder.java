package io.d2vstreams.schemas.internal;

import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;

/**
 * The registry client of a serde: either given (the caller owns and closes it) or built from the
 * Kafka configuration in {@code configure} (then the serde owns it and closes it).
 */
public final class ClientHolder implements AutoCloseable {

    private final SchemaRegistryClient given;
    private SchemaRegistryClient owned;

    private ClientHolder(SchemaRegistryClient given) {
        this.given = given;
    }

    public static ClientHolder given(SchemaRegistryClient client) {
        return new ClientHolder(Objects.requireNonNull(client, "client"));
    }

    public static ClientHolder fromConfiguration() {
        return new ClientHolder(null);
    }

    /** The given client, or one built from {@code configs} (replacing one built by an earlier call). */
    public synchronized SchemaRegistryClient resolve(Map<String, ?> configs) {
        if (given != null) {
            return given;
        }
        if (owned != null) {
            owned.close();
        }
        owned = RestSchemaRegistryClient.fromProperties(configs);
        return owned;
    }

    @Override
    public synchronized void close() {
        if (owned != null) {
            owned.close();
            owned = null;
        }
    }
}
