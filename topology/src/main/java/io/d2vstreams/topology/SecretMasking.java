package io.d2vstreams.topology;

import java.util.Locale;
import java.util.regex.Pattern;

/** Hides the values of settings whose names say they are secrets, before they are logged. */
final class SecretMasking {
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|jaas|user\\.info|token|credentials).*");
    static final String MASK = "******";

    private SecretMasking() {
    }

    static String mask(String key, String value) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches() ? MASK : value;
    }
}
