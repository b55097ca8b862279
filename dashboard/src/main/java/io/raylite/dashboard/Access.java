package io.raylite.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Who may read the dashboard. Requests from this machine (a loopback address) always may. On a
 * dashboard bound beyond loopback, requests from elsewhere must carry the access token: as the
 * header {@code Authorization: Bearer <token>}, as the query parameter {@code token} (the printed
 * URL has it), or as the cookie {@link #COOKIE} that a page visit with the parameter sets. Tokens
 * are compared in constant time.
 */
final class Access {
  static final String COOKIE = "raylite_token";

  /** The token, or null when the dashboard is bound to loopback only. */
  private final String token;

  Access(String token) {
    this.token = token;
  }

  /** Whether the exchange may be served. */
  boolean allows(HttpExchange exchange, String queryToken) {
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress()) {
      return true;
    }
    if (token == null) {
      return false;  // bound to loopback: nothing else can connect, and nothing else is served
    }
    if (matches(queryToken)) {
      return true;
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.startsWith("Bearer ") && matches(auth.substring(7).strip())) {
      return true;
    }
    List<String> cookies = exchange.getRequestHeaders().get("Cookie");
    if (cookies != null) {
      for (String header : cookies) {
        for (String cookie : header.split(";")) {
          String c = cookie.strip();
          if (c.startsWith(COOKIE + "=") && matches(c.substring(COOKIE.length() + 1))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether the request's Host header names this machine by a loopback name or an IP address. A
   * dashboard without a token checks it, so that a web page whose domain name was re-pointed at
   * 127.0.0.1 (DNS rebinding) cannot read it from the user's browser: such a request names that
   * domain. A dashboard with a token relies on the token.
   */
  boolean hostAllowed(HttpExchange exchange) {
    if (token != null) {
      return true;
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return true;  // HTTP/1.0 without Host: not a browser
    }
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return name.equalsIgnoreCase("localhost") || name.startsWith("[") || name.matches("[0-9.]+");
  }

  /** Whether a query token was given and is right: the response then sets the cookie. */
  boolean setsCookie(String queryToken) {
    return token != null && matches(queryToken);
  }

  String cookie() {
    return COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  }

  private boolean matches(String given) {
    return given != null && token != null && MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }
}
