package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Objects on a node killed with {@code destroyForcibly()}: a task result is rebuilt by running its
 * task again on a node that is alive (its lost arguments first), as Ray reconstructs objects from
 * lineage; one whose task has no retry left is an ObjectLostException naming the node; what the
 * driver owns (its puts, small results inline) survives.
 *
 * <p>Setup: two worker nodes with a {@code spot} resource (the head has none, so it runs none of
 * these tasks). An anchor object lands on one of them, the victim; the other objects take the
 * anchor as an argument, so placement puts them beside it. Then the victim is killed, and tasks
 * parked on it are retried on the survivor, which shows that the driver has seen the node go.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineageTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER =
      LoopbackCluster.of("--cpus 2", "--cpus 2 --resource spot=1", "--cpus 2 --resource spot=1");
  /** Never counted down: a task parked on it waits until its node dies. */
  static final CountDownLatch NEVER = new CountDownLatch(1);
  private static final double SPOT = 0.01;

  private static Raylite ray;
  private static String victim;
  private static String survivor;
  private static ObjectRef<Payload> anchor;
  private static ObjectRef<Payload> derived;
  private static ObjectRef<Payload> noRetryLeft;
  private static ObjectRef<String> smallFromVictim;
  private static ObjectRef<long[]> putOnDriver;

  /** A result too large to travel inline: it stays on its node. Records where and on which attempt it ran. */
  record Payload(String node, int attempt, String argumentNode, long[] data) implements Serializable {
    static Payload here(Payload argument) {
      var context = Raylite.context();
      return new Payload(context.nodeId(), context.attempt(), argument == null ? null : argument.node(),
          new long[128]);
    }
  }

  /** Parks (and says so in its node's output) on the node named {@code victim}; elsewhere returns where it ran. */
  static String parkOn(String victim) throws InterruptedException {
    var context = Raylite.context();
    if (context.nodeId().equals(victim)) {
      context.log("parked %s", context.taskId());
      NEVER.await();
    }
    return context.nodeId();
  }

  @BeforeAll
  static void objectsOnAKilledNode() throws Exception {
    ray = CLUSTER.driver();
    anchor = ray.task(() -> Payload.here(null)).resource("spot", SPOT).remote();
    victim = ray.get(anchor).node();
    // One at a time, so that each fits beside the anchor when it is placed.
    derived = ray.task(Payload::here, anchor).resource("spot", SPOT).remote();
    assertEquals(victim, ray.get(derived).node(), "placement puts a task beside its argument's bytes");
    noRetryLeft = ray.task(Payload::here, anchor).resource("spot", SPOT).maxRetries(0).remote();
    assertEquals(victim, ray.get(noRetryLeft).node());
    smallFromVictim = ray.task((Payload a) -> "small from " + Raylite.context().nodeId(), anchor)
        .resource("spot", SPOT).remote();
    assertEquals("small from " + victim, ray.get(smallFromVictim));
    putOnDriver = ray.put(new long[200_000]);

    LoopbackCluster.Node doomed = CLUSTER.node(1).nodeId.equals(victim) ? CLUSTER.node(1) : CLUSTER.node(2);
    survivor = (doomed == CLUSTER.node(1) ? CLUSTER.node(2) : CLUSTER.node(1)).nodeId;
    var parked = doomed.line("parked");
    List<ObjectRef<String>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String v = victim;
      runs.add(ray.task(() -> parkOn(v)).resource("spot", SPOT).maxRetries(1).remote());
    }
    parked.get(120, TimeUnit.SECONDS);
    CLUSTER.kill(doomed);
    for (String ranOn : ray.get(runs, Duration.ofMinutes(3))) {
      assertEquals(survivor, ranOn, "the parked tasks ran again on the survivor once the victim was seen gone");
    }
  }

  @Test
  @Order(1)
  void get_ofAnObjectWhoseArgumentWasLostToo_rebuildsTheArgumentThenTheObject() {
    Payload rebuilt = ray.get(derived, Duration.ofMinutes(3));
    assertEquals(survivor, rebuilt.node());
    assertEquals(1, rebuilt.attempt(), "the rebuild counts as a retry");
    assertEquals(survivor, rebuilt.argumentNode(), "it read its argument as rebuilt on the survivor");
  }

  @Test
  @Order(2)
  void get_ofAnObjectWhoseNodeWasKilled_rebuildsItOnANodeThatIsAlive() {
    Payload rebuilt = ray.get(anchor, Duration.ofMinutes(3));
    assertEquals(survivor, rebuilt.node());
    assertNotEquals(0, rebuilt.attempt());
  }

  @Test
  @Order(3)
  void get_ofALostObjectWhoseTaskHasNoRetryLeft_throwsObjectLostNamingTheNode() {
    ObjectLostException e = assertThrows(ObjectLostException.class, () -> ray.get(noRetryLeft));
    assertTrue(e.getMessage().contains(victim), e.getMessage());
    assertTrue(e.getMessage().contains("no retry left (maxRetries(0))"), e.getMessage());
  }

  @Test
  @Order(4)
  void smallResultOfAKilledNode_survivesOnTheDriver() {
    assertEquals("small from " + victim, ray.get(smallFromVictim));
  }

  @Test
  @Order(5)
  void objectPutOnTheDriver_survivesAWorkerNodeFailure_andReachesTasksOnTheSurvivor() {
    assertArrayEquals(new long[200_000], ray.get(putOnDriver));
    ObjectRef<String> read = ray.task((long[] a) -> a.length + " on " + Raylite.context().nodeId(), putOnDriver)
        .resource("spot", SPOT).remote();
    assertEquals("200000 on " + survivor, ray.get(read));
  }
}
