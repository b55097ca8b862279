package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.NodeInfo;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that joins after the driver connected: the task the driver held for lack of room runs
 * on it, and the driver's resources and nodes include it. The driver lets no task queue on a node
 * beyond what runs there ({@code raylite.cluster.queueFactor=0}), so a second task needing the
 * head's only {@code slot} waits in the driver. Then an answer lost on its way while its node
 * and the connection stay up: the driver asks the node again after a second
 * ({@code raylite.cluster.answerCheckSeconds=1}). The cases run in that order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterGrowthTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 1 --resource slot=1");
  private static Raylite ray;
  private static LoopbackCluster.Node joined;

  @BeforeAll
  static void connect() {
    System.setProperty(Placement.QUEUE_FACTOR_PROPERTY, "0");
    System.setProperty(AnswerChecks.AFTER_PROPERTY, "1");
    try {
      ray = CLUSTER.driver();
    } finally {
      System.clearProperty(Placement.QUEUE_FACTOR_PROPERTY);
      System.clearProperty(AnswerChecks.AFTER_PROPERTY);
    }
  }

  @AfterAll
  static void disconnect() {
    ray.close();
  }

  @Test
  @Order(1)
  void taskHeldForLackOfRoom_runsOnANodeThatJoinsLater() throws Exception {
    LoopbackCluster.Node head = CLUSTER.node(0);
    var parked = head.line("parked");
    String victim = head.nodeId;
    ray.task(() -> NodeFailureTest.parkOn(victim)).resource("slot", 1).remote();
    parked.get(120, TimeUnit.SECONDS);
    ObjectRef<String> waiting = ray.task(() -> Raylite.context().nodeId()).resource("slot", 1).remote();

    joined = CLUSTER.addNode("--cpus 1 --resource slot=1");

    assertEquals(joined.nodeId, ray.get(waiting, Duration.ofMinutes(3)));
  }

  @Test
  @Order(2)
  void resources_afterANodeJoined_includeIt() {
    assertEquals(2.0, ray.totalResources().get("CPU"), ray.totalResources().toString());
    assertEquals(2.0, ray.totalResources().get("slot"), ray.totalResources().toString());
    assertEquals(1.0, ray.availableResources().get("slot"), ray.availableResources().toString());
    List<String> alive = ray.nodes().stream().filter(NodeInfo::alive).map(NodeInfo::nodeId).toList();
    assertEquals(2, alive.size(), alive.toString());
    assertTrue(alive.contains(joined.nodeId), alive.toString());
  }

  @Test
  @Order(3)
  void answerLostWhileNodeAndConnectionStayUp_isAskedForAgain_andGetReturnsTheValue() {
    // The head's slot is still parked on: tasks needing a slot run on the joined node.
    assertTrue(ray.get(ray.task(() -> {
      ClusterNode.current().dropNextAnswerOf("loses-its-answer");
      return true;
    }).resource("slot", 1).remote(), Duration.ofMinutes(2)));
    ObjectRef<String> lost = ray.task(() -> "computed on " + Raylite.context().nodeId())
        .name("loses-its-answer").resource("slot", 1).remote();
    assertEquals("computed on " + joined.nodeId, ray.get(lost, Duration.ofMinutes(2)));
  }
}
