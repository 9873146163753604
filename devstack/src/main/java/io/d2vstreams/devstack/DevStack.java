package io.d2vstreams.devstack;

/**
 * The embedded default in one object: a Kafka broker and a schema registry on one data directory.
 * Starts the broker, then the registry on it; closes them in reverse order.
 *
 * <pre>{@code
 * try (DevStack stack = DevStack.start(DevStackOptions.builder(dir).build())) {
 *     stack.bootstrapServers();   // localhost:9092
 *     stack.registryUrl();        // http://localhost:8081 (https:// with DevStackOptions.registryTls)
 * }
 * }</pre>
 */
public final class DevStack implements AutoCloseable {

    /** The broker's directory inside {@link DevStackOptions#dataDir()}. */
    public static final String KAFKA_DIR = "kafka";

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private DevStack(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts both servers; if the registry fails to start, the broker is stopped again. */
    public static DevStack start(DevStackOptions options) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(options.dataDir().resolve(KAFKA_DIR))
            .host(options.host()).port(options.kafkaPort()).build());
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .host(options.host()).port(options.registryPort())
                .auth(options.registryAuth()).tls(options.registryTls()).build());
            return new DevStack(broker, registry);
        } catch (RuntimeException e) {
            try {
                broker.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    /** Closes the registry, then the broker; the broker is closed even if the registry fails to. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }
}
