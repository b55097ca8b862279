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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owner fate-sharing: a driver JVM (CrashingDriverMain) creates a non-detached actor, a detached
 * one and two tasks that park on the node of resource "fate", one running and one queued, and is
 * killed with {@code destroyForcibly()}, as a crash would end it. Then its non-detached actor is
 * killed for good (its name free, though it had restarts left), its tasks are cancelled, so the
 * node's whole "fate" resource is free again, and its detached actor lives on and answers.
 */
class FateSharingTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 2", "--cpus 2 --resource fate=2");
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
  void aCrashedDriversNonDetachedActor_isKilledForGood_andItsNameIsFree() throws Exception {
    ownedNameRemoved.get(2, TimeUnit.MINUTES);
    assertTrue(ray.getActor(CrashingDriverMain.OWNED, CrashingDriverMain.NAMESPACE).isEmpty());
    assertEquals(null, watcher.getMap(ClusterActors.HOMES).values().stream()
        .map(h -> (ActorWire.Home) h).filter(h -> h.death() == null
            && CrashingDriverMain.OWNED.equals(h.address().name())).findAny().orElse(null),
        "no live home is left to restart it");
  }

  @Test
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
  void aCrashedDriversDetachedActor_livesOn_andAnswers() {
    ActorHandle<CrashingDriverMain.Probe> detached = ray.<CrashingDriverMain.Probe>getActor(
        CrashingDriverMain.DETACHED, CrashingDriverMain.NAMESPACE).orElseThrow();
    try {
      String where = ray.get(detached.task(CrashingDriverMain.Probe::where).remote(), Duration.ofMinutes(2));
      assertTrue(where.startsWith("127.0.0.1:"), where);
    } finally {
      ray.kill(detached);
    }
  }
}
