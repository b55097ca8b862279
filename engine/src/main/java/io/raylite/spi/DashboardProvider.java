package io.raylite.spi;

import io.raylite.Raylite;
import java.io.IOException;

/**
 * Starts a web dashboard for a runtime. Found with {@link java.util.ServiceLoader}; the {@code
 * raylite-dashboard} module provides one. A runtime starts one dashboard when it is built (unless
 * {@link Raylite.Builder#dashboard(boolean)} turned it off) and closes it first when it closes.
 */
public interface DashboardProvider {

  /**
   * Starts serving the runtime's state.
   *
   * @param runtime the runtime, fully built
   * @param host the address to bind to; anything but a loopback address requires an access token
   * @param port the port to try first; if taken, the next free one above it (0: any free port)
   * @return the running dashboard
   * @throws IOException if no port could be bound
   */
  Dashboard start(Raylite runtime, String host, int port) throws IOException;

  /** A running dashboard. */
  interface Dashboard extends AutoCloseable {

    /** The address to open in a browser, for example {@code http://127.0.0.1:8265}. */
    String url();

    /** Stops serving; idempotent. */
    @Override
    void close();
  }
}
