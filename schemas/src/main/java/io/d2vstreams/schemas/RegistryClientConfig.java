package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.SslContextLoader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the Schema Registry: built once, validated, immutable.
 *
 * <p>Build it in code with {@link #forUrls(String...)} and the {@code with*} methods, or from
 * Confluent-style client properties with {@link #fromProperties(Map)} (the keys of
 * https://docs.confluent.io/platform/current/schema-registry/sr-client-configs.html), so the same
 * properties file configures our serdes and Confluent's.
 *
 * @param urls registry base URLs; a request goes to the next one when a URL cannot be reached
 * @param connectTimeout TCP/TLS connect timeout per URL
 * @param requestTimeout time from request sent to response headers received
 * @param maxRetries retries after the first attempt for 5xx, 429, timeouts and unreachable URLs
 * @param retryBackoff delay before the first retry; doubles each retry, with jitter
 * @param maxRetryBackoff cap of the delay between retries
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null for none
 * @param sslContext TLS context for https URLs, or null for the JDK default
 * @param cacheCapacity entries kept in each of the client's caches (id→schema, subject+schema→id)
 */
public record RegistryClientConfig(
        List<URI> urls,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        String basicAuthUserInfo,
        SSLContext sslContext,
        int cacheCapacity) {

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_URL_DOC =
            "Comma-separated list of Schema Registry base URLs (http:// or https://). A URL may carry "
                    + "user:password@ when " + "basic.auth.credentials.source is URL.";

    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC =
            "Where basic-auth credentials come from: USER_INFO (basic.auth.user.info) or URL (the user "
                    + "info of schema.registry.url). Unset: USER_INFO if basic.auth.user.info is set, else URL.";

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    public static final String BASIC_AUTH_USER_INFO_DOC = "Basic-auth credentials as user:password.";

    /** Confluent accepts this prefixed spelling as well; so do we. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    /**
     * The prefixed spelling of {@link #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}: what Confluent's librdkafka
     * clients (Python, Go, .NET) name it, so their properties files work here unchanged.
     */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG =
            "schema.registry.basic.auth.credentials.source";

    public static final String TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_LOCATION_DOC = "Trust store file for https registry URLs; JDK default trust when unset.";
    public static final String TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of the trust store file.";
    public static final String TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    public static final String TRUSTSTORE_TYPE_DOC = "Trust store file format: JKS or PKCS12.";
    public static final String KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_LOCATION_DOC = "Key store file with the client certificate, for mutual TLS.";
    public static final String KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_PASSWORD_DOC = "Password of the key store file.";
    public static final String KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    public static final String KEYSTORE_TYPE_DOC = "Key store file format: JKS or PKCS12.";
    public static final String KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
    public static final String KEY_PASSWORD_DOC = "Password of the private key in the key store; the key store password when unset.";

    public static final String CONNECT_TIMEOUT_MS_CONFIG = "http.connect.timeout.ms";
    public static final String CONNECT_TIMEOUT_MS_DOC = "Connect timeout per registry URL, in milliseconds.";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "http.read.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS_DOC = "Time to wait for a registry response, in milliseconds.";
    public static final String MAX_RETRIES_CONFIG = "max.retries";
    public static final String MAX_RETRIES_DOC = "Retries after the first attempt when the registry is unreachable, times out or answers 5xx/429.";
    public static final String RETRIES_WAIT_MS_CONFIG = "retries.wait.ms";
    public static final String RETRIES_WAIT_MS_DOC = "Delay before the first retry, in milliseconds; doubles each retry, with jitter.";
    public static final String RETRIES_MAX_WAIT_MS_CONFIG = "retries.max.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS_DOC = "Cap of the delay between retries, in milliseconds.";
    public static final String MAX_SCHEMAS_PER_SUBJECT_CONFIG = "max.schemas.per.subject";
    public static final String MAX_SCHEMAS_PER_SUBJECT_DOC = "Entries kept in each of the client's schema and id caches.";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(20);
    public static final int DEFAULT_CACHE_CAPACITY = 1000;

    private static final String SOURCE_URL = "URL";
    private static final String SOURCE_USER_INFO = "USER_INFO";
    private static final String HIDDEN = "[hidden]";

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, RegistryClientConfig::validateUrls,
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, null, RegistryClientConfig::validateSource,
                    Importance.MEDIUM, BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
            .define(SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, null,
                    RegistryClientConfig::validateSource, Importance.LOW,
                    BASIC_AUTH_CREDENTIALS_SOURCE_DOC + " Alias of " + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + ".")
            .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC)
            .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.LOW,
                    BASIC_AUTH_USER_INFO_DOC + " Alias of " + BASIC_AUTH_USER_INFO_CONFIG + ".")
            .define(TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, TRUSTSTORE_LOCATION_DOC)
            .define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, TRUSTSTORE_PASSWORD_DOC)
            .define(TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS", "PKCS12"),
                    Importance.LOW, TRUSTSTORE_TYPE_DOC)
            .define(KEYSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, KEYSTORE_LOCATION_DOC)
            .define(KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, KEYSTORE_PASSWORD_DOC)
            .define(KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS", "PKCS12"),
                    Importance.LOW, KEYSTORE_TYPE_DOC)
            .define(KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW, KEY_PASSWORD_DOC)
            .define(CONNECT_TIMEOUT_MS_CONFIG, Type.INT, (int) DEFAULT_CONNECT_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
                    Importance.LOW, CONNECT_TIMEOUT_MS_DOC)
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, (int) DEFAULT_REQUEST_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
                    Importance.LOW, REQUEST_TIMEOUT_MS_DOC)
            .define(MAX_RETRIES_CONFIG, Type.INT, DEFAULT_MAX_RETRIES, ConfigDef.Range.atLeast(0),
                    Importance.LOW, MAX_RETRIES_DOC)
            .define(RETRIES_WAIT_MS_CONFIG, Type.INT, (int) DEFAULT_RETRY_BACKOFF.toMillis(), ConfigDef.Range.atLeast(0),
                    Importance.LOW, RETRIES_WAIT_MS_DOC)
            .define(RETRIES_MAX_WAIT_MS_CONFIG, Type.INT, (int) DEFAULT_MAX_RETRY_BACKOFF.toMillis(), ConfigDef.Range.atLeast(0),
                    Importance.LOW, RETRIES_MAX_WAIT_MS_DOC)
            .define(MAX_SCHEMAS_PER_SUBJECT_CONFIG, Type.INT, DEFAULT_CACHE_CAPACITY, ConfigDef.Range.atLeast(1),
                    Importance.LOW, MAX_SCHEMAS_PER_SUBJECT_DOC);

    public RegistryClientConfig {
        Objects.requireNonNull(urls, "urls");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one registry URL is needed");
        }
        urls = List.copyOf(urls);
        for (URI url : urls) {
            String problem = urlProblem(url);
            if (problem != null) {
                throw new IllegalArgumentException("registry URL " + url + ": " + problem);
            }
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("registry URL " + redact(url)
                        + " carries user info; pass the credentials with withBasicAuth(\"user:password\")");
            }
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
        if (retryBackoff.isNegative() || maxRetryBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= retryBackoff <= maxRetryBackoff, was "
                    + retryBackoff + " and " + maxRetryBackoff);
        }
        if (basicAuthUserInfo != null && basicAuthUserInfo.indexOf(':') < 0) {
            throw new IllegalArgumentException("basic auth user info must be user:password");
        }
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cacheCapacity must be >= 1, was " + cacheCapacity);
        }
    }

    /** Defaults for everything but the URLs: no auth, JDK TLS, 3 retries from 1 s up to 20 s. */
    public static RegistryClientConfig forUrls(String... urls) {
        List<URI> parsed = new ArrayList<>();
        for (String url : urls) {
            parsed.add(URI.create(url.trim()));
        }
        return new RegistryClientConfig(parsed, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_RETRIES,
                DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_RETRY_BACKOFF, null, null, DEFAULT_CACHE_CAPACITY);
    }

    public RegistryClientConfig withBasicAuth(String userInfo) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff,
                maxRetryBackoff, userInfo, sslContext, cacheCapacity);
    }

    public RegistryClientConfig withSslContext(SSLContext context) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff,
                maxRetryBackoff, basicAuthUserInfo, context, cacheCapacity);
    }

    public RegistryClientConfig withTimeouts(Duration connect, Duration request) {
        return new RegistryClientConfig(urls, connect, request, maxRetries, retryBackoff, maxRetryBackoff,
                basicAuthUserInfo, sslContext, cacheCapacity);
    }

    public RegistryClientConfig withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, retries, backoff, maxBackoff,
                basicAuthUserInfo, sslContext, cacheCapacity);
    }

    public RegistryClientConfig withCacheCapacity(int capacity) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff,
                maxRetryBackoff, basicAuthUserInfo, sslContext, capacity);
    }

    /** A copy of the definition of every key {@link #fromProperties(Map)} reads, with defaults and docs. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    /**
     * Reads the Confluent-style keys (see the {@code *_CONFIG} constants) and ignores all others, so a
     * whole Kafka client configuration can be passed.
     *
     * @throws ConfigException naming the key, the value (hidden for secrets) and what was expected
     */
    public static RegistryClientConfig fromProperties(Map<String, ?> props) {
        Map<String, Object> values = CONFIG_DEF.parse(props);

        @SuppressWarnings("unchecked")
        List<String> rawUrls = (List<String>) values.get(SCHEMA_REGISTRY_URL_CONFIG);
        List<URI> urls = new ArrayList<>();
        String urlUserInfo = null;
        for (String raw : rawUrls) {
            URI url = URI.create(raw);
            if (url.getUserInfo() != null) {
                urlUserInfo = urlUserInfo == null ? url.getUserInfo() : urlUserInfo;
                url = withoutUserInfo(url);
            }
            urls.add(url);
        }

        String userInfo = basicAuth(values, urlUserInfo);
        SSLContext ssl = sslContext(values);

        int backoffMs = (Integer) values.get(RETRIES_WAIT_MS_CONFIG);
        int maxBackoffMs = (Integer) values.get(RETRIES_MAX_WAIT_MS_CONFIG);
        if (maxBackoffMs < backoffMs) {
            throw new ConfigException(RETRIES_MAX_WAIT_MS_CONFIG, maxBackoffMs,
                    "expected at least " + RETRIES_WAIT_MS_CONFIG + " (" + backoffMs + ")");
        }
        return new RegistryClientConfig(urls,
                Duration.ofMillis((Integer) values.get(CONNECT_TIMEOUT_MS_CONFIG)),
                Duration.ofMillis((Integer) values.get(REQUEST_TIMEOUT_MS_CONFIG)),
                (Integer) values.get(MAX_RETRIES_CONFIG),
                Duration.ofMillis(backoffMs),
                Duration.ofMillis(maxBackoffMs),
                userInfo, ssl,
                (Integer) values.get(MAX_SCHEMAS_PER_SUBJECT_CONFIG));
    }

    private static void validateSource(String name, Object value) {
        if (value != null && !List.of(SOURCE_URL, SOURCE_USER_INFO).contains(value.toString().toUpperCase(Locale.ROOT))) {
            throw new ConfigException(name, value, "expected USER_INFO or URL");
        }
    }

    private static String basicAuth(Map<String, Object> values, String urlUserInfo) {
        String source = (String) values.get(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG);
        if (source == null) {
            source = (String) values.get(SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG);
        }
        String userInfoKey = BASIC_AUTH_USER_INFO_CONFIG;
        Password userInfo = (Password) values.get(BASIC_AUTH_USER_INFO_CONFIG);
        if (userInfo == null) {
            userInfoKey = SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG;
            userInfo = (Password) values.get(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG);
        }
        if (source == null) {
            source = userInfo != null ? SOURCE_USER_INFO : SOURCE_URL;
        }
        if (SOURCE_USER_INFO.equalsIgnoreCase(source)) {
            if (userInfo == null) {
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, source,
                        "USER_INFO needs " + BASIC_AUTH_USER_INFO_CONFIG + "=user:password, which is not set");
            }
            if (userInfo.value().indexOf(':') < 0) {
                throw new ConfigException(userInfoKey, HIDDEN, "expected user:password (no ':' found)");
            }
            return userInfo.value();
        }
        return urlUserInfo;
    }

    private static SSLContext sslContext(Map<String, Object> values) {
        String trustLocation = (String) values.get(TRUSTSTORE_LOCATION_CONFIG);
        String keyLocation = (String) values.get(KEYSTORE_LOCATION_CONFIG);
        if (trustLocation == null && keyLocation == null) {
            return null;
        }
        SslContextLoader.Store trust = trustLocation == null ? null : new SslContextLoader.Store(
                TRUSTSTORE_LOCATION_CONFIG, trustLocation, chars(values.get(TRUSTSTORE_PASSWORD_CONFIG)),
                ((String) values.get(TRUSTSTORE_TYPE_CONFIG)).toUpperCase(Locale.ROOT));
        SslContextLoader.Store key = keyLocation == null ? null : new SslContextLoader.Store(
                KEYSTORE_LOCATION_CONFIG, keyLocation, chars(values.get(KEYSTORE_PASSWORD_CONFIG)),
                ((String) values.get(KEYSTORE_TYPE_CONFIG)).toUpperCase(Locale.ROOT));
        char[] keyPassword = chars(values.get(KEY_PASSWORD_CONFIG));
        return SslContextLoader.load(trust, key, keyPassword);
    }

    private static char[] chars(Object password) {
        return password == null ? null : ((Password) password).value().toCharArray();
    }

    private static void validateUrls(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) value;
        if (urls == null || urls.isEmpty()) {
            throw new ConfigException(name, value, "expected at least one URL, e.g. http://localhost:8081");
        }
        for (String raw : urls) {
            String problem;
            try {
                problem = urlProblem(new URI(raw));
            } catch (URISyntaxException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                // The value may carry user:password@ (source URL): shown without it.
                throw new ConfigException(name, ConfigSecrets.withoutUserInfo(raw),
                        problem + "; expected http://host:port or https://host:port");
            }
        }
    }

    private static String urlProblem(URI url) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            return "scheme must be http or https";
        }
        if (url.getHost() == null) {
            return "no host";
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            return "a base URL has no query or fragment";
        }
        return null;
    }

    private static URI withoutUserInfo(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot rebuild " + redact(url), e);
        }
    }

    private static String redact(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo(), HIDDEN);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        String auth = basicAuthUserInfo == null ? "none"
                : basicAuthUserInfo.substring(0, basicAuthUserInfo.indexOf(':')) + ":" + HIDDEN;
        return "RegistryClientConfig[urls=" + urls + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff + ", maxRetryBackoff=" + maxRetryBackoff
                + ", basicAuth=" + auth + ", ssl=" + (sslContext == null ? "JDK default" : "custom")
                + ", cacheCapacity=" + cacheCapacity + "]";
    }
}
