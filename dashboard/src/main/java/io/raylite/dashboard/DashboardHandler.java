package io.raylite.dashboard;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.raylite.Raylite;
import io.raylite.RuntimeClosedException;
import io.raylite.StateApi;
import io.raylite.StateFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every request of a dashboard: the pages and their assets, the JSON API under {@code /api/v0/},
 * and {@code /metrics}. Read-only: GET and HEAD only. A bad request gets 400 with a message naming
 * what was wrong and what is allowed, an unknown path 404, a request from another machine without
 * the token 401, a request after the runtime closed 503; an unexpected failure is logged and
 * answered 500. Nothing thrown here reaches the runtime or the server's threads.
 */
final class DashboardHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger("io.raylite.dashboard");
  private static final String STATIC = "/io/raylite/dashboard/static/";
  private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|html|svg)");
  private static final Map<String, String> PAGES = Map.of(
      "/", "overview.html", "/tasks", "tasks.html", "/actors", "actors.html", "/objects", "objects.html",
      "/timeline", "timeline.html", "/logs", "logs.html");
  private static final Set<String> LISTING_PARAMS = Set.of("state", "name", "limit");

  private final Raylite runtime;
  private final ResourceHistory history;
  private final Access access;

  DashboardHandler(Raylite runtime, ResourceHistory history, Access access) {
    this.runtime = runtime;
    this.history = history;
    this.access = access;
  }

  /** A request that cannot be served; answered with its status and message. */
  static final class HttpError extends Exception {
    final int status;

    HttpError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** A response: status, content type and body. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Response json(Object value) throws IOException {
      return new Response(200, "application/json; charset=utf-8",
          JSON.std.asString(value).getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      Response response;
      try {
        response = serve(exchange);
      } catch (HttpError e) {
        response = error(e.status, e.getMessage());
      } catch (RuntimeClosedException e) {
        response = error(503, e.getMessage());
      } catch (RuntimeException | LinkageError e) {
        // A bug, or a class missing from the class path: answered, so that no request hangs.
        LOG.log(System.Logger.Level.WARNING, "dashboard: " + exchange.getRequestURI() + " failed", e);
        response = error(500, "internal error: " + e);
      }
      send(exchange, response);
    } finally {
      exchange.close();  // idempotent; ends the exchange even if an Error escaped before the answer
    }
  }

  private static Response error(int status, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message);
    Response json = Response.json(body);
    return new Response(status, json.contentType(), json.body(),
        status == 405 ? Map.of("Allow", "GET, HEAD") : Map.of());
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    try (exchange) {
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", response.contentType());
      headers.set("Cache-Control", "no-store");
      headers.set("X-Content-Type-Options", "nosniff");
      response.headers().forEach(headers::set);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
      if (!head && response.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
      }
    }
  }

  /** Routes one exchange; package-private so tests can call it with a made-up exchange. */
  Response serve(HttpExchange exchange) throws HttpError, IOException {
    String method = exchange.getRequestMethod();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (!access.allows(exchange, query.get("token"))) {
      throw new HttpError(401, "this dashboard needs its access token from other machines: send "
          + "'Authorization: Bearer <token>' or open the URL printed when the runtime started");
    }
    if (!access.hostAllowed(exchange)) {
      throw new HttpError(403, "address the dashboard as 127.0.0.1, localhost or by IP address, not as '"
          + exchange.getRequestHeaders().getFirst("Host") + "'");
    }
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      throw new HttpError(405, "the dashboard is read-only: " + method + " is not allowed, only GET and HEAD");
    }
    String token = query.remove("token");
    String path = exchange.getRequestURI().getPath();
    Response response = route(path, query);
    if (access.setsCookie(token)) {
      Map<String, String> headers = new LinkedHashMap<>(response.headers());
      headers.put("Set-Cookie", access.cookie());
      response = new Response(response.status(), response.contentType(), response.body(), headers);
    }
    return response;
  }

  private Response route(String path, Map<String, String> query) throws HttpError, IOException {
    String page = PAGES.get(path);
    if (page != null) {
      allowOnly(query, Set.of());
      return asset(page);
    }
    if (path.startsWith("/static/")) {
      allowOnly(query, Set.of());
      String name = path.substring("/static/".length());
      if (!ASSET.matcher(name).matches()) {
        throw notFound(path);
      }
      return asset(name);
    }
    if (path.equals("/metrics")) {
      allowOnly(query, Set.of());
      return new Response(200, "text/plain; version=0.0.4; charset=utf-8",
          PrometheusMetrics.render(runtime.state()).getBytes(StandardCharsets.UTF_8), Map.of());
    }
    if (path.startsWith("/api/v0/")) {
      return api(path.substring("/api/v0/".length()), query);
    }
    throw notFound(path);
  }

  private Response api(String endpoint, Map<String, String> query) throws HttpError, IOException {
    StateApi state = runtime.state();
    List<String> parts = List.of(endpoint.split("/", -1));
    switch (parts.get(0)) {
      case "tasks" -> {
        if (parts.size() >= 2 && !parts.get(1).isEmpty()) {
          allowOnly(query, Set.of());
          // A task of a cluster node has the id "<node>/<id>": its slash, escaped or not, is part of the id.
          String id = String.join("/", parts.subList(1, parts.size()));
          Map<String, Object> task = JsonRows.task(state.task(id)
              .orElseThrow(() -> new HttpError(404, "no such task '" + id + "': not live, and not among the "
                  + "finished tasks the runtime keeps")));
          task.put("explanation", state.explain(id).map(JsonRows::explanation).orElse(null));
          return Response.json(task);
        }
        requireParts(parts, endpoint);
        allowOnly(query, LISTING_PARAMS);
        int limit = limit(query);
        return Response.json(JsonRows.listing(badRequestIfInvalid(() -> state.tasks(filter(query), limit)), limit,
            JsonRows::task));
      }
      case "actors" -> {
        if (parts.size() >= 2 && !parts.get(1).isEmpty()) {
          allowOnly(query, Set.of("limit"));
          String id = String.join("/", parts.subList(1, parts.size()));  // as a task's, above
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("actor", state.actors(StateFilter.ALL, Integer.MAX_VALUE).rows().stream()
              .filter(a -> a.actorId().equals(id)).findFirst().map(JsonRows::actor)
              .orElseThrow(() -> new HttpError(404, "no actor '" + id + "'")));
          body.put("calls", state.actorCalls(id, limit(query)).stream().map(JsonRows::task).toList());
          return Response.json(body);
        }
        requireParts(parts, endpoint);
        allowOnly(query, LISTING_PARAMS);
        int limit = limit(query);
        return Response.json(JsonRows.listing(badRequestIfInvalid(() -> state.actors(filter(query), limit)), limit,
            JsonRows::actor));
      }
      case "objects" -> {
        requireParts(parts, endpoint);
        allowOnly(query, LISTING_PARAMS);
        int limit = limit(query);
        Map<String, Object> body = JsonRows.listing(badRequestIfInvalid(() -> state.objects(filter(query), limit)),
            limit, JsonRows::object);
        body.put("store", JsonRows.store(state.resources().objectStore()));
        return Response.json(body);
      }
      case "resources" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        return Response.json(JsonRows.resources(state.resources()));
      }
      case "nodes" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        return Response.json(state.nodes().stream().map(JsonRows::node).toList());
      }
      case "workers" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        return Response.json(state.workers().stream().map(JsonRows::worker).toList());
      }
      case "summary" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        return Response.json(JsonRows.summary(badRequestIfInvalid(state::summary)));
      }
      case "history" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totals", JsonRows.resources(state.resources()));
        body.put("samples", history.samples().stream().map(JsonRows::sample).toList());
        return Response.json(body);
      }
      case "placement_groups" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of());
        return Response.json(state.placementGroups().stream().map(JsonRows::placementGroup).toList());
      }
      case "logs" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of("limit"));
        return Response.json(Map.of("lines", state.logs(limit(query))));
      }
      case "timeline" -> {
        requireParts(parts, endpoint);
        allowOnly(query, Set.of("download"));
        return timeline(query.containsKey("download"));
      }
      default -> throw notFound("/api/v0/" + endpoint);
    }
  }

  /** The Chrome trace of the runtime's timeline, as {@link Raylite#timeline(Path)} writes it. */
  private Response timeline(boolean download) throws IOException {
    Path file = Files.createTempFile("raylite-timeline-", ".json");
    try {
      runtime.timeline(file);
      byte[] body = Files.readAllBytes(file);
      return new Response(200, "application/json; charset=utf-8", body, download
          ? Map.of("Content-Disposition", "attachment; filename=\"raylite-timeline.json\"") : Map.of());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Response asset(String name) throws HttpError, IOException {
    try (InputStream in = DashboardHandler.class.getResourceAsStream(STATIC + name)) {
      if (in == null) {
        throw notFound("/static/" + name);
      }
      String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
        case "html" -> "text/html; charset=utf-8";
        case "js" -> "text/javascript; charset=utf-8";
        case "css" -> "text/css; charset=utf-8";
        default -> "image/svg+xml";
      };
      return new Response(200, type, in.readAllBytes(), Map.of(
          "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'"));
    }
  }

  private static HttpError notFound(String path) {
    return new HttpError(404, "no such page or endpoint: " + path + "; the API is under /api/v0/ (tasks, "
        + "actors, objects, nodes, resources, workers, summary, timeline, history, logs) and /metrics");
  }

  private static void requireParts(List<String> parts, String endpoint) throws HttpError {
    if (parts.size() != 1) {
      throw notFound("/api/v0/" + endpoint);
    }
  }

  private static void allowOnly(Map<String, String> query, Set<String> allowed) throws HttpError {
    for (String name : query.keySet()) {
      if (!allowed.contains(name)) {
        throw new HttpError(400, "unknown query parameter '" + name + "'; allowed here: "
            + (allowed.isEmpty() ? "none" : allowed.stream().sorted().toList()));
      }
    }
  }

  private static StateFilter filter(Map<String, String> query) {
    return new StateFilter(blankToNull(query.get("state")), blankToNull(query.get("name")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static int limit(Map<String, String> query) throws HttpError {
    String value = query.get("limit");
    if (value == null) {
      return StateApi.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value.strip());
      if (limit >= 1) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below, naming the allowed values
    }
    throw new HttpError(400, "limit must be an integer >= 1, got '" + value + "'");
  }

  /** A call of the state API whose IllegalArgumentException (a bad filter) becomes a 400. */
  private interface StateCall<T> {
    T call();
  }

  private static <T> T badRequestIfInvalid(StateCall<T> call) throws HttpError {
    try {
      return call.call();
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    } catch (IllegalStateException e) {
      throw new HttpError(409, e.getMessage());
    }
  }

  /** The query's parameters, decoded; a repeated parameter keeps its last value. */
  static Map<String, String> query(String raw) throws HttpError {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(name, value);
      } catch (IllegalArgumentException malformed) {
        throw new HttpError(400, "malformed query string: " + malformed.getMessage());
      }
    }
    return params;
  }
}
