package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.TaskFailedException;
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
 * Nodes killed with {@code destroyForcibly()} while they run tasks: first a worker (its tasks run
 * again on the head, its objects are lost, and the cluster's resources are the head's alone), then
 * the head, the last node (the driver's pending gets fail instead of hanging). The cases run in
 * that order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeFailureTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 2", "--cpus 2 --resource doomed=1");
  /** Never counted down: a task parked on it waits until its node dies. */
  static final CountDownLatch NEVER = new CountDownLatch(1);
  /** The first case's driver, connected while both nodes were alive, and the CPUs it saw then. */
  private static Raylite survivor;
  private static double cpusWithBoth;

  /** Parks (and says so in its node's output) on the node named {@code victim}; elsewhere returns where it ran. */
  static String parkOn(String victim) throws InterruptedException {
    var context = Raylite.context();
    if (context.nodeId().equals(victim)) {
      context.log("parked %s", context.taskId());
      NEVER.await();
    }
    return context.nodeId() + " attempt " + context.attempt();
  }

  /** An actor that waits, in a call, until its node dies. */
  public static class Waiter {
    public String await() throws InterruptedException {
      Raylite.context().log("actor-waiting");
      NEVER.await();
      return "never";
    }
  }

  @Test
  @Order(1)
  void killedNode_hasItsTasksRetriedElsewhere_andItsObjectsReportedLost() throws Exception {
    Raylite ray = CLUSTER.driver();
    survivor = ray;
    cpusWithBoth = ray.totalResources().get("CPU");
    LoopbackCluster.Node head = CLUSTER.node(0);
    LoopbackCluster.Node worker = CLUSTER.node(1);
    ObjectRef<long[]> ownedByWorker = ray.task(() -> new long[1000]).resource("doomed", 1).remote();
    assertEquals(1000, ray.get(ownedByWorker).length);

    var parked = worker.line("parked");
    List<ObjectRef<String>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String victim = worker.nodeId;
      runs.add(ray.task(() -> parkOn(victim)).maxRetries(1).remote());
    }
    parked.get(120, TimeUnit.SECONDS);
    // An actor on the node, without a restart: its pending call fails naming the actor and the node.
    var waiting = worker.line("actor-waiting");
    ActorHandle<Waiter> waiter = ray.actor(Waiter::new).resource("doomed", 0.5).remote();
    ObjectRef<String> pendingCall = waiter.task(Waiter::await).remote();
    waiting.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(worker);
    ActorDiedException died = assertThrows(ActorDiedException.class, () -> ray.get(pendingCall, Duration.ofMinutes(3)));
    assertEquals(waiter.id(), died.actorId());
    assertTrue(died.getMessage().contains(worker.nodeId), died.getMessage());

    for (String result : ray.get(runs, Duration.ofMinutes(3))) {
      assertTrue(result.startsWith(head.nodeId + " attempt "), result);
    }
    ObjectLostException lost = assertThrows(ObjectLostException.class, () -> ray.get(ownedByWorker));
    assertTrue(lost.getMessage().contains(worker.nodeId), lost.getMessage());
    assertFalse(ray.nodes().stream().filter(n -> n.nodeId().equals(worker.nodeId)).findFirst().orElseThrow().alive());
  }

  @Test
  @Order(2)
  void resources_afterANodeLeft_areThoseOfTheNodesLeft() {
    Raylite ray = survivor;
    assertEquals(4.0, cpusWithBoth);
    assertEquals(2.0, ray.totalResources().get("CPU"), ray.totalResources().toString());
    assertFalse(ray.totalResources().containsKey("doomed"), ray.totalResources().toString());
    assertEquals(2.0, ray.availableResources().get("CPU"), ray.availableResources().toString());
  }

  @Test
  @Order(3)
  void lastNodeKilled_failsPendingGetsInsteadOfHanging() throws Exception {
    Raylite ray = CLUSTER.driver();
    LoopbackCluster.Node head = CLUSTER.node(0);
    var parked = head.line("parked");
    String victim = head.nodeId;
    ObjectRef<String> pending = ray.task(() -> parkOn(victim)).remote();
    parked.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(head);
    TaskFailedException e = assertTimeoutPreemptively(Duration.ofMinutes(2),
        () -> assertThrows(TaskFailedException.class, pending::get));
    assertTrue(e.getCause() instanceof RayliteException, String.valueOf(e.getCause()));
  }
}
