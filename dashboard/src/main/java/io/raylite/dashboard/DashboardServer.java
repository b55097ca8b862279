package io.raylite.dashboard;

import com.sun.net.httpserver.HttpServer;
import io.raylite.Raylite;
import io.raylite.spi.DashboardProvider;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/*
 * Implementation overview
 *
 * One runtime's dashboard: the JDK's HttpServer, one virtual thread per exchange, every path routed
 * by DashboardHandler, and a ResourceHistory sampling the runtime once a second for the charts.
 *
 * Binding: the requested port, else the next free one above it (at most PORT_TRIES), as Ray's
 * dashboard does; port 0 takes any free port. On a loopback address anyone on this machine may
 * read; on any other address every request from another machine needs the access token, a random
 * 128-bit value generated here, made part of the printed URL, and stored by the browser as a cookie
 * on its first visit (see Access).
 *
 * Read-only: the handler serves GET and HEAD only, and nothing it calls changes the runtime.
 *
 * Threads: start() runs on the thread building the runtime; close() on the one closing it, before
 * the runtime closes, and waits for exchanges in progress to end (each is short: it reads a
 * snapshot). Exchanges run on virtual threads and only read the runtime through its state API.
 */
public final class DashboardServer implements DashboardProvider.Dashboard {
  /** How many ports above the requested one are tried. */
  static final int PORT_TRIES = 100;

  private final HttpServer server;
  private final ExecutorService exchanges;
  private final ResourceHistory history;
  private final String url;
  private final Object closeLock = new Object();
  private boolean closed;

  private DashboardServer(HttpServer server, ExecutorService exchanges, ResourceHistory history, String url) {
    this.server = server;
    this.exchanges = exchanges;
    this.history = history;
    this.url = url;
  }

  /**
   * Starts a dashboard for {@code runtime} on {@code host}, at {@code port} or the next free port.
   *
   * @throws IOException if none of the ports could be bound
   */
  public static DashboardServer start(Raylite runtime, String host, int port) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    String token = address.isLoopbackAddress() ? null : newToken();
    HttpServer server = bind(address, port);
    ResourceHistory history = new ResourceHistory(runtime);
    ExecutorService exchanges = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("raylite-dashboard-", 0).factory());
    server.setExecutor(exchanges);
    server.createContext("/", new DashboardHandler(runtime, history, new Access(token)));
    server.start();
    history.start();
    String shownHost = address.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostAddress()
        : address.getHostAddress();
    if (shownHost.contains(":")) {
      shownHost = "[" + shownHost + "]";
    }
    String url = "http://" + shownHost + ":" + server.getAddress().getPort() + (token == null ? "" : "/?token=" + token);
    return new DashboardServer(server, exchanges, history, url);
  }

  private static HttpServer bind(InetAddress address, int port) throws IOException {
    BindException last = null;
    int tries = port == 0 ? 1 : Math.min(PORT_TRIES, 65_536 - port);
    for (int i = 0; i < tries; i++) {
      try {
        return HttpServer.create(new InetSocketAddress(address, port + i), 0);
      } catch (BindException taken) {
        last = taken;
      }
    }
    throw new BindException("ports " + port + " to " + (port + tries - 1) + " on " + address.getHostAddress()
        + " are all taken (" + last.getMessage() + ")");
  }

  private static String newToken() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String url() {
    return url;
  }

  /** The port the dashboard listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    history.close();
    server.stop(0);
    exchanges.close();
  }
}
