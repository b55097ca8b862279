package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.raylite.PlacementStrategy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node chosen for each bundle by each strategy, from the nodes' room. */
class BundlePlanTest {
  private static final Map<String, Double> ONE = Map.of("CPU", 1.0);

  private static List<Map<String, Double>> cpus(double... each) {
    return Arrays.stream(each).mapToObj(c -> Map.of("CPU", c)).toList();
  }

  @Test
  void strictPack_putsEveryBundleOnTheNodeThatHoldsThemAll() {
    assertArrayEquals(new int[] {2, 2}, BundlePlan.plan(PlacementStrategy.STRICT_PACK, List.of(ONE, ONE), cpus(1, 1, 2)));
  }

  @Test
  void strictPack_withNoNodeHoldingThemAll_hasNoPlan() {
    assertNull(BundlePlan.plan(PlacementStrategy.STRICT_PACK, List.of(ONE, ONE), cpus(1, 1, 1)));
  }

  @Test
  void pack_thatFitsNoSingleNode_fillsTheNodesItOpenedBeforeOpeningAnother() {
    int[] plan = BundlePlan.plan(PlacementStrategy.PACK, List.of(ONE, ONE, ONE), cpus(1, 2));
    assertEquals(2, Arrays.stream(plan).distinct().count());
    assertEquals(2, Arrays.stream(plan).filter(n -> n == 1).count());
  }

  @Test
  void strictSpread_withMoreBundlesThanNodes_hasNoPlan() {
    assertNull(BundlePlan.plan(PlacementStrategy.STRICT_SPREAD, List.of(ONE, ONE, ONE), cpus(4, 4)));
  }

  @Test
  void strictSpread_findsDistinctNodesWhereTheFirstFitWouldFail() {
    // Bundle 0 fits both nodes, bundle 1 only node 0: bundle 0 must take node 1.
    List<Map<String, Double>> bundles = List.of(Map.of("a", 1.0), Map.of("b", 1.0));
    List<Map<String, Double>> nodes = List.of(Map.of("a", 1.0, "b", 1.0), Map.of("a", 1.0));
    assertArrayEquals(new int[] {1, 0}, BundlePlan.plan(PlacementStrategy.STRICT_SPREAD, bundles, nodes));
  }

  @Test
  void spread_putsEachBundleOnTheNodeWithTheFewestOfTheGroup() {
    int[] plan = BundlePlan.plan(PlacementStrategy.SPREAD, List.of(ONE, ONE, ONE, ONE), cpus(4, 4));
    assertEquals(2, Arrays.stream(plan).filter(n -> n == 0).count());
    assertEquals(2, Arrays.stream(plan).filter(n -> n == 1).count());
  }

  @Test
  void spread_whenOnlyOneNodeHasRoom_stillPlacesEveryBundle() {
    assertArrayEquals(new int[] {1, 1}, BundlePlan.plan(PlacementStrategy.SPREAD, List.of(ONE, ONE), cpus(0, 2)));
  }
}
