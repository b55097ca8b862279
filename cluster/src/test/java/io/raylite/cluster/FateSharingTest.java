package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owner fate-sharing: a driver JVM (CrashingDriverMain) creates a non-detached actor, a detached
 * one and two tasks that park on the node of resource "fate", one running and one queued, and is
 * killed with {@code destroyForcibly()}, as a crash would end it. Then its non-detached actor is
 * killed for good (its name free, though it had restarts left), its tasks are cancelled, so the
 * node's whole "fate" resource is free again, and its detached actor lives on and answers. Last,
 * on the same cluster: an actor created by a task on a node is owned by that node's JVM, not by
 * the task, and a crash of that node leaves it alone (it lives on another node).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FateSharingTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of(
      "--cpus 2 --resource anchor=2", "--cpus 2 --resource fate=2", "--cpus 1 --resource creator=1");
  private static final String OWNED_KEY = ClusterActors.nameKey(CrashingDriverMain.NAMESPACE, CrashingDriverMain.OWNED);
  private static Raylite ray;
  /** A client of the test's own, to watch the cluster's map of names. */
  private static HazelcastInstance watcher;
  /** Completed when the crashed driver's non-detached actor's name leaves the map of names. */
  private static final CompletableFuture<Void> ownedNameRemoved = new CompletableFuture<>();

  @BeforeAll
  static void startAndCrashADriver() throws Exception {
    ray = CLUSTER.driver();
    watcher = HazelcastClient.newHazelcastClient(ClusterConfigs.client(LoopbackCluster.SECRET,
        CLUSTER.node(0).nodeId, FateSharingTest.class.getClassLoader()));
    IMap<String, ActorWire.Address> names = watcher.getMap(ClusterActors.NAMES);
    names.addEntryListener((EntryRemovedListener<String, ActorWire.Address>) event -> {
      if (event.getKey().equals(OWNED_KEY)) {
        ownedNameRemoved.complete(null);
      }
    }, OWNED_KEY, false);
    LoopbackCluster.Node driver = CLUSTER.startProcess(CrashingDriverMain.class, CLUSTER.node(0).nodeId);
    try {
      var started = driver.line(CrashingDriverMain.TASK_STARTED);
      driver.line(CrashingDriverMain.READY).get(3, TimeUnit.MINUTES);
      started.get(3, TimeUnit.MINUTES);
      assertTrue(names.containsKey(OWNED_KEY), "the driver's actor holds its name before the crash");
    } finally {
      driver.process.destroyForcibly();
      driver.process.onExit().get(1, TimeUnit.MINUTES);
    }
  }

  @AfterAll
  static void disconnect() {
    ray = null;
    if (watcher != null) {
      watcher.shutdown();
    }
  }

  @Test
  @Order(1)
  void aCrashedDriversNonDetachedActor_isKilledForGood_andItsNameIsFree() throws Exception {
    ownedNameRemoved.get(2, TimeUnit.MINUTES);
    assertTrue(ray.getActor(CrashingDriverMain.OWNED, CrashingDriverMain.NAMESPACE).isEmpty());
    // Its home was marked dead (or dropped) before its name was freed.
    assertTrue(watcher.<String, ActorWire.Home>getMap(ClusterActors.HOMES).values().stream()
        .noneMatch(h -> h.death() == null && CrashingDriverMain.OWNED.equals(h.address().name())),
        "no live home is left to restart it");
  }

  @Test
  @Order(2)
  void aCrashedDriversActorAndTasks_freeTheirResourcesOnTheNode() {
    ObjectRef<String> whole = ray.task(() -> Raylite.context().nodeId()).resource("fate", 2).remote();
    try {
      assertEquals(CLUSTER.node(1).nodeId, ray.get(whole, Duration.ofMinutes(2)));
    } finally {
      if (!whole.toCompletableFuture().isDone()) {
        ray.cancel(whole, true);  // not left queued on the class's cluster
      }
    }
  }

  @Test
  @Order(3)
  void aCrashedDriversDetachedActor_livesOn_andAnswers() {
    ActorHandle<CrashingDriverMain.Probe> detached = ray.<CrashingDriverMain.Probe>getActor(
        CrashingDriverMain.DETACHED, CrashingDriverMain.NAMESPACE).orElseThrow();
    try {
      String where = ray.get(detached.task(CrashingDriverMain.Probe::where).remote(), Duration.ofMinutes(2));
      assertEquals(CLUSTER.node(0).nodeId, where);
    } finally {
      ray.kill(detached);
    }
  }

  /** Kills a node, so it runs last. */
  @Test
  @Order(4)
  void anActorCreatedByANodesTask_outlivesTheCrashOfThatNode() throws Exception {
    ObjectRef<String> created = ray.task(() -> {
      Raylite here = Raylite.current();
      ActorHandle<CrashingDriverMain.Probe> actor = here.actor(CrashingDriverMain.Probe::new)
          .name("created-on-a-node", CrashingDriverMain.NAMESPACE).resource("anchor", 1).remote();
      return here.get(actor.task(CrashingDriverMain.Probe::where).remote());
    }).resource("creator", 1).remote();
    assertEquals(CLUSTER.node(0).nodeId, ray.get(created, Duration.ofMinutes(2)));
    CLUSTER.kill(CLUSTER.node(2));
    ActorHandle<CrashingDriverMain.Probe> actor = ray.<CrashingDriverMain.Probe>getActor(
        "created-on-a-node", CrashingDriverMain.NAMESPACE).orElseThrow();
    try {
      assertEquals(CLUSTER.node(0).nodeId, ray.get(actor.task(CrashingDriverMain.Probe::where).remote(),
          Duration.ofMinutes(2)));
    } finally {
      ray.kill(actor);
    }
  }
}
