package io.raylite.dashboard;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/** An exchange from any address, for handler-level tests of what loopback-only tests cannot reach. */
final class FakeExchange extends HttpExchange {
  private final String method;
  private final URI uri;
  private final InetSocketAddress remote;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = -1;

  FakeExchange(String method, String uri, String remoteIp) {
    this.method = method;
    this.uri = URI.create(uri);
    this.remote = new InetSocketAddress(remoteIp, 40_000);
  }

  FakeExchange header(String name, String value) {
    requestHeaders.add(name, value);
    return this;
  }

  int status() {
    return status;
  }

  String body() {
    return body.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override public Headers getRequestHeaders() { return requestHeaders; }
  @Override public Headers getResponseHeaders() { return responseHeaders; }
  @Override public URI getRequestURI() { return uri; }
  @Override public String getRequestMethod() { return method; }
  @Override public HttpContext getHttpContext() { return null; }
  @Override public void close() {}
  @Override public InputStream getRequestBody() { return new ByteArrayInputStream(new byte[0]); }
  @Override public OutputStream getResponseBody() { return body; }
  @Override public void sendResponseHeaders(int rCode, long responseLength) { status = rCode; }
  @Override public InetSocketAddress getRemoteAddress() { return remote; }
  @Override public int getResponseCode() { return status; }
  @Override public InetSocketAddress getLocalAddress() { return new InetSocketAddress("0.0.0.0", 8265); }
  @Override public String getProtocol() { return "HTTP/1.1"; }
  @Override public Object getAttribute(String name) { return null; }
  @Override public void setAttribute(String name, Object value) {}
  @Override public void setStreams(InputStream i, OutputStream o) {}
  @Override public HttpPrincipal getPrincipal() { return null; }
}
