package io.d2vstreams.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One model version on disk, as read from its {@code manifest.json}.
 *
 * @param modality what the model embeds
 * @param name the model family
 * @param version the store version
 * @param dim the length of the vectors it makes
 * @param sha256ByFile lower-case hex SHA-256 of every file of the version, by file name
 * @param config the model's Hugging Face style config (the contents of {@code config.json})
 * @param directory where the version lives
 * @param createdAtMs when the version was written, epoch milliseconds
 */
public record ModelManifest(
        Modality modality,
        String name,
        int version,
        int dim,
        Map<String, String> sha256ByFile,
        Map<String, Object> config,
        Path directory,
        long createdAtMs) {

    public ModelManifest {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(directory, "directory");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        sha256ByFile = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(sha256ByFile, "sha256ByFile")));
        // LinkedHashMap, not Map.copyOf: keeps the config's key order and its JSON nulls.
        config = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(config, "config")));
    }

    public ModelId id() {
        return new ModelId(modality, name, version);
    }

    /**
     * One SHA-256 for the whole version: the digest of the {@code sha256sum}-style listing
     * ({@code "<hex>  <file>\n"} for every file, sorted by name). This is what a model
     * announcement carries.
     */
    public String digest() {
        StringBuilder listing = new StringBuilder();
        sha256ByFile.forEach((file, sha) -> listing.append(sha).append("  ").append(file).append('\n'));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(listing.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
