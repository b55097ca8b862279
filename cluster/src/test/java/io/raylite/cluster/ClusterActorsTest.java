package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Actors on a 3-node loopback cluster: placement by resources, calls from the driver and from tasks
 * on every node, each caller's order, names unique across the cluster, kill and exitActor from any
 * node. Each node has plenty of a resource of its own (a, b, c), so that tasks and actors can be pinned.
 */
class ClusterActorsTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of(
      "--cpus 2 --resource a=100", "--cpus 2 --resource b=100", "--cpus 2 --resource c=100");
  /** Calls per caller in the ordering test; see its comment. */
  static final int CALLS_PER_CALLER = 10_000;
  private static Raylite ray;

  @BeforeAll
  static void connect() {
    ray = CLUSTER.driver();
  }

  @AfterAll
  static void disconnect() {
    ray = null;
  }

  /** A counter that says where it lives. */
  public static class Counter {
    private int value;

    public Counter(int start) {
      value = start;
    }

    public int add(int delta) {
      value += delta;
      return value;
    }

    public String node() {
      return Raylite.context().nodeId();
    }

    public int fail(String why) {
      throw new IllegalStateException(why);
    }

    public int exit() {
      Raylite.exitActor();
      return -1;
    }
  }

  /** Records, per caller, the numbers of the calls in the order they ran. */
  public static class Recorder {
    private final HashMap<String, ArrayList<Integer>> seen = new HashMap<>();

    public void record(String caller, int n) {
      seen.computeIfAbsent(caller, c -> new ArrayList<>()).add(n);
    }

    public HashMap<String, ArrayList<Integer>> seen() {
      return seen;
    }
  }

  private static String nodeOf(int index) {
    return CLUSTER.node(index).nodeId;
  }

  /** On a node: makes {@code n} calls, in order, and waits for every one. */
  static int callInOrder(ActorHandle<Recorder> recorder, String caller, int n) {
    List<ObjectRef<Void>> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(recorder.task(Recorder::record, caller, i).remote());
    }
    Raylite.current().get(refs);
    return n;
  }

  @Test
  void actorCreatedByTheDriver_keepsItsStateAcrossCalls_onTheNodeItsResourcesChose() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 10).resource("b", 1).remote();
    assertEquals(11, ray.get(counter.task(Counter::add, 1).remote()));
    assertEquals(13, ray.get(counter.task(Counter::add, 2).remote()));
    assertEquals(nodeOf(1), ray.get(counter.task(Counter::node).remote()));
    ray.kill(counter);
  }

  @Test
  void actorAskingForMoreThanAnyNodeHas_failsAtCreation() {
    InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class,
        () -> ray.actor(Counter::new, 0).numCpus(3).remote());
    assertTrue(e.getMessage().contains("CPU"), e.getMessage());
  }

  @Test
  void methodThatThrows_failsOnlyItsCall_withItsOwnException() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 0).remote();
    TaskFailedException failed = assertThrows(TaskFailedException.class,
        () -> ray.get(counter.task(Counter::fail, "boom").remote()));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    assertEquals("boom", failed.getCause().getMessage());
    assertEquals(1, ray.get(counter.task(Counter::add, 1).remote()));
    ray.kill(counter);
  }

  @Test
  void handlePassedToTasksOnOtherNodes_callsTheSameActor() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 0).resource("a", 1).remote();
    List<ObjectRef<Integer>> adds = new ArrayList<>();
    for (String resource : List.of("b", "c")) {
      adds.add(ray.task((ActorHandle<Counter> c) -> Raylite.current().get(c.task(Counter::add, 5).remote()), counter)
          .resource(resource, 1).remote());
    }
    assertEquals(Set.of(5, 10), Set.copyOf(ray.get(adds)));
    assertEquals(11, ray.get(counter.task(Counter::add, 1).remote()));
    ray.kill(counter);
  }

  /** Calls that wait until another call opens the gate (maxConcurrency lets them run together). */
  public static class Gate {
    private final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);

    public String pass() throws InterruptedException {
      open.await();
      return "passed";
    }

    public String open() {
      open.countDown();
      return "opened";
    }
  }

  /**
   * maxPendingCalls counts each caller's calls: the driver's third call fails at remote(), while a
   * caller on another node still gets through.
   */
  @Test
  void maxPendingCalls_refusesTheCallerOverItAtRemote_andNotAnotherCaller() {
    ActorHandle<Gate> gate = ray.actor(Gate::new).resource("a", 1).maxConcurrency(3).maxPendingCalls(2).remote();
    List<ObjectRef<String>> passes = List.of(gate.task(Gate::pass).remote(), gate.task(Gate::pass).remote());
    assertThrows(io.raylite.PendingCallsExceededException.class, () -> gate.task(Gate::open).remote());
    ObjectRef<String> openedElsewhere = ray.task((ActorHandle<Gate> g) -> Raylite.current().get(g.task(Gate::open)
        .remote()), gate).resource("b", 1).remote();
    assertEquals("opened", ray.get(openedElsewhere));
    assertEquals(List.of("passed", "passed"), ray.get(passes));
    assertEquals("opened", ray.get(gate.task(Gate::open).remote()));
    ray.kill(gate);
  }

  @Test
  void actorCallWithAnObjectRefArgument_getsItsValue() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 0).remote();
    ObjectRef<Integer> seven = ray.task(() -> 7).remote();
    assertEquals(7, ray.get(counter.task(Counter::add, seven).remote()));
    ray.kill(counter);
  }

  /**
   * Three callers, tasks pinned to the three nodes, each making CALLS_PER_CALLER calls to one actor
   * on the first node without waiting between them: every caller's calls ran in its order, none was
   * lost and none ran twice.
   */
  @Test
  void callsOfThreeCallersOnThreeNodes_runInEachCallersOrder_exactlyOnce() {
    ActorHandle<Recorder> recorder = ray.actor(Recorder::new).resource("a", 1).remote();
    List<ObjectRef<Integer>> callers = new ArrayList<>();
    for (String resource : List.of("a", "b", "c")) {
      callers.add(ray.task(ClusterActorsTest::callInOrder, recorder, resource, CALLS_PER_CALLER)
          .resource(resource, 1).remote());
    }
    assertEquals(List.of(CALLS_PER_CALLER, CALLS_PER_CALLER, CALLS_PER_CALLER), ray.get(callers, Duration.ofMinutes(5)));
    Map<String, ArrayList<Integer>> seen = ray.get(recorder.task(Recorder::seen).remote());
    assertEquals(Set.of("a", "b", "c"), seen.keySet());
    for (Map.Entry<String, ArrayList<Integer>> e : seen.entrySet()) {
      List<Integer> calls = e.getValue();
      assertEquals(CALLS_PER_CALLER, calls.size(), "calls of caller " + e.getKey());
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i) != i) {
          throw new AssertionError("caller " + e.getKey() + ": call " + calls.get(i) + " ran " + i + "th");
        }
      }
    }
    ray.kill(recorder);
  }

  @Test
  void namedActorCreatedOnOneNode_isFoundFromAnotherNodeAndFromTheDriver() {
    String namespace = ray.namespace();
    String id = ray.get(ray.task(() -> Raylite.current().actor(Counter::new, 100).name("shared", namespace)
        .resource("a", 1).remote().id()).resource("a", 1).remote());
    int fromB = ray.get(ray.task(() -> {
      ActorHandle<Counter> found = Raylite.current().<Counter>getActor("shared", namespace).orElseThrow();
      return Raylite.current().get(found.task(Counter::add, 1).remote());
    }).resource("b", 1).remote());
    assertEquals(101, fromB);
    ActorHandle<Counter> fromDriver = ray.<Counter>getActor("shared").orElseThrow();
    assertEquals(id, fromDriver.id());
    assertEquals(102, ray.get(fromDriver.task(Counter::add, 1).remote()));
    ray.kill(fromDriver);
  }

  @Test
  void twoConcurrentCreationsOfOneName_oneWins_theOtherFailsAsLocally() throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    List<Future<ActorHandle<Counter>>> creations = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < 2; i++) {
        creations.add(threads.submit(() -> {
          together.await();
          return ray.actor(Counter::new, 0).name("contended").remote();
        }));
      }
    }
    List<ActorHandle<Counter>> won = new ArrayList<>();
    List<Throwable> lost = new ArrayList<>();
    for (Future<ActorHandle<Counter>> f : creations) {
      try {
        won.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        lost.add(e.getCause());
      }
    }
    assertEquals(1, won.size(), "winners");
    assertEquals(1, lost.size(), "losers");
    assertInstanceOf(IllegalArgumentException.class, lost.getFirst());
    assertTrue(lost.getFirst().getMessage().contains("actor name 'contended' is already taken"),
        lost.getFirst().getMessage());
    ray.kill(won.getFirst());
  }

  @Test
  void nameOfAKilledActor_isFreeAgain() {
    ActorHandle<Counter> first = ray.actor(Counter::new, 0).name("reused").remote();
    assertEquals(1, ray.get(first.task(Counter::add, 1).remote()));
    ray.kill(first);
    assertEquals(Set.of(), Set.copyOf(ray.getActor("reused").stream().toList()));
    ActorHandle<Counter> second = ray.actor(Counter::new, 50).name("reused").remote();
    assertNotEquals(first.id(), second.id());
    assertEquals(51, ray.get(second.task(Counter::add, 1).remote()));
    ray.kill(second);
  }

  @Test
  void killFromATaskOnAnotherNode_failsLaterCallsWithActorDied() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 0).resource("a", 1).remote();
    assertEquals(1, ray.get(counter.task(Counter::add, 1).remote()));
    ray.get(ray.task((ActorHandle<Counter> c) -> {
      Raylite.current().kill(c);
      return true;
    }, counter).resource("c", 1).remote());
    ActorDiedException died = assertThrows(ActorDiedException.class, () -> ray.get(counter.task(Counter::add, 1).remote()));
    assertEquals(counter.id(), died.actorId());
  }

  @Test
  void exitActor_endsTheActor_andLaterCallsFailWithActorDied() {
    ActorHandle<Counter> counter = ray.actor(Counter::new, 0).name("exiting").remote();
    assertThrows(ActorDiedException.class, () -> ray.get(counter.task(Counter::exit).remote()));
    assertThrows(ActorDiedException.class, () -> ray.get(counter.task(Counter::add, 1).remote()));
    assertFalse(ray.getActor("exiting").isPresent());
  }

  @Test
  void closingTheDriverThatCreatedThem_killsItsNonDetachedActors_notItsDetachedOnes() {
    try (Raylite other = Raylite.builder().address(nodeOf(0)).build()) {
      other.actor(Counter::new, 0).name("ownedByOther", "closing").remote();
      other.actor(Counter::new, 0).name("detachedFromOther", "closing")
          .lifetime(io.raylite.ActorLifetime.DETACHED).remote();
    }
    assertFalse(ray.getActor("ownedByOther", "closing").isPresent());
    ActorHandle<Counter> detached = ray.<Counter>getActor("detachedFromOther", "closing").orElseThrow();
    assertEquals(1, ray.get(detached.task(Counter::add, 1).remote()));
    ray.kill(detached);
  }

  @Test
  void handleOfALocalActor_cannotBeSentToANode() {
    try (Raylite local = Raylite.builder().cpus(1).build()) {
      ActorHandle<Counter> localCounter = local.actor(Counter::new, 0).remote();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.task((ActorHandle<Counter> c) -> c.id(), localCounter).remote());
      assertTrue(e.getMessage().contains("ActorHandle"), e.getMessage());
    }
  }

  @Test
  void actorsWithoutResources_spreadOverTheNodes() {
    List<ActorHandle<Counter>> counters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      counters.add(ray.actor(Counter::new, 0).remote());
    }
    List<CompletableFuture<String>> nodes = new ArrayList<>();
    for (ActorHandle<Counter> c : counters) {
      nodes.add(c.task(Counter::node).remote().toCompletableFuture());
    }
    Set<String> distinct = new java.util.HashSet<>();
    for (CompletableFuture<String> n : nodes) {
      distinct.add(n.join());
    }
    assertEquals(3, distinct.size(), "nodes of 3 actors: " + distinct);
    counters.forEach(ray::kill);
  }
}
