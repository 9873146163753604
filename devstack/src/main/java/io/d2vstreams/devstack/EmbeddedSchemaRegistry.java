package io.d2vstreams.devstack;

import com.sun.net.httpserver.HttpServer;
import io.d2vstreams.devstack.internal.registry.KafkaSchemaLog;
import io.d2vstreams.devstack.internal.registry.RegistryHttpHandler;
import io.d2vstreams.devstack.internal.registry.SchemaRegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Schema Registry that speaks Confluent's REST API for Avro schemas, served by the JDK's HTTP server and
 * stored in a compacted Kafka topic ({@link RegistryOptions#topic()}), so ids, versions and compatibility
 * settings survive restarts. Confluent's serdes and clients work against {@link #url()} unchanged.
 *
 * <p>Limits, fit for development: Avro only, no schema references, no modes/contexts/auth, and a single
 * registry instance per topic (it reads the topic once at start and then assumes it is the only writer).
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
 *         RegistryOptions.builder(broker.bootstrapServers()).port(0).build())) {
 *     String url = registry.url();
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final int HTTP_THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaSchemaLog log;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, KafkaSchemaLog log, String url) {
        this.server = server;
        this.executor = executor;
        this.log = log;
        this.url = url;
    }

    /**
     * Creates the topic if needed, reads it to the end to rebuild the registry, then starts serving.
     *
     * @throws IllegalStateException if Kafka cannot be reached or the topic holds foreign records
     * @throws UncheckedIOException  if the HTTP port cannot be bound
     */
    public static EmbeddedSchemaRegistry start(RegistryOptions options) {
        long startNanos = System.nanoTime();
        KafkaSchemaLog log = KafkaSchemaLog.open(options.bootstrapServers(), options.topic(), (short) 1, options.kafkaTimeout());
        ExecutorService executor = null;
        try {
            SchemaRegistryService service = new SchemaRegistryService(log);
            HttpServer server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
            executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
            server.setExecutor(executor);
            server.createContext("/", new RegistryHttpHandler(service));
            server.start();
            String url = "http://" + options.host() + ":" + server.getAddress().getPort();
            LOG.info("Schema registry started url={} topic={} subjects={} startupMs={}", url, options.topic(),
                service.subjects(false).size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return new EmbeddedSchemaRegistry(server, executor, log, url);
        } catch (IOException e) {
            closeAfterFailedStart(log, executor);
            throw new UncheckedIOException("Cannot serve the schema registry on " + options.host() + ":" + options.port(), e);
        } catch (RuntimeException e) {
            closeAfterFailedStart(log, executor);
            throw e;
        }
    }

    /** {@code http://host:port}, with the port actually bound. */
    public String url() {
        return url;
    }

    /** Stops serving, waits for handlers already running to finish, then closes the Kafka producer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // stop(0): on JDK 17 any positive delay is always waited in full, even with no request in flight.
            server.stop(0);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Schema registry HTTP threads still busy after 10 s url={}", url);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.close();
            LOG.info("Schema registry stopped url={}", url);
        }
    }

    private static void closeAfterFailedStart(KafkaSchemaLog log, ExecutorService executor) {
        if (executor != null) {
            executor.shutdownNow();
        }
        log.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
