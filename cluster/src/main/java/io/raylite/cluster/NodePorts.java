package io.raylite.cluster;

import io.raylite.RayliteException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntFunction;

/**
 * How a node gets its port.
 *
 * <p>An explicit port is bound as given, or the start fails naming it: a port the user asked for
 * is never moved. Port 0 means any free port: the node takes one that the system reports free on
 * its bind address and starts on it. The port is chosen before the node's member binds it (the
 * node id, which names the port, is fixed before the member starts), so another process may take
 * it in between; the start then fails with {@link PortInUseException} and the node takes another
 * free port, up to {@link #TRIES} times.
 */
final class NodePorts {
  /** The port that asks for any free port. */
  static final int ANY = 0;
  /** How many free ports a start with port 0 tries before it gives up. */
  static final int TRIES = 16;

  private NodePorts() {}

  /** A start failed because its port was in use. */
  static final class PortInUseException extends RayliteException {
    PortInUseException(String host, int port, Throwable cause) {
      super("port " + port + " on " + host + " is already in use: stop what holds it, or start the node with "
          + "another --port (--port 0 takes any free port)", cause);
    }
  }

  /**
   * Returns what {@code startOn} returns for {@code port}, or for port 0 for a free port, taking
   * another while a start fails with {@link PortInUseException}.
   *
   * @throws PortInUseException if an explicit port is in use
   * @throws RayliteException if no free port could be bound in {@link #TRIES} tries
   */
  static <T> T start(String host, int port, IntFunction<T> startOn) {
    if (port != ANY) {
      return startOn.apply(port);
    }
    PortInUseException last = null;
    for (int i = 0; i < TRIES; i++) {
      try {
        return startOn.apply(freePort(host));
      } catch (PortInUseException taken) {
        if (last != null) {
          taken.addSuppressed(last);
        }
        last = taken;
      }
    }
    throw new RayliteException("no free port on " + host + " stayed free until the node bound it, in "
        + TRIES + " tries", last);
  }

  /** A port that is free on {@code host} now. */
  static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0), 1);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new RayliteException("could not bind any port on " + host + ": " + e.getMessage(), e);
    }
  }
}
