package io.raylite.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.Raylite;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may read a dashboard, at the handler: the tests run on loopback only, so requests from
 * other machines are made-up exchanges.
 */
@Timeout(60)
class AccessTest {
  static final String TOKEN = "0123456789abcdef0123456789abcdef";
  static Raylite ray;
  static DashboardHandler open;
  static DashboardHandler guarded;

  @BeforeAll
  static void start() {
    ray = Raylite.builder().cpus(1).dashboard(false).build();
    ResourceHistory history = new ResourceHistory(ray);
    open = new DashboardHandler(ray, history, new Access(null));
    guarded = new DashboardHandler(ray, history, new Access(TOKEN));
  }

  @AfterAll
  static void stop() {
    ray.close();
  }

  static FakeExchange send(DashboardHandler handler, FakeExchange exchange) throws IOException {
    handler.handle(exchange);
    return exchange;
  }

  @Test
  void remoteRequestWithoutToken_gets401() throws IOException {
    FakeExchange e = send(guarded, new FakeExchange("GET", "/api/v0/tasks", "192.0.2.7"));
    assertEquals(401, e.status());
    assertTrue(e.body().contains("access token"), e.body());
  }

  @Test
  void remoteRequestWithAWrongToken_gets401() throws IOException {
    assertEquals(401, send(guarded, new FakeExchange("GET", "/api/v0/tasks", "192.0.2.7")
        .header("Authorization", "Bearer 00000000000000000000000000000000")).status());
  }

  @Test
  void remoteRequestWithTheBearerToken_isServed() throws IOException {
    assertEquals(200, send(guarded, new FakeExchange("GET", "/api/v0/tasks", "192.0.2.7")
        .header("Authorization", "Bearer " + TOKEN)).status());
  }

  @Test
  void remoteVisitWithTheTokenInTheUrl_setsTheCookieThatLaterRequestsCarry() throws IOException {
    FakeExchange first = send(guarded, new FakeExchange("GET", "/?token=" + TOKEN, "192.0.2.7"));
    assertEquals(200, first.status());
    String cookie = first.getResponseHeaders().getFirst("Set-Cookie");
    assertTrue(cookie.startsWith(Access.COOKIE + "=" + TOKEN) && cookie.contains("HttpOnly"), cookie);
    assertEquals(200, send(guarded, new FakeExchange("GET", "/api/v0/summary", "192.0.2.7")
        .header("Cookie", "other=1; " + Access.COOKIE + "=" + TOKEN)).status());
  }

  @Test
  void loopbackRequest_needsNoToken() throws IOException {
    assertEquals(200, send(guarded, new FakeExchange("GET", "/api/v0/tasks", "127.0.0.1")).status());
  }

  @Test
  void remoteRequestToALoopbackOnlyDashboard_gets401() throws IOException {
    assertEquals(401, send(open, new FakeExchange("GET", "/api/v0/tasks", "192.0.2.7")).status());
  }

  @Test
  void loopbackRequestNamingAnotherHost_gets403_soARebindingPageCannotReadIt() throws IOException {
    FakeExchange e = send(open, new FakeExchange("GET", "/api/v0/tasks", "127.0.0.1").header("Host", "evil.example:8265"));
    assertEquals(403, e.status());
  }

  @Test
  void loopbackRequestNamingLocalhostOrAnAddress_isServed() throws IOException {
    for (String host : new String[] {"localhost:8265", "127.0.0.1:8265", "[::1]:8265", "127.0.0.1"}) {
      assertEquals(200, send(open, new FakeExchange("GET", "/api/v0/tasks", "127.0.0.1").header("Host", host)).status(),
          host);
    }
  }

  @Test
  void writeMethods_get405_becauseTheDashboardIsReadOnly() throws IOException {
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
      FakeExchange e = send(open, new FakeExchange(method, "/api/v0/tasks", "127.0.0.1"));
      assertEquals(405, e.status(), method);
      assertEquals("GET, HEAD", e.getResponseHeaders().getFirst("Allow"));
    }
  }

  @Test
  void requestAfterTheRuntimeClosed_gets503_andDoesNotThrow() throws IOException {
    Raylite closed = Raylite.builder().cpus(1).dashboard(false).build();
    DashboardHandler handler = new DashboardHandler(closed, new ResourceHistory(closed), new Access(null));
    closed.close();
    assertEquals(503, send(handler, new FakeExchange("GET", "/api/v0/tasks", "127.0.0.1")).status());
  }
}
