package io.d2vstreams.schemas;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which settings are secrets, and how a process shows its settings without them: the one rule that
 * the pipeline's and the trainer's start-up lines follow (they live in modules that share only this
 * one, so the rule lives here).
 *
 * <p>A key is a secret when Kafka itself types it {@code PASSWORD} for a producer, consumer or admin
 * client ({@code sasl.jaas.config}, {@code ssl.keystore.key}, {@code ssl.*.password},
 * {@code sasl.oauthbearer.*.secret}, ...) or the registry client does ({@code basic.auth.user.info},
 * {@code schema.registry.ssl.*.password}), also under a prefix ({@code producer.},
 * {@code main.consumer.}, {@code listener.name.x.}), or when its name says so ({@code password},
 * {@code passphrase}, {@code secret}, {@code jaas}, {@code user.info}, {@code token},
 * {@code credentials}, {@code api.key}): so a key of a client this code has never heard of is masked
 * too. Every other value is shown, except the user info of a URL in it
 * ({@code https://user:password@host}, what {@code basic.auth.credentials.source=URL} uses).
 */
public final class ConfigSecrets {

    /** What a secret value is shown as. */
    public static final String MASK = "******";

    // "token" only as a whole word of the key (bearer.auth.token), not inside one (trainer.max.tokens).
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(password|passphrase|secret|jaas|user\\.info|credentials|api\\.key|apikey).*|(.*[._-])?token([._-].*)?");
    /** {@code basic.auth.credentials.source} names where credentials come from (URL, USER_INFO), not them. */
    private static final String CREDENTIALS_SOURCE = "credentials.source";
    /** {@code scheme://user:password@}: everything between {@code //} and {@code @} of one URL. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s,]+@");
    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    private ConfigSecrets() {
    }

    /** Whether the value of {@code key} must never be shown. */
    public static boolean isSecret(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        if (SECRET_NAME.matcher(name).matches() && !name.endsWith(CREDENTIALS_SOURCE)) {
            return true;
        }
        for (String password : PASSWORD_KEYS) {
            if (name.equals(password) || name.endsWith("." + password)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #MASK} for a secret, else the value with any URL user info masked. */
    public static String mask(String key, Object value) {
        if (value == null) {
            return "null";
        }
        return isSecret(key) ? MASK : withoutUserInfo(String.valueOf(value));
    }

    /** Every setting, sorted by key, each value as {@link #mask} shows it. */
    public static Map<String, String> masked(Map<String, ?> settings) {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key, mask(key, value)));
        return shown;
    }

    /**
     * A process's settings for its start-up log line: {@code given} as given (pass-through keys
     * included) overlaid with {@code parsed}, its own keys' values (defaults included), masked.
     */
    public static Map<String, String> described(Map<String, String> given, Map<String, ?> parsed) {
        Map<String, Object> all = new TreeMap<>(given);
        all.putAll(parsed);
        return masked(all);
    }

    /** {@code text} with the user info of every URL in it replaced by {@link #MASK}. */
    public static String withoutUserInfo(String text) {
        return URL_USER_INFO.matcher(text).replaceAll("$1" + MASK.replace("$", "\\$") + "@");
    }

    /** The keys Kafka's clients and our registry client define as passwords. */
    private static Set<String> passwordKeys() {
        Set<String> keys = new TreeSet<>();
        for (ConfigDef definition : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef(), RegistryClientConfig.configDef()}) {
            definition.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    keys.add(name.toLowerCase(Locale.ROOT));
                }
            });
        }
        return Set.copyOf(keys);
    }
}
