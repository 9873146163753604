package io.d2vstreams.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may use an {@link EmbeddedSchemaRegistry}: nobody needs credentials ({@link #none()}), or HTTP
 * basic auth (RFC 7617) with a fixed set of users ({@link #basic(Map)}).
 *
 * <p>With basic auth, every request that changes the registry (registering a schema, changing a
 * compatibility level, deleting a version or a subject, soft or permanent) needs the credentials of
 * one of the users. Reads (fetching a schema by id, listing subjects and versions, looking a schema
 * up, testing compatibility) stay open unless {@link #requiringCredentialsForReads()} closes them:
 * every schema of this product is public in its repository, and downstream consumers in any
 * language fetch schemas by id with nothing but the registry URL (what a Confluent deserializer
 * without credentials does). Close them when the schemas themselves are not to be read by anyone
 * who can reach the port.
 *
 * <p>Only SHA-256 digests of the passwords are kept, and they are compared in constant time;
 * {@link #toString()} names the users and never a password.
 */
public final class RegistryAuth {

    private static final RegistryAuth NONE = new RegistryAuth(Map.of(), false);

    private final Map<String, byte[]> digestsByUser;
    private final boolean readsNeedCredentials;

    private RegistryAuth(Map<String, byte[]> digestsByUser, boolean readsNeedCredentials) {
        this.digestsByUser = digestsByUser;
        this.readsNeedCredentials = readsNeedCredentials;
    }

    /** No authentication: the registry then only binds to a loopback address (see {@link EmbeddedSchemaRegistry#start}). */
    public static RegistryAuth none() {
        return NONE;
    }

    /**
     * Basic auth for these users; writes need credentials, reads stay open.
     *
     * @param passwordsByUser at least one user; a user name has no ':' (RFC 7617), a password is not empty
     * @throws IllegalArgumentException naming the user whose entry is unusable
     */
    public static RegistryAuth basic(Map<String, String> passwordsByUser) {
        Objects.requireNonNull(passwordsByUser, "passwordsByUser");
        if (passwordsByUser.isEmpty()) {
            throw new IllegalArgumentException("basic auth needs at least one user; use RegistryAuth.none() for none");
        }
        Map<String, byte[]> digests = new TreeMap<>();
        passwordsByUser.forEach((user, password) -> {
            if (user == null || user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("registry user name '" + user + "' must be non-empty and without ':'");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("registry user " + user + " has an empty password");
            }
            digests.put(user, sha256(password));
        });
        return new RegistryAuth(Collections.unmodifiableMap(digests), false);
    }

    /**
     * Basic auth for the users of a properties file, one {@code user=password} a line (what
     * {@link Properties#load(Reader)} reads; keep the file readable by its owner only).
     *
     * @throws IllegalArgumentException when the file is missing, or has no usable user
     */
    public static RegistryAuth fromUsersFile(Path file) {
        Properties users = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            users.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("registry users file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the registry users file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        Map<String, String> passwords = new TreeMap<>();
        users.stringPropertyNames().forEach(user -> passwords.put(user.trim(), users.getProperty(user).trim()));
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException("registry users file " + file.toAbsolutePath()
                    + " names no user; expected lines of user=password");
        }
        try {
            return basic(passwords);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registry users file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The same users, with reads needing credentials too. */
    public RegistryAuth requiringCredentialsForReads() {
        if (!enabled()) {
            throw new IllegalStateException("reads can only need credentials when there are users (RegistryAuth.basic)");
        }
        return new RegistryAuth(digestsByUser, true);
    }

    /** This set of users plus one more (the embedded stack's own services, say). */
    public RegistryAuth withUser(String user, String password) {
        Map<String, byte[]> more = new TreeMap<>(digestsByUser);
        more.putAll(basic(Map.of(user, password)).digestsByUser);
        return new RegistryAuth(Collections.unmodifiableMap(more), readsNeedCredentials);
    }

    /** Whether any request needs credentials at all. */
    public boolean enabled() {
        return !digestsByUser.isEmpty();
    }

    /** Whether reads, not only writes, need credentials. */
    public boolean readsNeedCredentials() {
        return readsNeedCredentials;
    }

    public Set<String> users() {
        return digestsByUser.keySet();
    }

    /**
     * The user an {@code Authorization} header authenticates, or empty when it is missing, not
     * basic auth, malformed, or names a user with another password.
     */
    public Optional<String> authenticate(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String header = authorizationHeader.strip();
        // The scheme name is case-insensitive (RFC 7235 section 2.1).
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        byte[] expected = digestsByUser.get(user);
        byte[] given = sha256(decoded.substring(colon + 1));
        // An unknown user costs the same comparison as a known one, so timing does not tell users apart.
        boolean matches = MessageDigest.isEqual(expected == null ? new byte[given.length] : expected, given);
        return matches && expected != null ? Optional.of(user) : Optional.empty();
    }

    private static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Names the users and the read policy, never a password. */
    @Override
    public String toString() {
        return enabled()
                ? "basic(users=" + users() + ", reads=" + (readsNeedCredentials ? "credentials" : "open") + ")"
                : "none";
    }
}
