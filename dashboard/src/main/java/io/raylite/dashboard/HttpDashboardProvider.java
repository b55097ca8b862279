package io.raylite.dashboard;

import io.raylite.Raylite;
import io.raylite.spi.DashboardProvider;
import java.io.IOException;

/** The {@link DashboardProvider} found by {@link java.util.ServiceLoader}: a {@link DashboardServer}. */
public final class HttpDashboardProvider implements DashboardProvider {

  @Override
  public Dashboard start(Raylite runtime, String host, int port) throws IOException {
    return DashboardServer.start(runtime, host, port);
  }
}
