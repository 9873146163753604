package io.d2vstreams.schemas;

import java.util.Objects;

/**
 * The subject a topic's keys or values are registered under: Confluent's default TopicNameStrategy,
 * {@code <topic>-key} / {@code <topic>-value} (see "Subject name strategy" in Confluent's serdes
 * documentation). The one place d2v-streams spells it.
 */
public final class SubjectNames {

    public static final String KEY_SUFFIX = "-key";
    public static final String VALUE_SUFFIX = "-value";

    private SubjectNames() {
    }

    /** {@code <topic>-key} when {@code isKey}, else {@code <topic>-value}. */
    public static String forTopic(String topic, boolean isKey) {
        Objects.requireNonNull(topic, "topic");
        return topic + (isKey ? KEY_SUFFIX : VALUE_SUFFIX);
    }

    /** {@code <topic>-value}. */
    public static String valueSubject(String topic) {
        return forTopic(topic, false);
    }

    /** {@code <topic>-key}. */
    public static String keySubject(String topic) {
        return forTopic(topic, true);
    }
}
