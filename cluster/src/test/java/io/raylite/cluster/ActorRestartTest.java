package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.StateFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An actor's node killed with {@code destroyForcibly()} while calls stream to it: with a restart
 * left, the actor is rebuilt on the other node that fits and every call completes once, in its
 * order; without a retry, the call it was running fails but the restarted actor takes later calls;
 * without a restart, its calls fail naming the node. The head never holds these actors (only the
 * other nodes have the resource they ask for), and the cases run in that order on one cluster.
 * Then the state API's rows of such actors, on two more nodes: a moved actor's, and that of one
 * whose node left with no node to take it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActorRestartTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of(
      "--cpus 2", "--cpus 2 --resource doomed=1", "--cpus 2 --resource doomed=1", "--cpus 2 --resource doomed=1",
      "--cpus 2 --resource roamer=1", "--cpus 2 --resource roamer=1");
  /** Never counted down: a call parked on it waits until its node dies. */
  static final CountDownLatch NEVER = new CountDownLatch(1);

  /** Records the numbers it is called with, refusing one that comes out of order. */
  public static class Recorder {
    private int first = -1;
    private int last = -1;

    public String record(int i) {
      if (i <= last) {
        throw new IllegalStateException("call " + i + " ran after call " + last);
      }
      if (first < 0) {
        first = i;
      }
      last = i;
      return Raylite.context().nodeId() + " " + i;
    }

    /** Parks until its node dies in the first incarnation; returns at once in a restarted one. */
    public String park() throws InterruptedException {
      var context = Raylite.context();
      if (!context.wasActorRestarted()) {
        context.log("recorder-parked");
        NEVER.await();
      }
      return context.nodeId();
    }

    public int first() {
      return first;
    }

    public boolean restarted() {
      return Raylite.context().wasActorRestarted();
    }

    public String where() {
      return Raylite.context().nodeId();
    }
  }

  private static LoopbackCluster.Node nodeNamed(String nodeId) {
    return CLUSTER.nodes().stream().filter(n -> n.nodeId.equals(nodeId)).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  void actorWithARestart_isRebuiltOnAnotherNode_andEveryCallCompletesOnceInOrder() throws Exception {
    Raylite ray = CLUSTER.driver();
    ActorHandle<Recorder> recorder = ray.actor(Recorder::new).resource("doomed", 0.5).name("recorder")
        .maxRestarts(1).maxTaskRetries(-1).remote();
    String first = recorder.task(Recorder::where).remote().get();
    LoopbackCluster.Node victim = nodeNamed(first);
    List<ObjectRef<String>> before = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      before.add(recorder.task(Recorder::record, n).remote());
    }
    var parked = victim.line("recorder-parked");
    ObjectRef<String> park = recorder.task(Recorder::park).remote();
    List<ObjectRef<String>> queued = new ArrayList<>();
    for (int i = 100; i < 200; i++) {
      int n = i;
      queued.add(recorder.task(Recorder::record, n).remote());
    }
    parked.get(120, TimeUnit.SECONDS);
    List<String> completed = ray.get(before, Duration.ofMinutes(1));
    CLUSTER.kill(victim);
    List<ObjectRef<String>> after = new ArrayList<>();
    for (int i = 200; i < 300; i++) {
      int n = i;
      after.add(recorder.task(Recorder::record, n).remote());
    }

    String second = ray.get(park, Duration.ofMinutes(3));
    assertNotEquals(first, second);
    for (int i = 0; i < 100; i++) {
      assertEquals(first + " " + i, completed.get(i));
    }
    List<String> retried = ray.get(queued, Duration.ofMinutes(3));
    List<String> later = ray.get(after, Duration.ofMinutes(3));
    for (int i = 0; i < 100; i++) {
      assertEquals(second + " " + (100 + i), retried.get(i));
      assertEquals(second + " " + (200 + i), later.get(i));
    }
    assertEquals(100, recorder.task(Recorder::first).remote().get(), "the first call the restarted actor ran");
    assertTrue(recorder.task(Recorder::restarted).remote().get());
    assertEquals(second, ray.<Recorder>getActor("recorder").orElseThrow().task(Recorder::where).remote().get());
    ray.kill(recorder);  // its resource is for the next case
  }

  @Test
  @Order(2)
  void callWithoutARetry_failsNamingTheNode_whileTheRestartedActorTakesLaterCallsFromAnyHandle() throws Exception {
    Raylite ray = CLUSTER.driver();
    ActorHandle<Recorder> recorder = ray.actor(Recorder::new).resource("doomed", 0.5).maxRestarts(1).remote();
    String first = recorder.task(Recorder::where).remote().get();
    LoopbackCluster.Node victim = nodeNamed(first);
    var parked = victim.line("recorder-parked");
    ObjectRef<String> park = recorder.task(Recorder::park).remote();
    parked.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(victim);

    ActorDiedException died = assertThrows(ActorDiedException.class, () -> ray.get(park, Duration.ofMinutes(3)));
    assertEquals(recorder.id(), died.actorId());
    assertTrue(died.getMessage().contains(victim.nodeId), died.getMessage());
    String second = ray.get(recorder.task(Recorder::where).remote(), Duration.ofMinutes(3));
    assertNotEquals(first, second);
    // A handle written with the address from before the move, read on a node that never called the actor:
    // its first call goes where the actor lives now, without using a retry.
    ObjectRef<Boolean> fromHead = ray.task((ActorHandle<Recorder> r) -> Raylite.current().get(
        r.task(Recorder::restarted).remote()), recorder).remote();
    assertTrue(ray.get(fromHead, Duration.ofMinutes(3)));
    ray.kill(recorder);  // its resource is for the next case
  }

  @Test
  @Order(3)
  void actorWithoutARestart_failsItsCallsNamingTheNode_whenItsNodeIsKilled() throws Exception {
    Raylite ray = CLUSTER.driver();
    ActorHandle<Recorder> recorder = ray.actor(Recorder::new).resource("doomed", 0.5).maxRestarts(0).remote();
    LoopbackCluster.Node victim = nodeNamed(recorder.task(Recorder::where).remote().get());
    var parked = victim.line("recorder-parked");
    ObjectRef<String> park = recorder.task(Recorder::park).remote();
    parked.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(victim);
    ActorDiedException died = assertThrows(ActorDiedException.class, () -> ray.get(park, Duration.ofMinutes(3)));
    assertEquals(recorder.id(), died.actorId());
    assertTrue(died.getMessage().contains(victim.nodeId), died.getMessage());
  }

  private static ActorInfo rowOf(Raylite ray, String name) {
    var listing = ray.state().actors(StateFilter.name(name), 10);
    assertEquals(1, listing.rows().size(), listing.toString());
    return listing.rows().getFirst();
  }

  @Test
  @Order(4)
  void stateApi_listsAMovedActor_onItsNewNode_alive_withTheRestart() throws Exception {
    Raylite ray = CLUSTER.driver();
    ActorHandle<Recorder> roamer = ray.actor(Recorder::new).resource("roamer", 0.5).name("roamer")
        .maxRestarts(1).maxTaskRetries(-1).remote();
    try {
      String first = ray.get(roamer.task(Recorder::where).remote(), Duration.ofMinutes(2));
      assertEquals(first, rowOf(ray, "roamer").nodeId());
      CLUSTER.kill(nodeNamed(first));
      String second = ray.get(roamer.task(Recorder::where).remote(), Duration.ofMinutes(3));
      ActorInfo row = rowOf(ray, "roamer");
      assertEquals(roamer.id(), row.actorId());
      assertEquals(second, row.nodeId());
      assertEquals(ActorState.ALIVE, row.state());
      assertEquals(1, row.restarts());
    } finally {
      ray.kill(roamer);  // its resource is for the next case
    }
  }

  @Test
  @Order(5)
  void stateApi_listsAnActorWhoseNodeLeftWithNoNodeToTakeIt_asDead_onThatNode_withTheReason() throws Exception {
    Raylite ray = CLUSTER.driver();
    ActorHandle<Recorder> stranded = ray.actor(Recorder::new).resource("roamer", 0.5).name("stranded")
        .maxRestarts(1).maxTaskRetries(-1).remote();
    LoopbackCluster.Node victim = nodeNamed(ray.get(stranded.task(Recorder::where).remote(), Duration.ofMinutes(2)));
    var parked = victim.line("recorder-parked");
    ObjectRef<String> park = stranded.task(Recorder::park).remote();
    parked.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(victim);
    // A call with retries left fails only once the actor's home says it cannot be restarted.
    assertThrows(ActorDiedException.class, () -> ray.get(park, Duration.ofMinutes(3)));
    ActorInfo row = rowOf(ray, "stranded");
    assertEquals(stranded.id(), row.actorId());
    assertEquals(victim.nodeId, row.nodeId());
    assertEquals(ActorState.DEAD, row.state());
    assertTrue(row.deathCause().contains("left the cluster"), row.deathCause());
    assertTrue(row.className().endsWith("Recorder"), row.className());
  }
}
