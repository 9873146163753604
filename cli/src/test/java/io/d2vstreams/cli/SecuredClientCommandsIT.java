package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.devstack.BrokerOptions;
import io.d2vstreams.devstack.EmbeddedKafkaBroker;
import io.d2vstreams.devstack.EmbeddedSchemaRegistry;
import io.d2vstreams.devstack.RegistryOptions;
import io.d2vstreams.devstack.SaslSslListener;
import io.d2vstreams.devstack.SelfSignedCertificate;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import java.io.PrintWriter;
import java.io.Writer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client commands on a cluster that needs credentials: {@code d2v produce} and {@code d2v tail}
 * read the operator's pipeline properties file ({@code --config}) the way the pipeline does, so the
 * SASL_SSL and trust-store settings in it reach their Kafka clients.
 */
@DisplayName("d2v produce and d2v tail on a SASL_SSL cluster, configured by the pipeline's properties file")
class SecuredClientCommandsIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final Map<String, String> USERS = Map.of("tester", "tester-secret-3");

    @TempDir
    Path dir;

    @Test
    @DisplayName("with --config FILE a produced text can be tailed back; the same commands without it cannot reach the SASL port")
    void produceAndTailWithTheConfigFile() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(dir.resolve("certs"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir.resolve("kafka")).port(0)
                     .saslSsl(SaslSslListener.builder(certificate.keyStore(), certificate.password()).users(USERS).build())
                     .build());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                     RegistryOptions.builder(broker.internalBootstrapServers()).port(0).build())) {
            Properties secured = new Properties();
            secured.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            secured.put("schema.registry.url", registry.url());
            secured.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            secured.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
            secured.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"tester\" password=\"" + USERS.get("tester") + "\";");
            secured.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificate.trustStore().toString());
            secured.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificate.password());
            secured.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, SelfSignedCertificate.STORE_TYPE);
            secured.put("text.batch.max.size", "8"); // a pipeline key: read by the pipeline, ignored by the clients
            Path file = dir.resolve("pipeline.properties");
            try (Writer out = Files.newBufferedWriter(file)) {
                secured.store(out, "what an operator writes for the pipeline");
            }
            String events = TOPICS.events(Modality.TEXT);
            try (Admin admin = Admin.create(toObjects(secured))) {
                admin.createTopics(List.of(new NewTopic(events, 1, (short) 1))).all().get();
            }

            Run produced = run("produce", "--config", file.toString(), "--modality", "text", "a first secured text",
                    "a second one");
            assertThat(produced.exit()).as("d2v produce --config; stderr: %s", produced.err()).isZero();
            Run tailed = run("tail", events, "--config", file.toString(), "--max", "2", "--idle-timeout-ms", "30000");
            assertThat(tailed.exit()).as("d2v tail --config; stderr: %s", tailed.err()).isZero();
            assertThat(tailed.out()).as("the events read back over SASL_SSL")
                    .contains("a first secured text").contains("a second one");

            Run plaintext = run("tail", events, "--bootstrap-servers", broker.bootstrapServers(), "--registry",
                    registry.url(), "--max", "1", "--idle-timeout-ms", "3000");
            assertThat(plaintext.out()).as("what a tail without the file's settings read on the SASL_SSL port")
                    .doesNotContain("a first secured text");
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Map<String, Object> toObjects(Properties properties) {
        Map<String, Object> map = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        map.remove("schema.registry.url");
        map.remove("text.batch.max.size");
        return map;
    }
}
