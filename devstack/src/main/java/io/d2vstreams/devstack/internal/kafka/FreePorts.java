package io.d2vstreams.devstack.internal.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a free TCP port by binding port 0 and releasing it at once.
 *
 * <p>{@code KafkaRaftServer} offers no public way to read the port its listeners bound, and the KRaft
 * quorum configuration needs the controller's port before it starts; so a port asked for as 0 is
 * chosen here first. Another process may take it in between: callers retry on a bind failure.
 */
public final class FreePorts {

    private FreePorts() {
    }

    public static int pick(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + host, e);
        }
    }
}
