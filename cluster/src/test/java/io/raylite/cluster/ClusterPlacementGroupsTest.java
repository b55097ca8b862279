package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.Raylite;
import io.raylite.TaskCancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Placement groups across three node JVMs on loopback (1, 1 and 2 CPUs): each strategy's placement,
 * tasks run in their bundle's node and reservation, removal, the cluster-wide registry, and, last,
 * a node holding a bundle that dies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPlacementGroupsTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 1", "--cpus 1", "--cpus 2");
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Map<String, Double> ONE_CPU = Map.of("CPU", 1.0);
  private static Raylite ray;
  /** Groups a test created: removed after it, so that each test starts with every CPU free. */
  private final List<PlacementGroup> created = new ArrayList<>();

  @BeforeAll
  static void connect() {
    ray = CLUSTER.driver();
  }

  @AfterAll
  static void disconnect() {
    ray.close();
  }

  @AfterEach
  void removeGroups() {
    for (PlacementGroup g : created) {
      ray.removePlacementGroup(g);
    }
  }

  private PlacementGroup group(List<Map<String, Double>> bundles, PlacementStrategy strategy) {
    PlacementGroup g = ray.placementGroup(bundles, strategy);
    created.add(g);
    return g;
  }

  /** The node that runs a task (of no resources) in each bundle of a placed group, by bundle index. */
  private static List<String> nodesOfBundles(PlacementGroup g) {
    assertTrue(g.wait(WAIT), "the group was not placed: " + g);
    List<ObjectRef<String>> where = new ArrayList<>();
    for (int i = 0; i < g.bundleCount(); i++) {
      where.add(ray.task(() -> Raylite.context().nodeId()).numCpus(0).placementGroup(g, i).remote());
    }
    List<String> nodes = new ArrayList<>();
    for (ObjectRef<String> w : where) {
      nodes.add(ray.get(w, WAIT));
    }
    return nodes;
  }

  private static String twoCpuNode() {
    return CLUSTER.node(2).nodeId;
  }

  @Test
  @Order(1)
  void strictPack_placesEveryBundleOnOneNode() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU), PlacementStrategy.STRICT_PACK);
    assertEquals(List.of(twoCpuNode(), twoCpuNode()), nodesOfBundles(g));
  }

  @Test
  @Order(1)
  void strictSpread_placesEachBundleOnADifferentNode() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU, ONE_CPU), PlacementStrategy.STRICT_SPREAD);
    assertEquals(3, new HashSet<>(nodesOfBundles(g)).size());
  }

  @Test
  @Order(1)
  void strictSpread_withMoreBundlesThanLiveNodes_failsAtOnce() {
    InfeasibleResourceException e = assertThrows(InfeasibleResourceException.class, () -> ray.placementGroup(
        List.of(Map.of("CPU", 0.5), Map.of("CPU", 0.5), Map.of("CPU", 0.5), Map.of("CPU", 0.5)),
        PlacementStrategy.STRICT_SPREAD));
    assertTrue(e.getMessage().contains("3 live nodes"), e.getMessage());
  }

  @Test
  @Order(1)
  void pack_thatFitsNoSingleNode_usesAsFewNodesAsItCan() {
    PlacementGroup g = group(List.of(Map.of("CPU", 2.0), ONE_CPU), PlacementStrategy.PACK);
    List<String> nodes = nodesOfBundles(g);
    assertEquals(twoCpuNode(), nodes.get(0));
    assertNotEquals(twoCpuNode(), nodes.get(1));
  }

  @Test
  @Order(1)
  void pack_thatFitsOneNode_placesEveryBundleThere() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU), PlacementStrategy.PACK);
    assertEquals(List.of(twoCpuNode(), twoCpuNode()), nodesOfBundles(g));
  }

  @Test
  @Order(1)
  void spread_placesBundlesOnDifferentNodesWhileTheyHaveRoom() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU, ONE_CPU), PlacementStrategy.SPREAD);
    assertEquals(3, new HashSet<>(nodesOfBundles(g)).size());
  }

  @Test
  @Order(1)
  void group_noNodeCouldEverHold_failsAtOnce() {
    assertThrows(InfeasibleResourceException.class,
        () -> ray.placementGroup(List.of(Map.of("CPU", 3.0)), PlacementStrategy.PACK));
  }

  @Test
  @Order(1)
  void group_thatDoesNotFitNow_staysPendingUntilTheBundlesItNeedsAreFreed() {
    PlacementGroup first = group(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    assertTrue(first.wait(WAIT));
    PlacementGroup second = group(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    assertFalse(second.wait(Duration.ofSeconds(2)), "placed while the only 2-CPU node was held");
    assertEquals(PlacementGroupState.PENDING, second.state());
    ray.removePlacementGroup(first);
    assertEquals(second, ray.get(second.ready(), WAIT));
    assertEquals(PlacementGroupState.CREATED, second.state());
  }

  @Test
  @Order(1)
  void taskInABundle_runsInTheReservationOfAFullNode() {
    // The group takes both CPUs of the 2-CPU node: a task outside it asking for 2 CPUs would wait.
    PlacementGroup g = group(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    ObjectRef<String> where = ray.task(() -> Raylite.context().nodeId()).numCpus(2).placementGroup(g, 0).remote();
    assertEquals(twoCpuNode(), ray.get(where, WAIT));
  }

  @Test
  @Order(1)
  void tasksInAnyBundle_runOnTheNodesOfTheGroup() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU), PlacementStrategy.STRICT_SPREAD);
    assertTrue(g.wait(WAIT));
    Set<String> groupNodes = new HashSet<>(nodesOfBundles(g));
    List<ObjectRef<String>> refs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      refs.add(ray.task(() -> Raylite.context().nodeId()).placementGroup(g).remote());
    }
    for (ObjectRef<String> r : refs) {
      assertTrue(groupNodes.contains(ray.get(r, WAIT)));
    }
  }

  @Test
  @Order(1)
  void taskAskingMoreThanItsBundle_failsAtSubmission() {
    PlacementGroup g = group(List.of(ONE_CPU), PlacementStrategy.PACK);
    assertThrows(InfeasibleResourceException.class,
        () -> ray.task(() -> 1).numCpus(2).placementGroup(g, 0).remote());
  }

  @Test
  @Order(1)
  void remove_cancelsTheGroupsRunningTask() throws Exception {
    PlacementGroup g = ray.placementGroup(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    String marker = "parked-" + UUID.randomUUID();
    ObjectRef<Object> parked = ray.task(() -> {
      System.out.println(marker);
      Thread.sleep(Long.MAX_VALUE);
      return null;
    }).numCpus(2).placementGroup(g, 0).remote();
    try {
      CLUSTER.node(2).line(marker).get(2, TimeUnit.MINUTES);
    } finally {
      ray.removePlacementGroup(g);
    }
    assertThrows(TaskCancelledException.class, () -> ray.get(parked, WAIT));
  }

  @Test
  @Order(1)
  void remove_freesTheBundlesForTheNextGroup() {
    PlacementGroup first = ray.placementGroup(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    assertTrue(first.wait(WAIT));
    ray.removePlacementGroup(first);
    PlacementGroup second = group(List.of(Map.of("CPU", 2.0)), PlacementStrategy.STRICT_PACK);
    assertTrue(second.wait(WAIT));
  }

  @Test
  @Order(1)
  void removedGroup_refusesNewTasksAtTheCall_andItsReadyRefFails() {
    PlacementGroup g = ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
    assertTrue(g.wait(WAIT));
    ray.removePlacementGroup(g);
    assertEquals(PlacementGroupState.REMOVED, g.state());
    assertThrows(PlacementGroupRemovedException.class, () -> ray.task(() -> 1).placementGroup(g, 0).remote());
    assertThrows(PlacementGroupRemovedException.class, () -> ray.get(g.ready(), WAIT));
  }

  @Test
  @Order(1)
  void namedGroup_isFoundByAnotherDriver_whichRunsTasksInIt() {
    String name = "shared-" + UUID.randomUUID();
    PlacementGroup g = ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK, name);
    created.add(g);
    assertTrue(g.wait(WAIT));
    Raylite other = CLUSTER.driver();
    try {
      PlacementGroup found = other.getPlacementGroup(name).orElseThrow();
      assertEquals(g.id(), found.id());
      assertEquals(PlacementGroupState.CREATED, found.state());
      assertEquals(7, other.get(other.task(() -> 7).placementGroup(found, 0).remote(), WAIT));
    } finally {
      other.close();
    }
  }

  @Test
  @Order(1)
  void groupName_takenByALiveGroup_isRefused() {
    String name = "taken-" + UUID.randomUUID();
    created.add(ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK, name));
    assertThrows(IllegalArgumentException.class,
        () -> ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK, name));
  }

  @Test
  @Order(1)
  void placementGroups_listsTheGroupsOfTheCluster() {
    PlacementGroup g = group(List.of(ONE_CPU), PlacementStrategy.PACK);
    assertTrue(ray.placementGroups().stream().anyMatch(p -> p.id().equals(g.id())));
    assertEquals(g, ray.getPlacementGroupById(g.id()).orElseThrow());
  }

  /** An actor that says where it lives. */
  static final class Locator {
    String node() {
      return Raylite.context().nodeId();
    }
  }

  @Test
  @Order(1)
  void actorInABundle_livesOnTheNodeHoldingIt() {
    PlacementGroup g = group(List.of(ONE_CPU, ONE_CPU, ONE_CPU), PlacementStrategy.STRICT_SPREAD);
    List<String> nodes = nodesOfBundles(g);
    for (int i = 0; i < 3; i++) {
      ActorHandle<Locator> actor = ray.actor(Locator::new).placementGroup(g, i).remote();
      assertEquals(nodes.get(i), ray.get(actor.task(Locator::node).remote(), WAIT));
    }
  }

  @Test
  @Order(1)
  void actorInABundle_isKilledWhenItsGroupIsRemoved() {
    PlacementGroup g = ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
    ActorHandle<Locator> actor = ray.actor(Locator::new).placementGroup(g, 0).remote();
    try {
      ray.get(actor.task(Locator::node).remote(), WAIT);
    } finally {
      ray.removePlacementGroup(g);
    }
    assertThrows(ActorDiedException.class, () -> ray.get(actor.task(Locator::node).remote(), WAIT));
  }

  @Test
  @Order(1)
  void taskOnANode_findsAGroupByName_andRunsATaskInIt() {
    String name = "nested-" + UUID.randomUUID();
    PlacementGroup g = ray.placementGroup(List.of(ONE_CPU), PlacementStrategy.PACK, name);
    created.add(g);
    String bundleNode = nodesOfBundles(g).getFirst();
    ObjectRef<String> nested = ray.task(() -> {
      Raylite here = Raylite.current();
      PlacementGroup found = here.getPlacementGroup(name).orElseThrow();
      return here.get(here.task(() -> Raylite.context().nodeId()).numCpus(0).placementGroup(found, 0).remote());
    }).numCpus(0).remote();
    assertEquals(bundleNode, ray.get(nested, WAIT));
  }

  @Test
  @Order(1)
  void taskOnANode_runsATaskInAGroupPassedAsItsArgument() {
    PlacementGroup g = group(List.of(ONE_CPU), PlacementStrategy.PACK);
    String bundleNode = nodesOfBundles(g).getFirst();
    ObjectRef<String> nested = ray.task((PlacementGroup pg) -> {
      Raylite here = Raylite.current();
      return here.get(here.task(() -> Raylite.context().nodeId()).numCpus(0).placementGroup(pg, 0).remote());
    }, g).numCpus(0).remote();
    assertEquals(bundleNode, ray.get(nested, WAIT));
  }

  @Test
  @Order(2)
  void bundlesOfANodeThatDies_arePlacedAgainWhenANodeCanHoldThem() throws Exception {
    LoopbackCluster.Node doomed = CLUSTER.addNode("--cpus 1 --resource slot=1");
    PlacementGroup g = group(List.of(Map.of("slot", 1.0)), PlacementStrategy.PACK);
    assertEquals(List.of(doomed.nodeId), nodesOfBundles(g));
    CLUSTER.kill(doomed);
    LoopbackCluster.Node spare = CLUSTER.addNode("--cpus 1 --resource slot=1");
    ObjectRef<String> where = ray.task(() -> Raylite.context().nodeId()).resource("slot", 1).numCpus(0)
        .placementGroup(g, 0).remote();
    assertEquals(spare.nodeId, ray.get(where, WAIT));
    assertEquals(PlacementGroupState.CREATED, g.state());
  }
}
