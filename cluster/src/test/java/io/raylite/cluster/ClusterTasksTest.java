package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.InfeasibleResourceException;
import io.raylite.NodeInfo;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import io.raylite.examples.ActorsExample;
import io.raylite.examples.ObjectsExample;
import io.raylite.examples.Quickstart;
import io.raylite.examples.TasksExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tasks and objects across three node JVMs on loopback: a head, a node with disk, a node with a GPU. */
class ClusterTasksTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of(
      "--cpus 1", "--cpus 1 --resource disk=1", "--cpus 2 --gpus 1");
  private static Raylite ray;

  @BeforeAll
  static void connect() {
    ray = CLUSTER.driver();
  }

  @AfterAll
  static void disconnect() {
    ray.close();
  }

  private static String disk() {
    return CLUSTER.node(1).nodeId;
  }

  private static String gpu() {
    return CLUSTER.node(2).nodeId;
  }

  @Test
  void nodes_listEveryNodeWithItsResources() {
    Map<String, NodeInfo> nodes = ray.nodes().stream().collect(Collectors.toMap(NodeInfo::nodeId, n -> n));
    assertEquals(3, nodes.size(), nodes.toString());
    assertEquals(1.0, nodes.get(disk()).resources().get("disk"));
    assertEquals(1.0, nodes.get(gpu()).resources().get("GPU"));
    assertTrue(nodes.values().stream().allMatch(NodeInfo::alive));
  }

  @Test
  void totalResources_areTheSumOfTheNodes() {
    assertEquals(4.0, ray.totalResources().get("CPU"));
    assertEquals(1.0, ray.totalResources().get("disk"));
  }

  @Test
  void task_askingForACustomResource_runsOnTheNodeThatHasIt() {
    ObjectRef<String> where = ray.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote();
    assertEquals(disk(), ray.get(where));
  }

  @Test
  void twoHalfGpuTasks_shareTheDeviceOfTheGpuNode() {
    ObjectRef<String> a = ray.task(() -> Raylite.context().nodeId() + " " + Raylite.context().gpuIds())
        .numGpus(0.5).remote();
    ObjectRef<String> b = ray.task(() -> Raylite.context().nodeId() + " " + Raylite.context().gpuIds())
        .numGpus(0.5).remote();
    assertEquals(List.of(gpu() + " [0]", gpu() + " [0]"), ray.get(List.of(a, b)));
  }

  @Test
  void requestNoNodeCanMeet_failsAtSubmission() {
    assertThrows(InfeasibleResourceException.class, () -> ray.task(() -> 1).numCpus(2).resource("disk", 1).remote());
  }

  @Test
  void get_ofASmallResultOfAnotherJvm_returnsIt() {
    assertEquals("hello from " + disk(), ray.get(ray.task(() -> "hello from " + Raylite.context().nodeId())
        .resource("disk", 1).remote()));
  }

  @Test
  void get_ofA100MiBObjectOwnedByAnotherJvm_returnsItsBytes() {
    ObjectRef<byte[]> big = ray.task(() -> {
      byte[] b = new byte[100 << 20];
      for (int i = 0; i < b.length; i += 4096) {
        b[i] = (byte) (i >>> 12);
      }
      return b;
    }).resource("disk", 1).remote();
    byte[] got = ray.get(big);
    assertEquals(100 << 20, got.length);
    assertEquals((byte) ((got.length - 4096) >>> 12), got[got.length - 4096]);
    ray.free(List.of(big));
  }

  @Test
  void toCompletableFuture_ofAnObjectOwnedByANode_completesWithItsValue() throws Exception {
    ObjectRef<int[]> numbers = ray.task(() -> java.util.stream.IntStream.range(0, 1000).toArray())
        .resource("disk", 1).remote();
    assertEquals(999, numbers.toCompletableFuture().get(2, java.util.concurrent.TimeUnit.MINUTES)[999]);
  }

  @Test
  void objectOwnedByOneNode_isFetchedByATaskOnAnother() {
    ObjectRef<int[]> numbers = ray.task(() -> java.util.stream.IntStream.rangeClosed(1, 1000).toArray())
        .resource("disk", 1).remote();
    ObjectRef<String> sum = ray.task((int[] n) -> Raylite.context().nodeId() + " " + java.util.Arrays.stream(n).sum(),
        numbers).numGpus(1).remote();
    assertEquals(gpu() + " 500500", ray.get(sum));
  }

  @Test
  void objectOwnedByANode_isDroppedThere_whenTheDriversLastRefIsCollected() throws Exception {
    int before = ownedByDiskNodeAfterDroppingOne();
    ObjectRef<Boolean> dropped = ray.task(() -> ClusterNode.current().awaitOwnedAtMost(before - 1,
        java.time.Duration.ofMinutes(2))).resource("disk", 1).remote();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    do {
      System.gc();  // the driver's ref, then its store's hold on the remote object, are collected
      assertTrue(System.nanoTime() < deadline, "the node never dropped the object");
    } while (ray.wait(List.of(dropped), 1, java.time.Duration.ofMillis(200)).ready().isEmpty());
    assertTrue(ray.get(dropped));
  }

  /** Creates an object owned by the disk node and drops the driver's only ref; returns what the node owned then. */
  private static int ownedByDiskNodeAfterDroppingOne() {
    ObjectRef<long[]> data = ray.task(() -> new long[1000]).resource("disk", 1).remote();
    assertArrayEquals(new long[1000], ray.get(data));
    return ray.get(ray.task(() -> ClusterNode.current().ownedObjects()).resource("disk", 1).remote());
  }

  @Test
  void free_dropsTheObjectOnItsOwner() {
    ObjectRef<long[]> data = ray.task(() -> new long[1000]).resource("disk", 1).remote();
    assertArrayEquals(new long[1000], ray.get(data));
    int before = ray.get(ray.task(() -> ClusterNode.current().ownedObjects()).resource("disk", 1).remote());
    ray.free(List.of(data));
    int after = ray.get(ray.task(() -> ClusterNode.current().ownedObjects()).resource("disk", 1).remote());
    assertEquals(before - 1, after);
  }

  @Test
  void taskException_reachesGetAsTheCause() {
    ObjectRef<Integer> bad = ray.<Integer>task(() -> {
      throw new IllegalStateException("broken on " + Raylite.context().nodeId());
    }).resource("disk", 1).remote();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(bad));
    assertEquals(IllegalStateException.class, e.getCause().getClass());
    assertEquals("broken on " + disk(), e.getCause().getMessage());
  }

  /**
   * The lines the driver printed on System.out and System.err while {@code run} ran that start with
   * {@code "(" + taskName}, and what it returned. Other lines (the nodes' output, which
   * LoopbackCluster echoes, and Hazelcast's warnings) are left out.
   */
  private record Printed<T>(T value, List<String> out, List<String> err) {}

  private static <T> Printed<T> printedByDriver(String taskName, java.util.function.Supplier<T> run) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, UTF_8));
    System.setErr(new PrintStream(errBytes, true, UTF_8));
    T value;
    try {
      value = run.get();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Printed<>(value, outBytes.toString(UTF_8).lines().filter(l -> l.startsWith("(" + taskName)).toList(),
        errBytes.toString(UTF_8).lines().filter(l -> l.startsWith("(" + taskName)).toList());
  }

  @Test
  void linesATaskPrintsOnANode_arePrintedByTheDriverWithNodeAndWorker_beforeGetReturns() {
    Printed<String> printed = printedByDriver("printer", () -> ray.get(ray.task(() -> {
      System.out.println("printed on " + Raylite.context().nodeId());
      Raylite.context().log("logged %d", 7);
      return Raylite.context().workerName();
    }).name("printer").resource("disk", 1).remote()));
    String prefix = "(printer node=" + disk() + " worker=" + printed.value() + ") ";
    assertEquals(List.of(prefix + "printed on " + disk(), prefix + "logged 7"), printed.out());
  }

  @Test
  void manyLinesOfATask_reachTheDriverInTheOrderPrinted() {
    Printed<String> printed = printedByDriver("chatty", () -> ray.get(ray.task(() -> {
      for (int i = 0; i < 2000; i++) {
        System.out.println("line " + i);
      }
      return Raylite.context().workerName();
    }).name("chatty").resource("disk", 1).remote()));
    String prefix = "(chatty node=" + disk() + " worker=" + printed.value() + ") ";
    assertEquals(java.util.stream.IntStream.range(0, 2000).mapToObj(i -> prefix + "line " + i).toList(), printed.out());
  }

  @Test
  void linesATaskPrintsOnStandardError_areForwardedToTheDriversStandardError() {
    Printed<String> printed = printedByDriver("warner", () -> ray.get(ray.task(() -> {
      System.err.print("no newline at the end");
      return Raylite.context().workerName();
    }).name("warner").resource("disk", 1).remote()));
    assertEquals(List.of("(warner node=" + disk() + " worker=" + printed.value() + ") no newline at the end"),
        printed.err());
    assertEquals(List.of(), printed.out());
  }

  @Test
  void nestedTasks_fannedOutByATaskOnANodeBeyondItsCpus_runOnSeveralNodes() {
    List<String> where = ray.get(ray.task(() -> {
      Raylite inner = Raylite.current();
      // The children wait for one gate, so that they are placed together, while all are pending.
      ObjectRef<Integer> gate = inner.task(() -> 0).remote();
      List<ObjectRef<String>> children = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        children.add(inner.task((Integer g) -> Raylite.context().nodeId(), gate).remote());
      }
      return new java.util.ArrayList<>(inner.get(children));
    }).resource("disk", 1).remote());
    assertEquals(4, where.size());
    assertTrue(where.contains(disk()), "the parent's node, which fits the first child, ran none: " + where);
    assertTrue(new java.util.HashSet<>(where).size() >= 2, "every child ran on one node: " + where);
  }

  @Test
  void nestedTask_needingAResourceOnlyAnotherNodeHas_runsThere_andItsGetReturnsOnTheParentsNode() {
    String where = ray.get(ray.task(() -> {
      Raylite inner = Raylite.current();
      String child = inner.get(inner.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote());
      return Raylite.context().nodeId() + " got " + child;
    }).numGpus(0.5).remote());
    assertEquals(gpu() + " got " + disk(), where);
  }

  @Test
  void linesANestedTaskPrintsOnAnotherNode_reachTheDriver() {
    Printed<String> printed = printedByDriver("nested", () -> ray.get(ray.task(() -> {
      Raylite inner = Raylite.current();
      return inner.get(inner.task(() -> {
        System.out.println("from the child");
        return Raylite.context().workerName();
      }).name("nested").resource("disk", 1).remote());
    }).numGpus(0.5).remote()));
    assertEquals(List.of("(nested node=" + disk() + " worker=" + printed.value() + ") from the child"), printed.out());
  }

  /** Says "parked TAG" in its node's output and waits until it is interrupted. */
  static String parkTagged(String tag) throws InterruptedException {
    Raylite.context().log("parked %s", tag);
    NodeFailureTest.NEVER.await();
    return tag;
  }

  @Test
  void forceCancel_ofATaskRunningOnANode_interruptsItThere_andGetThrowsTaskCancelled() throws Exception {
    var parked = CLUSTER.node(1).line("parked force-cancelled");
    ObjectRef<String> running = ray.task(() -> parkTagged("force-cancelled")).resource("disk", 1).remote();
    parked.get(2, java.util.concurrent.TimeUnit.MINUTES);
    ray.cancel(running, true);
    assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(running));
    // The node's disk is free again only if the task was interrupted there.
    assertEquals(disk(), ray.get(ray.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote(),
        java.time.Duration.ofMinutes(2)));
  }

  @Test
  void forceCancel_ofATaskThatStartedOnItsNodeBeforeItsSubmitterHeardItWasSent_interruptsItThere() throws Exception {
    var sentHeard = new java.util.concurrent.CompletableFuture<Void>();
    HazelcastBackend.HOLD_AFTER_DISPATCH.put("late-to-hear", sentHeard);
    var parked = CLUSTER.node(1).line("parked late-to-hear");
    ObjectRef<String> running = ray.task(() -> parkTagged("late-to-hear")).name("late-to-hear")
        .resource("disk", 1).remote();
    try {
      parked.get(2, java.util.concurrent.TimeUnit.MINUTES);
      ray.cancel(running, true);  // the submitter has not yet recorded the attempt it sent
      sentHeard.complete(null);
      assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(running));
      // The node's disk is free again only if the task was interrupted there.
      assertEquals(disk(), ray.get(ray.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote(),
          java.time.Duration.ofMinutes(2)));
    } finally {
      HazelcastBackend.HOLD_AFTER_DISPATCH.remove("late-to-hear");
      sentHeard.complete(null);
      ray.cancel(running, true);
    }
  }

  @Test
  void cancel_ofATaskWhoseSubmitterHasNotMadeItsAttemptYet_staysAheadOfALaterForcedCancel() throws Exception {
    // The node holds the next plain cancel (10 s): a plain cancel sent only once the submitter has
    // made the attempt, after the forced one below, would reach a task that had started on the
    // disk the forced one freed, and a plain cancel does not stop a running task.
    ray.get(ray.task(() -> {
      ClusterNode.current().holdNextCancelUntilAForcedOne();
      return true;
    }).resource("disk", 1).remote(), java.time.Duration.ofMinutes(2));
    var parked = CLUSTER.node(1).line("parked ahead-of-late");
    ObjectRef<String> ahead = ray.task(() -> parkTagged("ahead-of-late")).resource("disk", 1).remote();
    var hold = new HazelcastBackend.Hold(new java.util.concurrent.CompletableFuture<>(),
        new java.util.concurrent.CompletableFuture<>());
    ObjectRef<String> late = null;
    try {
      parked.get(2, java.util.concurrent.TimeUnit.MINUTES);
      HazelcastBackend.HOLD_BEFORE_ATTEMPT.put("late-to-place", hold);
      late = ray.task(() -> parkTagged("late-to-place")).name("late-to-place").resource("disk", 1).remote();
      hold.reached().get(2, java.util.concurrent.TimeUnit.MINUTES);
      assertTrue(ray.cancel(late, false));
      ray.cancel(ahead, true);
      assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(ahead, java.time.Duration.ofMinutes(2)));
      hold.release().complete(null);  // the submitter goes on only now, after the forced cancel applied
      ObjectRef<String> cancelled = late;
      assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(cancelled, java.time.Duration.ofMinutes(2)));
      // Had the task been sent after all, it would park on the disk and keep it.
      assertEquals(disk(), ray.get(ray.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote(),
          java.time.Duration.ofMinutes(2)));
    } finally {
      HazelcastBackend.HOLD_BEFORE_ATTEMPT.remove("late-to-place");
      hold.release().complete(null);
      ray.cancel(ahead, true);
      ray.get(ray.task(() -> {
        ClusterNode.current().stopHoldingCancels();
        return true;
      }).resource("disk", 1).remote(), java.time.Duration.ofMinutes(2));
    }
  }

  @Test
  void cancel_ofTasksQueuedOnANode_dropsThemThere_evenWhenTheTaskAheadIsCancelledRightAfter() throws Exception {
    // The node holds the first cancel until the forced one has applied: a submitter whose cancels
    // could overtake each other would let the forced one free the disk first.
    ray.get(ray.task(() -> {
      ClusterNode.current().holdNextCancelUntilAForcedOne();
      return true;
    }).resource("disk", 1).remote(), java.time.Duration.ofMinutes(2));
    var parked = CLUSTER.node(1).line("parked ahead-of-queued");
    ObjectRef<String> ahead = ray.task(() -> parkTagged("ahead-of-queued")).resource("disk", 1).remote();
    List<ObjectRef<String>> queued = new java.util.ArrayList<>();
    try {
      parked.get(2, java.util.concurrent.TimeUnit.MINUTES);
      for (int i = 0; i < 16; i++) {
        String tag = "queued-" + i;
        queued.add(ray.task(() -> parkTagged(tag)).resource("disk", 1).remote());
      }
      for (ObjectRef<String> q : queued) {
        ray.cancel(q, false);
      }
      // Sent right after the cancels above: the node must apply those first, or a queued task
      // would start on the disk this frees, and park there.
      ray.cancel(ahead, true);
      for (ObjectRef<String> q : queued) {
        assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(q, java.time.Duration.ofMinutes(2)));
      }
      // Had a queued task stayed on the node, or started there, it would keep the disk for ever.
      assertEquals(disk(), ray.get(ray.task(() -> Raylite.context().nodeId()).resource("disk", 1).remote(),
          java.time.Duration.ofMinutes(2)));
    } finally {
      for (ObjectRef<String> q : queued) {
        ray.cancel(q, true);  // leaves nothing parked on the shared cluster if the test failed
      }
      ray.cancel(ahead, true);
    }
  }

  @Test
  void nonSerializableArgument_isRefusedAtSubmissionNamingIt() {
    Object lock = new Object();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.task((Object o) -> o.hashCode(), lock).remote());
    assertTrue(e.getMessage().contains("argument 0") && e.getMessage().contains("java.lang.Object"), e.getMessage());
  }

  /**
   * A small program written against the API only: partial sums of squares in tasks, a tree of
   * tasks that takes refs, a put value, a large intermediate result and a failure caught by get.
   */
  /** A program's main, run as a user would run it. */
  @FunctionalInterface
  interface Main {
    void run(String[] args) throws Exception;
  }

  /**
   * The examples of tasks, objects and actors. ResourcesExample prints the runtime's own
   * resources, which on a cluster are the nodes'.
   */
  static Stream<Arguments> examplePrograms() {
    return Stream.of(
        Arguments.of(Named.of("Quickstart", (Main) Quickstart::main)),
        Arguments.of(Named.of("TasksExample", (Main) TasksExample::main)),
        Arguments.of(Named.of("ObjectsExample", (Main) ObjectsExample::main)),
        Arguments.of(Named.of("ActorsExample", (Main) ActorsExample::main)));
  }

  /** The lines main printed to System.out. */
  private static List<String> linesPrintedBy(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, UTF_8));
    try {
      main.run(new String[0]);
    } finally {
      System.setOut(original);
    }
    return bytes.toString(UTF_8).lines().toList();
  }

  @ParameterizedTest
  @MethodSource("examplePrograms")
  void exampleProgram_printsTheSameInOneJvmAndOnTheCluster(Main program) throws Exception {
    List<String> local = linesPrintedBy(program);
    assertFalse(local.isEmpty(), "the program printed nothing in one JVM");
    // The address switches Raylite.init() and Raylite.builder().build() in the program to the cluster.
    System.setProperty("raylite.address", CLUSTER.node(0).nodeId);
    try {
      assertEquals(local, linesPrintedBy(program));
    } finally {
      System.clearProperty("raylite.address");
    }
  }
}
