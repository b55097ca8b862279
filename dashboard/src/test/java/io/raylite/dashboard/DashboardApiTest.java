package io.raylite.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.StateFilter;
import io.raylite.TaskFailedException;
import io.raylite.TaskInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON API and /metrics over HTTP, against a runtime holding known tasks, actors and objects:
 * 20 finished tasks named {@code "ok"}, one failed {@code "broken"}, one {@code "held"} running
 * until the class ends with a custom resource, an actor with calls, and two large objects.
 */
@Timeout(120)
class DashboardApiTest {
  static final int OK_TASKS = 20;
  static Raylite ray;
  static String base;
  static HttpClient http;
  static final CompletableFuture<Void> release = new CompletableFuture<>();
  static ObjectRef<Integer> held;
  static ObjectRef<byte[]> big;
  static ObjectRef<byte[]> bigger;
  static ActorHandle<Counter> counter;
  static final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  static final class Counter {
    int total;

    int add(int n) {
      total += n;
      return total;
    }
  }

  static int hold(CountDownLatch started, CompletableFuture<Void> until) throws Exception {
    started.countDown();
    until.get();
    return 1;
  }

  static int fail(String message) {
    throw new IllegalArgumentException(message);
  }

  @BeforeAll
  static void start() throws Exception {
    ray = Raylite.builder().cpus(2).resource("slot", 2).dashboard(0)
        .logStream(new PrintStream(printed, true, StandardCharsets.UTF_8)).build();
    base = ray.dashboardUrl().orElseThrow();
    http = HttpClient.newHttpClient();
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < OK_TASKS; i++) {
      refs.add(ray.task(() -> 1).name("ok").remote());
    }
    ray.get(refs);
    ObjectRef<Integer> broken = ray.task(DashboardApiTest::fail, "bad input").name("broken").remote();
    try {
      ray.get(broken);
    } catch (TaskFailedException expected) {
      // the failure is what the tests look at
    }
    CountDownLatch started = new CountDownLatch(1);
    held = ray.task(DashboardApiTest::hold, started, release).name("held").resource("slot", 1).remote();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    counter = ray.actor(Counter::new).name("counter").remote();
    ray.get(counter.task(Counter::add, 2).remote());
    ray.get(counter.task(Counter::add, 3).remote());
    big = ray.put(new byte[50_000]);
    bigger = ray.task(() -> new byte[80_000]).name("maker").remote();
    ray.get(bigger);
  }

  @AfterAll
  static void stop() throws Exception {
    release.complete(null);
    ray.get(held);
    ray.close();
  }

  static HttpResponse<String> send(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> json(String path) throws Exception {
    HttpResponse<String> response = send(path);
    assertEquals(200, response.statusCode(), () -> path + ": " + response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    return JSON.std.mapFrom(response.body());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Map<String, Object> listing) {
    return (List<Map<String, Object>>) listing.get("rows");
  }

  @Test
  void init_printsTheDashboardLineAsRayDoes() {
    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("Started a local Raylite instance. View the dashboard at http://127.0.0.1:"), out);
    assertTrue(out.contains(base), out);
  }

  @Test
  void tasks_matchTheStateApi_withCountsAndStates() throws Exception {
    Map<String, Object> listing = json("/api/v0/tasks?name=ok&limit=1000");
    assertEquals(OK_TASKS, listing.get("total"));
    assertEquals(false, listing.get("truncated"));
    for (Map<String, Object> row : rows(listing)) {
      assertEquals("FINISHED", row.get("state"));
      assertEquals("driver", row.get("caller"));
    }
    Map<String, Object> running = rows(json("/api/v0/tasks?state=RUNNING")).get(0);
    assertEquals("held", running.get("name"));
    TaskInfo held = ray.state().tasks(StateFilter.name("held"), 1).rows().get(0);
    assertEquals(held.taskId(), running.get("task_id"));
    assertEquals(held.worker(), running.get("worker"));
    assertEquals(Map.of("CPU", 1.0, "slot", 1.0), running.get("resources"));
  }

  @Test
  void tasks_filterAppliesBeforeTheLimit_andTheListingSaysItWasTruncated() throws Exception {
    Map<String, Object> limited = json("/api/v0/tasks?state=FINISHED&limit=5");
    assertEquals(5, rows(limited).size());
    assertEquals(true, limited.get("truncated"));
    assertTrue((Integer) limited.get("total") >= OK_TASKS);
    Map<String, Object> running = json("/api/v0/tasks?state=running&limit=1");
    assertEquals(1, running.get("total"));
    assertEquals(false, running.get("truncated"));
  }

  @Test
  void taskDetail_showsTheErrorWithItsStackTrace() throws Exception {
    Map<String, Object> failed = rows(json("/api/v0/tasks?state=FAILED")).get(0);
    Map<String, Object> detail = json("/api/v0/tasks/" + failed.get("task_id"));
    assertEquals("broken", detail.get("name"));
    assertEquals("java.lang.IllegalArgumentException: bad input", detail.get("error_summary"));
    assertTrue(((String) detail.get("error")).contains("DashboardApiTest.fail"), (String) detail.get("error"));
  }

  @Test
  void placementGroups_listEachGroupWithItsBundles() throws Exception {
    io.raylite.PlacementGroup pg = ray.placementGroup(List.of(Map.of("CPU", 0.5)), io.raylite.PlacementStrategy.PACK,
        "dashboard-pg");
    try {
      assertTrue(pg.wait(java.time.Duration.ofSeconds(30)));
      HttpResponse<String> response = send("/api/v0/placement_groups");
      assertEquals(200, response.statusCode(), response::body);
      List<Object> groups = JSON.std.listFrom(response.body());
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) groups.get(0);
      assertEquals(pg.id(), row.get("placement_group_id"));
      assertEquals("dashboard-pg", row.get("name"));
      assertEquals("CREATED", row.get("state"));
      assertEquals(List.of(Map.of("index", 0, "resources", Map.of("CPU", 0.5), "available", Map.of("CPU", 0.5),
          "gpu_ids", List.of())), row.get("bundles"));
    } finally {
      ray.removePlacementGroup(pg);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void taskDetail_ofALiveTask_explainsWhyItIsNotReady() throws Exception {
    Map<String, Object> running = rows(json("/api/v0/tasks?state=RUNNING")).get(0);
    Map<String, Object> explanation = (Map<String, Object>) json("/api/v0/tasks/" + running.get("task_id"))
        .get("explanation");
    assertEquals("RUNNING", explanation.get("reason"));
    assertEquals(ray.explain(held).detail().substring(0, 20), ((String) explanation.get("detail")).substring(0, 20));
    assertTrue(((String) explanation.get("text")).contains("task 'held'"), (String) explanation.get("text"));
  }

  @Test
  void taskDetail_ofAFinishedTask_hasNoExplanation() throws Exception {
    Map<String, Object> failed = rows(json("/api/v0/tasks?state=FAILED")).get(0);
    Map<String, Object> detail = json("/api/v0/tasks/" + failed.get("task_id"));
    assertEquals(null, detail.get("explanation"), "a finished task has nothing to wait for");
  }

  @Test
  void unknownTask_gets404() throws Exception {
    assertEquals(404, send("/api/v0/tasks/task-ffffff").statusCode());
  }

  @Test
  void actors_showTheActorAndItsRecentCalls() throws Exception {
    Map<String, Object> actor = rows(json("/api/v0/actors?name=counter")).get(0);
    assertEquals(counter.id(), actor.get("actor_id"));
    assertEquals("ALIVE", actor.get("state"));
    assertEquals(0, actor.get("restarts"));
    assertEquals(0, actor.get("pending_calls"));
    assertEquals(ray.namespace(), actor.get("namespace"));
    assertEquals("NON_DETACHED", actor.get("lifetime"));
    Map<String, Object> detail = json("/api/v0/actors/" + counter.id());
    assertEquals(2, ((List<?>) detail.get("calls")).size());
  }

  @Test
  void objects_listTheLargestFirst_withTheStoreStatistics() throws Exception {
    Map<String, Object> objects = json("/api/v0/objects");
    List<Map<String, Object>> rows = rows(objects);
    assertEquals(2, objects.get("total"));
    assertEquals(bigger.id(), rows.get(0).get("object_id"));
    assertEquals(big.id(), rows.get(1).get("object_id"));
    assertEquals("put by driver", rows.get(1).get("producer"));
    assertEquals("MEMORY", rows.get(0).get("location"));
    assertEquals(rows.get(1).get("references"), rows.get(1).get("local_refs"));
    assertEquals(0, rows.get(1).get("pending_task_arguments"));
    @SuppressWarnings("unchecked")
    Map<String, Object> store = (Map<String, Object>) objects.get("store");
    assertEquals(ray.objectStoreStats().bytesInMemory(), ((Number) store.get("bytes_in_memory")).longValue());
    assertEquals(2, ((Number) store.get("objects_in_memory")).intValue());
  }

  @Test
  void resources_showWhatTheRunningTaskHolds() throws Exception {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> resources = (List<Map<String, Object>>) json("/api/v0/resources").get("resources");
    Map<String, Object> slot = resources.stream().filter(r -> r.get("name").equals("slot")).findFirst().orElseThrow();
    assertEquals(2.0, slot.get("total"));
    assertEquals(1.0, slot.get("used"));
  }

  @Test
  void nodes_listTheRuntimesNodesWithTheirResourcesAndState() throws Exception {
    HttpResponse<String> response = send("/api/v0/nodes");
    assertEquals(200, response.statusCode());
    List<Object> nodes = JSON.std.listFrom(response.body());
    assertEquals(ray.nodes().size(), nodes.size(), response.body());
    Map<?, ?> node = (Map<?, ?>) nodes.getFirst();
    assertEquals(ray.nodes().getFirst().nodeId(), node.get("node_id"));
    assertEquals("ALIVE", node.get("state"));
    assertEquals(2.0, ((Map<?, ?>) node.get("resources")).get("slot"), response.body());
  }

  @Test
  void workers_showTheRunningTaskOnItsWorker() throws Exception {
    HttpResponse<String> response = send("/api/v0/workers");
    assertEquals(200, response.statusCode());
    List<Object> workers = JSON.std.listFrom(response.body());
    String heldId = ray.state().tasks(StateFilter.name("held"), 1).rows().get(0).taskId();
    assertTrue(workers.stream().anyMatch(w -> ((Map<?, ?>) w).get("running").equals(List.of(heldId))), response.body());
  }

  @Test
  void summary_countsByNameAndState() throws Exception {
    Map<String, Object> summary = json("/api/v0/summary");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> byName = (Map<String, Map<String, Object>>) summary.get("by_name");
    assertEquals(OK_TASKS, byName.get("ok").get("FINISHED"));
    assertEquals(1, byName.get("broken").get("FAILED"));
    assertEquals(1, byName.get("held").get("RUNNING"));
  }

  @Test
  void timeline_isAChromeTraceWithABarPerFinishedTask() throws Exception {
    Map<String, Object> trace = json("/api/v0/timeline");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events = (List<Map<String, Object>>) trace.get("traceEvents");
    long okBars = events.stream().filter(e -> "X".equals(e.get("ph")) && "ok".equals(e.get("name"))).count();
    assertEquals(OK_TASKS, okBars);
    HttpResponse<String> download = send("/api/v0/timeline?download");
    assertTrue(download.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));
  }

  @Test
  void metrics_usesRaysNamesInPrometheusTextFormat() throws Exception {
    HttpResponse<String> response = send("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    String body = response.body();
    String session = ray.state().runtimeName();
    assertTrue(body.contains("ray_tasks{Name=\"ok\",State=\"FINISHED\",SessionName=\"" + session + "\"} " + OK_TASKS), body);
    assertTrue(body.contains("ray_tasks{Name=\"held\",State=\"RUNNING\",SessionName=\"" + session + "\"} 1"), body);
    assertTrue(body.contains("ray_resources{Name=\"slot\",State=\"USED\",SessionName=\"" + session + "\"} 1"), body);
    assertTrue(body.contains("ray_actors{State=\"ALIVE\",SessionName=\"" + session + "\"} 1"), body);
    long inMemory = ray.objectStoreStats().bytesInMemory();
    assertTrue(body.contains("ray_object_store_memory{Location=\"MMAP_SHM\",SessionName=\"" + session + "\"} " + inMemory), body);
    assertTrue(body.contains("# TYPE ray_tasks gauge"), body);
  }

  @Test
  void history_hasSamplesOfResourceUse() throws Exception {
    Map<String, Object> history = json("/api/v0/history");
    assertFalse(((List<?>) history.get("samples")).isEmpty(), "the sampler takes one at start");
  }

  @Test
  void logs_areServed() throws Exception {
    ray.get(ray.task(() -> {
      Raylite.context().log("hello from a task");
      return 1;
    }).name("talker").remote());
    @SuppressWarnings("unchecked")
    List<String> lines = (List<String>) json("/api/v0/logs").get("lines");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("(talker worker=") && l.endsWith("hello from a task")), lines.toString());
  }

  @Test
  void pagesAndAssets_areServedFromTheJar() throws Exception {
    for (String page : new String[] {"/", "/tasks", "/actors", "/objects", "/timeline", "/logs"}) {
      HttpResponse<String> response = send(page);
      assertEquals(200, response.statusCode(), page);
      assertTrue(response.body().contains("<script type=\"module\""), page);
    }
    HttpResponse<String> module = send("/static/overview.js");
    assertEquals(200, module.statusCode());
    assertTrue(module.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
  }

  @Test
  void unknownPaths_get404() throws Exception {
    for (String path : new String[] {"/nope", "/api/v0/jobs", "/api/v0/tasks/a/b", "/static/../pom.xml",
        "/static/missing.js", "/api/v1/tasks"}) {
      HttpResponse<String> response = send(path);
      assertEquals(404, response.statusCode(), path);
      assertTrue(JSON.std.mapFrom(response.body()).get("error").toString().contains("no such"), path);
    }
  }

  @Test
  void unknownState_gets400_namingTheAllowedStates() throws Exception {
    HttpResponse<String> response = send("/api/v0/tasks?state=SLEEPING");
    assertEquals(400, response.statusCode());
    String error = (String) JSON.std.mapFrom(response.body()).get("error");
    assertTrue(error.contains("'SLEEPING'") && error.contains("PENDING_ARGS_AVAIL"), error);
  }

  @Test
  void badLimit_gets400() throws Exception {
    for (String limit : new String[] {"abc", "0", "-3", ""}) {
      HttpResponse<String> response = send("/api/v0/tasks?limit=" + limit);
      assertEquals(400, response.statusCode(), limit);
      assertTrue(JSON.std.mapFrom(response.body()).get("error").toString().contains("limit must be"), limit);
    }
  }

  @Test
  void unknownParameter_gets400_namingTheAllowedOnes() throws Exception {
    HttpResponse<String> response = send("/api/v0/objects?sort=size");
    assertEquals(400, response.statusCode());
    String error = (String) JSON.std.mapFrom(response.body()).get("error");
    assertTrue(error.contains("'sort'") && error.contains("limit"), error);
  }

  @Test
  void badActorState_gets400() throws Exception {
    assertEquals(400, send("/api/v0/actors?state=FINISHED").statusCode());
  }

  @Test
  void nextFreePort_isTakenWhenTheAskedOneIsBusy() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      try (Raylite other = Raylite.builder().cpus(1).dashboard(port)
          .logStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build()) {
        String url = other.dashboardUrl().orElseThrow();
        int chosen = URI.create(url).getPort();
        assertNotEquals(port, chosen);
        assertTrue(chosen > port && chosen < port + DashboardServer.PORT_TRIES, url);
      }
    }
  }

  @Test
  void dashboardFalse_startsNone() {
    try (Raylite quiet = Raylite.builder().cpus(1).dashboard(false).build()) {
      assertTrue(quiet.dashboardUrl().isEmpty());
    }
  }

  @Test
  void dashboardIsOnByDefault_andThePortPropertyChoosesItsPort() {
    String before = System.getProperty("raylite.dashboard.port");
    System.setProperty("raylite.dashboard.port", "0");
    try (Raylite dflt = Raylite.builder().cpus(1)
        .logStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build()) {
      assertTrue(dflt.dashboardUrl().orElseThrow().startsWith("http://127.0.0.1:"));
    } finally {
      if (before == null) {
        System.clearProperty("raylite.dashboard.port");
      } else {
        System.setProperty("raylite.dashboard.port", before);
      }
    }
  }

  @Test
  void portPropertyOff_turnsItOff() {
    String before = System.getProperty("raylite.dashboard.port");
    System.setProperty("raylite.dashboard.port", "off");
    try (Raylite dflt = Raylite.builder().cpus(1).build()) {
      assertTrue(dflt.dashboardUrl().isEmpty());
    } finally {
      if (before == null) {
        System.clearProperty("raylite.dashboard.port");
      } else {
        System.setProperty("raylite.dashboard.port", before);
      }
    }
  }

  @Test
  void closingTheRuntime_stopsTheDashboard() throws Exception {
    Raylite shortLived = Raylite.builder().cpus(1).dashboard(0)
        .logStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build();
    URI url = URI.create(shortLived.dashboardUrl().orElseThrow() + "/api/v0/summary");
    assertEquals(200, http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    shortLived.close();
    assertTrue(assertThrowsIo(url));
  }

  private static boolean assertThrowsIo(URI url) throws InterruptedException {
    try {
      http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
      return false;
    } catch (IOException refused) {
      return true;
    }
  }
}
