package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.dashboard.DashboardServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's timeline and state API on a cluster: each gathers the nodes' own. One task runs on
 * each node (by a resource only that node has), and one large result stays on the second node.
 */
class ClusterObservabilityTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 2 --resource a=1", "--cpus 2 --resource b=1");

  private static Raylite ray;
  private static ObjectRef<long[]> largeOnB;
  private static ObjectRef<long[]> putOnDriver;

  @BeforeAll
  static void aTaskOnEachNode() {
    ray = CLUSTER.driver();
    ray.get(ray.task(() -> "a").name("on-a").resource("a", 1).remote());
    largeOnB = ray.task(() -> new long[100_000]).name("on-b").resource("b", 1).remote();
    ray.get(largeOnB);
    putOnDriver = ray.put(new long[50_000]);
  }

  /** Its hold() calls wait (two minutes at most) until release(); it runs three calls at once. */
  public static class Gate {
    private final CountDownLatch released = new CountDownLatch(1);

    public boolean hold(int i) throws InterruptedException {
      Raylite.context().log("gate-holding-%d", i);
      return released.await(2, TimeUnit.MINUTES);
    }

    public boolean release() {
      released.countDown();
      return true;
    }
  }

  /** Prints in its constructor and methods, on System.out, System.err and the runtime's log. */
  public static class Printer {
    public Printer(String greeting) {
      System.out.println("built with " + greeting);
    }

    public String say(String text) {
      System.out.println("said " + text);
      Raylite.context().log("logged %s", text);
      System.err.print("no newline after " + text);
      return Raylite.context().nodeId();
    }
  }

  /** The lines the driver printed on System.out and on System.err while {@code run} ran that contain {@code marker}. */
  private record Printed<T>(T value, List<String> out, List<String> err) {}

  private static <T> Printed<T> printedByDriver(String marker, java.util.function.Supplier<T> run) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    T value;
    try {
      value = run.get();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Printed<>(value, outBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(marker)).toList(),
        errBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(marker)).toList());
  }

  /** The only row the listing has. */
  private static <T> T only(Listing<T> listing) {
    assertEquals(1, listing.rows().size(), listing.toString());
    return listing.rows().getFirst();
  }

  private static String pidOfNode(String json, String nodeId) {
    Matcher m = Pattern.compile("\\{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":(\\d+),\"args\":\\{\"name\":\"node "
        + Pattern.quote(nodeId) + "\"}}").matcher(json);
    assertTrue(m.find(), "no process for node " + nodeId + " in " + json);
    return m.group(1);
  }

  @Test
  void timeline_onTheDriver_hasOneProcessPerNode_withTheTaskItRanOnAWorkerRow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("timeline.json");
    ray.timeline(file);
    String json = Files.readString(file);
    String a = pidOfNode(json, CLUSTER.node(0).nodeId);
    String b = pidOfNode(json, CLUSTER.node(1).nodeId);
    assertNotEquals(a, b);
    assertTrue(json.contains("{\"name\":\"on-a\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":" + a + ","), json);
    assertTrue(json.contains("{\"name\":\"on-b\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":" + b + ","), json);
    assertTrue(Pattern.compile("\\{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + b + ",\"tid\":-?\\d+,\"args\":\\{\"name\":\"worker ")
        .matcher(json).find(), json);
  }

  @Test
  void stateApi_listsEachTaskOnTheNodeThatRanIt() {
    Listing<TaskInfo> onB = ray.state().tasks(StateFilter.name("on-b"), 10);
    assertEquals(1, onB.rows().size(), onB.toString());
    TaskInfo row = onB.rows().getFirst();
    assertEquals(TaskState.FINISHED, row.state());
    assertTrue(row.taskId().startsWith(CLUSTER.node(1).nodeId + "/"), row.taskId());
    assertTrue(row.worker().startsWith("node " + CLUSTER.node(1).nodeId + " worker "), row.worker());
  }

  @Test
  void stateApi_findsATaskThatRanOnANode_byTheIdItsRowShows() {
    TaskInfo listed = only(ray.state().tasks(StateFilter.name("on-b"), 10));
    assertEquals(listed, ray.state().task(listed.taskId()).orElseThrow());
  }

  @Test
  void stateApi_findsNoTask_forAnIdOfANodeThatIsNotInTheCluster() {
    assertTrue(ray.state().task("127.0.0.1:1/task-1").isEmpty());
    assertTrue(ray.state().task(CLUSTER.node(1).nodeId + "/task-ffffff").isEmpty());
  }

  @Test
  void dashboardApi_servesTheDetailOfATaskThatRanOnANode() throws Exception {
    TaskInfo listed = only(ray.state().tasks(StateFilter.name("on-b"), 10));
    try (DashboardServer dashboard = DashboardServer.start(ray, "127.0.0.1", 0)) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          dashboard.url() + "/api/v0/tasks/" + URLEncoder.encode(listed.taskId(), StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.body().contains("\"task_id\":\"" + listed.taskId() + "\""), response.body());
      assertTrue(response.body().contains("\"state\":\"FINISHED\""), response.body());
    }
  }

  @Test
  void dashboardApi_servesTheDetailOfAnActorOnANode_withItsNodeAndRecentCalls() throws Exception {
    ActorHandle<Printer> printer = ray.actor(Printer::new, "hey").name("detailed").resource("b", 0.5).remote();
    try (DashboardServer dashboard = DashboardServer.start(ray, "127.0.0.1", 0)) {
      ray.get(printer.task(Printer::say, "four").remote(), Duration.ofMinutes(2));
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          dashboard.url() + "/api/v0/actors/" + printer.id())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.body().contains("\"node_id\":\"" + CLUSTER.node(1).nodeId + "\""), response.body());
      assertTrue(response.body().contains("\"name\":\"ClusterObservabilityTest.Printer.say\""), response.body());
    } finally {
      ray.kill(printer);
    }
  }

  @Test
  void stateApi_listsTheRecentCallsOfAnActorOnANode() {
    ActorHandle<Printer> printer = ray.actor(Printer::new, "yo").resource("b", 0.5).remote();
    try {
      ray.get(printer.task(Printer::say, "five").remote(), Duration.ofMinutes(2));
      List<TaskInfo> calls = ray.state().actorCalls(printer.id(), 10);
      assertEquals(1, calls.size(), calls.toString());
      assertEquals(TaskState.FINISHED, calls.getFirst().state());
      assertTrue(calls.getFirst().taskId().startsWith(CLUSTER.node(1).nodeId + "/"), calls.toString());
    } finally {
      ray.kill(printer);
    }
  }

  @Test
  void stateApi_listsObjectsOnTheNodes_besideTheDriversPuts() {
    Listing<ObjectInfo> objects = ray.state().objects();
    assertTrue(objects.rows().stream().anyMatch(o -> o.objectId().startsWith(CLUSTER.node(1).nodeId + "/")
        && o.sizeBytes() >= 800_000), objects.toString());
    assertTrue(objects.rows().stream().anyMatch(o -> o.objectId().equals(putOnDriver.id())), objects.toString());
    assertEquals(100_000, ray.get(largeOnB).length);
  }

  @Test
  void stateApi_listsAnActorOnItsNode_underItsHandlesId_withItsClassNameStateAndPendingCalls() throws Exception {
    var first = CLUSTER.node(1).line("gate-holding-1");
    var second = CLUSTER.node(1).line("gate-holding-2");
    ActorHandle<Gate> gate = ray.actor(Gate::new).name("gate").resource("b", 0.5).maxConcurrency(3).remote();
    ObjectRef<Boolean> held1 = gate.task(Gate::hold, 1).remote();
    ObjectRef<Boolean> held2 = gate.task(Gate::hold, 2).remote();
    try {
      first.get(2, TimeUnit.MINUTES);
      second.get(2, TimeUnit.MINUTES);
      ActorInfo row = only(ray.state().actors(StateFilter.name("gate"), 10));
      assertEquals(gate.id(), row.actorId());
      assertEquals(CLUSTER.node(1).nodeId, row.nodeId());
      assertEquals(ActorState.ALIVE, row.state());
      assertTrue(row.className().endsWith("Gate"), row.className());
      assertEquals(0, row.restarts());
      assertEquals(2, row.pendingCalls(), row.toString());
      assertEquals(0.5, row.resources().get("b"));
    } finally {
      ray.get(gate.task(Gate::release).remote(), Duration.ofMinutes(2));
      ray.get(held1, Duration.ofMinutes(2));
      ray.get(held2, Duration.ofMinutes(2));
      ray.kill(gate);
    }
  }

  @Test
  void stateApi_listsAKilledActorAsDead_onItsNode_withTheCause() throws Exception {
    ActorHandle<Gate> doomed = ray.actor(Gate::new).name("killed-gate").resource("a", 0.5).remote();
    ray.get(doomed.task(Gate::release).remote(), Duration.ofMinutes(2));
    ray.kill(doomed);
    assertThrows(io.raylite.ActorDiedException.class,
        () -> ray.get(doomed.task(Gate::release).remote(), Duration.ofMinutes(2)));
    ActorInfo row = only(ray.state().actors(StateFilter.name("killed-gate"), 10));
    assertEquals(doomed.id(), row.actorId());
    assertEquals(CLUSTER.node(0).nodeId, row.nodeId());
    assertEquals(ActorState.DEAD, row.state());
    assertTrue(row.deathCause() != null && !row.deathCause().isEmpty(), row.toString());
    assertFalse(ray.state().actors(StateFilter.state("ALIVE"), 100).rows().stream()
        .anyMatch(a -> a.actorId().equals(doomed.id())));
  }

  @Test
  void linesAnActorMethodPrintsOnANode_arePrintedByTheDriverWithTheMethodNodeAndActor_beforeGetReturns() {
    ActorHandle<Printer> printer = ray.actor(Printer::new, "hello").resource("b", 0.5).remote();
    try {
      String prefix = "(ClusterObservabilityTest.Printer.say node=" + CLUSTER.node(1).nodeId + " actor="
          + printer.id() + ") ";
      Printed<String> printed = printedByDriver(prefix,
          () -> ray.get(printer.task(Printer::say, "one").remote(), Duration.ofMinutes(2)));
      assertEquals(CLUSTER.node(1).nodeId, printed.value());
      assertEquals(List.of(prefix + "said one", prefix + "logged one"), printed.out());
      assertEquals(List.of(prefix + "no newline after one"), printed.err());
    } finally {
      ray.kill(printer);
    }
  }

  @Test
  void linesAnActorsConstructorPrintsOnANode_arePrintedByTheDriverThatCreatedIt_beforeItsFirstCallReturns() {
    Printed<ActorHandle<Printer>> printed = printedByDriver("built with", () -> {
      ActorHandle<Printer> printer = ray.actor(Printer::new, "greetings").resource("b", 0.5).remote();
      ray.get(printer.task(Printer::say, "two").remote(), Duration.ofMinutes(2));
      return printer;
    });
    try {
      assertEquals(List.of("(ClusterObservabilityTest.Printer.new node=" + CLUSTER.node(1).nodeId + " actor="
          + printed.value().id() + ") built with greetings"), printed.out());
    } finally {
      ray.kill(printed.value());
    }
  }

  @Test
  void linesOfAnActorCalledFromATaskOnANode_reachTheDriverAsThatTasksLines() {
    ActorHandle<Printer> printer = ray.actor(Printer::new, "hi").resource("b", 0.5).remote();
    try {
      String marker = "actor=" + printer.id() + ") said three";
      Printed<String> printed = printedByDriver(marker, () -> ray.get(ray.task((ActorHandle<Printer> p) ->
          Raylite.current().get(p.task(Printer::say, "three").remote()), printer).name("caller").resource("a", 1)
          .remote(), Duration.ofMinutes(2)));
      assertEquals(List.of("(ClusterObservabilityTest.Printer.say node=" + CLUSTER.node(1).nodeId + " " + marker),
          printed.out());
    } finally {
      ray.kill(printer);
    }
  }

  @Test
  void nodes_listEveryNodeWithItsResourcesAndState() {
    var nodes = ray.state().nodes();
    assertEquals(2, nodes.size(), nodes.toString());
    for (var n : nodes) {
      assertTrue(n.alive(), n.toString());
    }
    assertEquals(1.0, nodes.stream().filter(n -> n.nodeId().equals(CLUSTER.node(1).nodeId)).findFirst().orElseThrow()
        .resources().get("b"));
  }
}
