package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ConcurrencyGroup;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shapes of task and actor calls beyond one argument list and one result, on a 2-node loopback
 * cluster: ObjectRef arguments to an actor's constructor, actor calls with several returns and with
 * priorities, and streaming generators of tasks and actor methods. Two nodes have a resource of
 * their own (a, b), so that producers and consumers can be put on different nodes; two more share
 * "doomed", for the one case that kills the node of its actor, which then restarts on the other.
 */
class ClusterCallShapesTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 2 --resource a=100", "--cpus 2 --resource b=100",
      "--cpus 1 --resource doomed=1", "--cpus 1 --resource doomed=1");
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static Raylite ray;

  @BeforeAll
  static void connect() {
    ray = CLUSTER.driver();
  }

  @AfterAll
  static void disconnect() {
    ray = null;
  }

  /** An actor built from a start value and a list, which says what it was given. */
  public static class Holder {
    private final int start;
    private final int[] values;

    public Holder(int start, int[] values) {
      this.start = start;
      this.values = values;
    }

    public static Holder of(int start) {
      return new Holder(start, new int[0]);
    }

    public int start() {
      return start;
    }

    public long sum() {
      long s = start;
      for (int v : values) {
        s += v;
      }
      return s;
    }

    public String where() {
      return Raylite.context().nodeId();
    }

    public List<Object> pair(int x) {
      return List.of(x, "x=" + x);
    }
  }

  private static int[] upTo(int n) {
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    return values;
  }

  /* ---------------- ObjectRef arguments to a constructor ---------------- */

  @Test
  void constructorRefArguments_fromATaskOnAnotherNode_andAPut_reachTheConstructor() {
    ObjectRef<Integer> start = ray.task(() -> 40).resource("b", 1).remote();
    ObjectRef<int[]> values = ray.put(upTo(3));
    ActorHandle<Holder> holder = ray.actor(Holder::new, start, values).resource("a", 1).remote();
    try {
      assertEquals(43L, ray.get(holder.task(Holder::sum).remote(), WAIT));
    } finally {
      ray.kill(holder);
    }
  }

  /** A value too large to travel inline stays on the node that made it; the actor's node fetches it from there. */
  @Test
  void constructorRefArgument_ownedByAnotherNode_isFetchedFromItsOwner() {
    ObjectRef<int[]> values = ray.task(() -> upTo(100_000)).resource("b", 1).remote();
    ActorHandle<Holder> holder = ray.actor(Holder::new, 0, values).resource("a", 1).remote();
    try {
      assertEquals(100_000L * 99_999 / 2, ray.get(holder.task(Holder::sum).remote(), WAIT));
    } finally {
      ray.kill(holder);
    }
  }

  /** Calls made while the constructor's argument is still being computed wait for the constructor, and run after it. */
  @Test
  void callsMadeBeforeTheConstructorArgumentIsReady_runOnceItIs() {
    ObjectRef<Integer> start = ray.task(ClusterCallShapesTest::plus, ray.task(() -> 3).resource("b", 1).remote(), 4)
        .resource("b", 1).remote();
    ActorHandle<Holder> holder = ray.actor(Holder::of, start).resource("a", 1).remote();
    try {
      assertEquals(7, ray.get(holder.task(Holder::start).remote(), WAIT));
    } finally {
      ray.kill(holder);
    }
  }

  static int plus(int a, int b) {
    return a + b;
  }

  static int failing() {
    throw new IllegalStateException("no start value");
  }

  /**
   * A constructor argument whose task failed kills the actor, as locally: its calls fail with
   * ActorDiedException, which carries the task's own exception.
   */
  @Test
  void constructorRefArgumentThatFailed_killsTheActor_withTheArgumentsFailureAsCause() {
    ObjectRef<Integer> broken = ray.task(ClusterCallShapesTest::failing).resource("b", 1).remote();
    ActorHandle<Holder> holder = ray.actor(Holder::of, broken).resource("a", 1).remote();
    try {
      ActorDiedException died = assertThrows(ActorDiedException.class,
          () -> ray.get(holder.task(Holder::start).remote(), WAIT));
      assertTrue(causes(died).stream().anyMatch(t -> t instanceof IllegalStateException
          && "no start value".equals(t.getMessage())), () -> "causes: " + causes(died));
    } finally {
      ray.kill(holder);
    }
  }

  /**
   * An actor rebuilt on another node after its node died runs its constructor again with the same
   * argument values, which its new node reads from the cluster, not from the caller.
   */
  @Test
  void actorRestartedOnAnotherNode_getsItsConstructorRefArgumentsAgain() throws Exception {
    ObjectRef<int[]> values = ray.put(upTo(10));
    ActorHandle<Holder> holder = ray.actor(Holder::new, 1, values).resource("doomed", 1).maxRestarts(1)
        .maxTaskRetries(-1).remote();
    try {
      assertEquals(46L, ray.get(holder.task(Holder::sum).remote(), WAIT));
      String first = ray.get(holder.task(Holder::where).remote(), WAIT);
      CLUSTER.kill(CLUSTER.nodes().stream().filter(n -> n.nodeId.equals(first)).findFirst().orElseThrow());
      assertEquals(46L, ray.get(holder.task(Holder::sum).remote(), Duration.ofMinutes(3)));
      assertTrue(!first.equals(ray.get(holder.task(Holder::where).remote(), WAIT)), "it moved off " + first);
    } finally {
      ray.kill(holder);
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
      all.add(c);
    }
    return all;
  }

  /* ---------------- numReturns and priority of actor calls ---------------- */

  @Test
  void actorCallWithNumReturns_givesEachRefItsPartOfTheResult() {
    ActorHandle<Holder> holder = ray.actor(Holder::of, 0).resource("a", 1).remote();
    try {
      List<ObjectRef<Object>> parts = holder.task(Holder::pair, 5).numReturns(2).remote();
      assertEquals(2, parts.size());
      assertEquals(5, ray.get(parts.get(0), WAIT));
      assertEquals("x=5", ray.get(parts.get(1), WAIT));
    } finally {
      ray.kill(holder);
    }
  }

  @Test
  void actorCallWithNumReturns_whoseResultHasAnotherLength_failsEveryRef_sayingSo() {
    ActorHandle<Holder> holder = ray.actor(Holder::of, 0).resource("a", 1).remote();
    try {
      List<ObjectRef<Object>> parts = holder.task(Holder::pair, 5).numReturns(3).remote();
      for (ObjectRef<Object> part : parts) {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> ray.get(part, WAIT));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
      }
    } finally {
      ray.kill(holder);
    }
  }

  /** An actor whose one call at a time waits in {@code hold} until {@code open}, in a group of its own, runs. */
  public static class Ordered {
    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<String> ran = new ArrayList<>();

    public String hold() throws InterruptedException {
      gate.await();
      return "held";
    }

    public String open() {
      gate.countDown();
      return "opened";
    }

    public synchronized String record(String what) {
      ran.add(what);
      return what;
    }

    public synchronized List<String> ran() {
      return new ArrayList<>(ran);
    }
  }

  /**
   * Calls queued behind a running one run by priority, higher first, as locally: the caller's order
   * reaches the actor's node intact, and its mailbox orders what waits.
   */
  @Test
  void actorCallsQueuedOnItsNode_runByPriority_higherFirst() {
    ActorHandle<Ordered> ordered = ray.actor(Ordered::new).resource("b", 1)
        .concurrencyGroups(ConcurrencyGroup.<Ordered>builder("control", 1).method(Ordered::open).build()).remote();
    ObjectRef<String> held = ordered.task(Ordered::hold).remote();
    List<ObjectRef<String>> records = new ArrayList<>();
    try {
      records.add(ordered.task(Ordered::record, "low").remote());
      records.add(ordered.task(Ordered::record, "high").priority(5).remote());
      records.add(ordered.task(Ordered::record, "middle").priority(2).remote());
    } finally {
      ray.get(ordered.task(Ordered::open).remote(), WAIT);
    }
    try {
      assertEquals("held", ray.get(held, WAIT));
      ray.get(records, WAIT);
      assertEquals(List.of("high", "middle", "low"), ray.get(ordered.task(Ordered::ran).remote(), WAIT));
    } finally {
      ray.kill(ordered);
    }
  }

  /* ---------------- Streaming generators of tasks ---------------- */

  /** Calls that wait until another call opens the gate (maxConcurrency lets them run together). */
  public static class Gate {
    private final CountDownLatch open = new CountDownLatch(1);

    public String pass() throws InterruptedException {
      open.await();
      return "passed";
    }

    public String open() {
      open.countDown();
      return "opened";
    }
  }

  static java.util.stream.Stream<Integer> count(int n) {
    return java.util.stream.IntStream.range(0, n).boxed();
  }

  static java.util.stream.Stream<int[]> arrays(int n, int length) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
      int[] a = new int[length];
      java.util.Arrays.fill(a, i);
      return a;
    });
  }

  /** Yields "v0", then waits for the gate before it yields "v1". */
  static java.util.Iterator<String> firstThenGate(ActorHandle<Gate> gate) {
    return new java.util.Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < 2;
      }

      @Override
      public String next() {
        if (next == 1) {
          Raylite.current().get(gate.task(Gate::pass).remote());
        }
        return "v" + next++;
      }
    };
  }

  /** Yields 0 and 1, then throws. */
  static java.util.Iterator<Integer> failingAfterTwo() {
    return java.util.stream.Stream.iterate(0, i -> i + 1).map(i -> {
      if (i == 2) {
        throw new IllegalStateException("broken at 2");
      }
      return i;
    }).iterator();
  }

  /** Yields 0, 1 and 2, then waits for the gate, then yields forever while not cancelled. */
  static java.util.stream.Stream<Integer> threeThenGate(ActorHandle<Gate> gate) {
    return java.util.stream.Stream.iterate(0, i -> i + 1).peek(i -> {
      if (i == 3) {
        Raylite.current().get(gate.task(Gate::pass).remote());
      }
    });
  }

  private static <T> List<T> valuesOf(io.raylite.ObjectRefGenerator<T> generator) {
    List<T> values = new ArrayList<>();
    for (ObjectRef<T> ref : generator) {
      values.add(ray.get(ref, WAIT));
    }
    return values;
  }

  /** Waits for the generator's next ref on another thread, for at most WAIT: hasNext has no timeout. */
  private static <T> ObjectRef<T> nextWithin(io.raylite.ObjectRefGenerator<T> generator) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(generator::next)
        .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void taskGenerator_onANode_handsOutItsValuesInOrder() {
    io.raylite.ObjectRefGenerator<Integer> generator = ray.task(ClusterCallShapesTest::count, 20).resource("a", 1)
        .remoteGenerator();
    try {
      assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), valuesOf(generator));
      ray.get(generator.completed(), WAIT);
    } finally {
      generator.close();
    }
  }

  /** Values too large to travel inline stay on the producer's node, and each ref reads its own. */
  @Test
  void taskGenerator_largeValues_stayOnTheNode_andAreReadFromThere() {
    io.raylite.ObjectRefGenerator<int[]> generator = ray.task(ClusterCallShapesTest::arrays, 3, 50_000)
        .resource("b", 1).remoteGenerator();
    try {
      List<int[]> values = valuesOf(generator);
      assertEquals(3, values.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(50_000, values.get(i).length);
        assertEquals(i, values.get(i)[49_999]);
      }
    } finally {
      generator.close();
    }
  }

  /** The consumer gets the first value while the task still runs: it waits for the consumer to open the gate. */
  @Test
  void taskGenerator_handsOutAValueBeforeTheTaskEnds() throws Exception {
    ActorHandle<Gate> gate = ray.actor(Gate::new).resource("b", 1).maxConcurrency(2).remote();
    io.raylite.ObjectRefGenerator<String> generator = ray.task(ClusterCallShapesTest::firstThenGate, gate)
        .resource("a", 1).remoteGenerator();
    try {
      assertEquals("v0", ray.get(nextWithin(generator), WAIT));
      assertEquals("opened", ray.get(gate.task(Gate::open).remote(), WAIT));
      assertEquals("v1", ray.get(nextWithin(generator), WAIT));
      ray.get(generator.completed(), WAIT);
    } finally {
      ray.get(gate.task(Gate::open).remote(), WAIT);  // never leaves the task waiting
      generator.close();
      ray.kill(gate);
    }
  }

  @Test
  void taskGenerator_failingMidStream_handsOutTheValuesBefore_thenThrowsTheTasksException() {
    io.raylite.ObjectRefGenerator<Integer> generator = ray.task(ClusterCallShapesTest::failingAfterTwo)
        .resource("a", 1).remoteGenerator();
    try {
      assertEquals(0, ray.get(generator.next(), WAIT));
      assertEquals(1, ray.get(generator.next(), WAIT));
      TaskFailedException e = assertThrows(TaskFailedException.class, generator::hasNext);
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("broken at 2", e.getCause().getMessage());
    } finally {
      generator.close();
    }
  }

  /** Back-pressure does not cross nodes: asking for it fails at the call rather than being ignored. */
  @Test
  void taskGeneratorWithBackpressure_isRefusedAtTheCall() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> ray.task(ClusterCallShapesTest::count, 3).generatorBackpressure(2).remoteGenerator());
    assertTrue(e.getMessage().contains("generatorBackpressure(2)"), e.getMessage());
  }

  /** close() cancels the task on its node, which stops before its next value. */
  @Test
  void closingATaskGenerator_cancelsItsTask() throws Exception {
    ActorHandle<Gate> gate = ray.actor(Gate::new).resource("b", 1).maxConcurrency(2).remote();
    io.raylite.ObjectRefGenerator<Integer> generator = ray.task(ClusterCallShapesTest::threeThenGate, gate)
        .resource("a", 1).remoteGenerator();
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(i, ray.get(nextWithin(generator), WAIT));
      }
      generator.close();
      assertThrows(io.raylite.TaskCancelledException.class, () -> ray.get(generator.completed(), WAIT));
      assertEquals(false, generator.hasNext());
    } finally {
      ray.get(gate.task(Gate::open).remote(), WAIT);  // the cancelled task stops at its next value
      generator.close();
      ray.kill(gate);
    }
  }

  /* ---------------- Streaming generators of actor methods ---------------- */

  /** An actor whose generator methods count from its state. */
  public static class Ticker {
    private int ticks;

    public java.util.stream.Stream<Integer> next(int n) {
      int from = ticks;
      ticks += n;
      return java.util.stream.IntStream.range(from, from + n).boxed();
    }

    public java.util.Iterator<Integer> failingAfter(int n) {
      return java.util.stream.Stream.iterate(0, i -> i + 1).map(i -> {
        if (i == n) {
          throw new IllegalStateException("broken at " + n);
        }
        return i;
      }).iterator();
    }

    public void reset() {
      ticks = 0;
    }
  }

  @Test
  void actorGeneratorMethod_onANode_handsOutItsValuesInOrder_andKeepsTheActorsState() {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).resource("a", 1).remote();
    try {
      io.raylite.ObjectRefGenerator<Integer> first = ticker.task(Ticker::next, 5).remoteGenerator();
      assertEquals(List.of(0, 1, 2, 3, 4), valuesOf(first));
      io.raylite.ObjectRefGenerator<Integer> second = ticker.task(Ticker::next, 3).remoteGenerator();
      assertEquals(List.of(5, 6, 7), valuesOf(second));
      ray.get(second.completed(), WAIT);
    } finally {
      ray.kill(ticker);
    }
  }

  @Test
  void actorGeneratorMethod_failingMidStream_handsOutTheValuesBefore_thenThrowsTheMethodsException() {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).resource("b", 1).remote();
    try {
      io.raylite.ObjectRefGenerator<Integer> generator = ticker.task(Ticker::failingAfter, 3).remoteGenerator();
      assertEquals(0, ray.get(generator.next(), WAIT));
      assertEquals(1, ray.get(generator.next(), WAIT));
      assertEquals(2, ray.get(generator.next(), WAIT));
      TaskFailedException e = assertThrows(TaskFailedException.class, generator::hasNext);
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("broken at 3", e.getCause().getMessage());
    } finally {
      ray.kill(ticker);
    }
  }

  @Test
  void actorGeneratorOfAVoidMethod_isRefusedAtTheCall() {
    ActorHandle<Ticker> ticker = ray.actor(Ticker::new).remote();
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ticker.task(Ticker::reset).remoteGenerator());
      assertTrue(e.getMessage().contains("returns void"), e.getMessage());
    } finally {
      ray.kill(ticker);
    }
  }
}
