package io.d2vstreams.devstack.internal.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the SCRAM credentials in a running KRaft cluster exactly a given set, with the Admin API
 * (KIP-554, {@code alterUserScramCredentials}), the way {@code kafka-configs.sh --alter --add-config
 * SCRAM-SHA-512=[password=...]} does.
 *
 * <p>Why after start and not at format time ({@code kafka-storage.sh format --add-scram}): format-time
 * records go in once, when a directory is new; a broker restarted on its directory with other users
 * or passwords must apply those too, and the Admin API does it on every start alike.
 */
public final class ScramCredentials {

    /** Kafka's minimum for both mechanisms; enough for development, and fast to check. */
    static final int ITERATIONS = 4096;

    private ScramCredentials() {
    }

    /**
     * Creates or updates the credentials of every user for every mechanism (a new salt each time) and
     * deletes every other SCRAM credential, then waits until the broker describes exactly that set.
     *
     * @param bootstrapServers a listener that needs no credentials (the broker's internal one)
     * @throws IllegalStateException if the cluster refuses or does not answer within {@code timeout}
     */
    public static void apply(String bootstrapServers, Map<String, String> passwordsByUser, Set<ScramMechanism> mechanisms,
                             Duration timeout) {
        Map<String, Set<ScramMechanism>> wanted = new TreeMap<>();
        passwordsByUser.keySet().forEach(user -> wanted.put(user, new TreeSet<>(mechanisms)));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            // The KRaft controller takes one alteration per user in a request (DUPLICATE_RESOURCE otherwise),
            // so a user's alterations go out in rounds: the n-th of every user in the n-th request.
            Map<String, List<UserScramCredentialAlteration>> byUser = new TreeMap<>();
            describe(admin, timeout).forEach((user, existing) -> {
                for (ScramMechanism mechanism : existing) {
                    if (!wanted.getOrDefault(user, Set.of()).contains(mechanism)) {
                        byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(new UserScramCredentialDeletion(user, mechanism));
                    }
                }
            });
            passwordsByUser.forEach((user, password) -> {
                for (ScramMechanism mechanism : mechanisms) {
                    byUser.computeIfAbsent(user, u -> new ArrayList<>())
                        .add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, ITERATIONS), password));
                }
            });
            for (int round = 0; ; round++) {
                List<UserScramCredentialAlteration> request = new ArrayList<>();
                for (List<UserScramCredentialAlteration> alterations : byUser.values()) {
                    if (round < alterations.size()) {
                        request.add(alterations.get(round));
                    }
                }
                if (request.isEmpty()) {
                    break;
                }
                admin.alterUserScramCredentials(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            // The controller has committed the records; the broker answers describe from its own copy
            // of the metadata, so once that shows them the broker has them too.
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, Set<ScramMechanism>> described = describe(admin, timeout);
            while (!described.equals(wanted)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("SCRAM credentials at " + bootstrapServers + " are " + described
                            + " after " + timeout.toMillis() + " ms; expected " + wanted);
                }
                Thread.sleep(20);
                described = describe(admin, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM credentials at " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM credentials of users " + passwordsByUser.keySet()
                    + " at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /** User name → mechanisms with credentials, as the broker describes them now. */
    static Map<String, Set<ScramMechanism>> describe(Admin admin, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, UserScramCredentialsDescription> all =
                admin.describeUserScramCredentials().all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Set<ScramMechanism>> byUser = new TreeMap<>();
        all.forEach((user, description) -> {
            Set<ScramMechanism> mechanisms = new TreeSet<>();
            description.credentialInfos().forEach(info -> mechanisms.add(info.mechanism()));
            byUser.put(user, mechanisms);
        });
        return byUser;
    }
}
