package io.d2vstreams.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code uri}s of image and audio events the pipeline fetches: {@code file:} URIs only
 * under {@code allowedDirs}, {@code http:}/{@code https:} only to {@code allowedHosts} (a host
 * name, or {@code host:port} for one port only), at most {@code maxBytes} within
 * {@code timeout}. Empty lists allow nothing, which is the default: fetching is opt-in.
 */
public record UriPolicy(List<Path> allowedDirs, Set<String> allowedHosts, int maxBytes, Duration timeout) {
    /** Refuses every URI. */
    public static final UriPolicy NONE = new UriPolicy(List.of(), Set.of(), 1, Duration.ofMillis(1));

    public UriPolicy {
        allowedDirs = List.copyOf(allowedDirs);
        allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (maxBytes < 1) {
            throw new IllegalArgumentException("uri max bytes must be at least 1, was " + maxBytes);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("uri timeout must be positive, was " + timeout);
        }
    }
}
