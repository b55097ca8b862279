package io.raylite.cluster;

import io.raylite.PlacementStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses a node for each bundle of a placement group, as Ray's strategies say, from each node's room
 * (its capacity, or what is free there as far as the planner knows): STRICT_PACK all on one node;
 * PACK on one node if they fit there, else on as few nodes as it can (first fit, filling the nodes
 * already chosen before opening another, the roomiest first); STRICT_SPREAD each on a different
 * node; SPREAD each on the node that holds the fewest of the group's bundles so far. A pure
 * function of its arguments: the nodes' own reservations (NodeBundles) are the exact check.
 */
final class BundlePlan {
  /** How many assignments STRICT_SPREAD's search tries before it gives up (it is small in practice). */
  private static final int SEARCH_LIMIT = 100_000;

  private BundlePlan() {}

  /**
   * The node index of each bundle, or null if the nodes' room cannot hold the bundles as
   * {@code strategy} asks.
   */
  static int[] plan(PlacementStrategy strategy, List<Map<String, Double>> bundles, List<Map<String, Double>> rooms) {
    List<Map<String, Double>> left = new ArrayList<>();
    for (Map<String, Double> r : rooms) {
      left.add(new HashMap<>(r));
    }
    return switch (strategy) {
      case STRICT_PACK -> onOneNode(bundles, left);
      case PACK -> {
        int[] one = onOneNode(bundles, left);
        yield one != null ? one : pack(bundles, left);
      }
      case STRICT_SPREAD -> strictSpread(bundles, left);
      case SPREAD -> spread(bundles, left);
    };
  }

  private static int[] onOneNode(List<Map<String, Double>> bundles, List<Map<String, Double>> rooms) {
    Map<String, Double> sum = new HashMap<>();
    for (Map<String, Double> b : bundles) {
      b.forEach((k, v) -> sum.merge(k, v, Double::sum));
    }
    int best = -1;
    for (int n = 0; n < rooms.size(); n++) {
      if (fits(sum, rooms.get(n)) && (best < 0 || spare(rooms.get(n)) > spare(rooms.get(best)))) {
        best = n;
      }
    }
    if (best < 0) {
      return null;
    }
    int[] plan = new int[bundles.size()];
    Arrays.fill(plan, best);
    return plan;
  }

  private static int[] pack(List<Map<String, Double>> bundles, List<Map<String, Double>> rooms) {
    int[] plan = new int[bundles.size()];
    boolean[] opened = new boolean[rooms.size()];
    for (int i = 0; i < plan.length; i++) {
      Map<String, Double> b = bundles.get(i);
      int chosen = -1;
      for (int n = 0; n < rooms.size() && chosen < 0; n++) {
        if (opened[n] && fits(b, rooms.get(n))) {
          chosen = n;
        }
      }
      for (int n = 0; n < rooms.size() && chosen < 0; n++) {
        if (fits(b, rooms.get(n)) && (chosen < 0 || spare(rooms.get(n)) > spare(rooms.get(chosen)))) {
          chosen = n;
        }
      }
      if (chosen < 0) {
        return null;
      }
      opened[chosen] = true;
      take(b, rooms.get(chosen));
      plan[i] = chosen;
    }
    return plan;
  }

  private static int[] spread(List<Map<String, Double>> bundles, List<Map<String, Double>> rooms) {
    int[] plan = new int[bundles.size()];
    int[] count = new int[rooms.size()];
    for (int i = 0; i < plan.length; i++) {
      Map<String, Double> b = bundles.get(i);
      int chosen = -1;
      for (int n = 0; n < rooms.size(); n++) {
        if (fits(b, rooms.get(n)) && (chosen < 0 || count[n] < count[chosen]
            || (count[n] == count[chosen] && spare(rooms.get(n)) > spare(rooms.get(chosen))))) {
          chosen = n;
        }
      }
      if (chosen < 0) {
        return null;
      }
      count[chosen]++;
      take(b, rooms.get(chosen));
      plan[i] = chosen;
    }
    return plan;
  }

  private static int[] strictSpread(List<Map<String, Double>> bundles, List<Map<String, Double>> rooms) {
    if (bundles.size() > rooms.size()) {
      return null;
    }
    int[] plan = new int[bundles.size()];
    boolean[] used = new boolean[rooms.size()];
    int[] budget = {SEARCH_LIMIT};
    return assign(0, bundles, rooms, plan, used, budget) ? plan : null;
  }

  /** Depth-first search for distinct nodes: bundle i onward, given the nodes used before it. */
  private static boolean assign(int i, List<Map<String, Double>> bundles, List<Map<String, Double>> rooms, int[] plan,
      boolean[] used, int[] budget) {
    if (i == plan.length) {
      return true;
    }
    for (int n = 0; n < rooms.size(); n++) {
      if (!used[n] && fits(bundles.get(i), rooms.get(n))) {
        if (--budget[0] < 0) {
          return false;
        }
        used[n] = true;
        plan[i] = n;
        if (assign(i + 1, bundles, rooms, plan, used, budget)) {
          return true;
        }
        used[n] = false;
      }
    }
    return false;
  }

  static boolean fits(Map<String, Double> request, Map<String, Double> room) {
    for (Map.Entry<String, Double> e : request.entrySet()) {
      if (e.getValue() > 0 && room.getOrDefault(e.getKey(), 0.0) + 1e-9 < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void take(Map<String, Double> request, Map<String, Double> room) {
    request.forEach((k, v) -> room.merge(k, -v, Double::sum));
  }

  /** A node's room in one number, to prefer the roomiest: the sum of what it has left, memory in GiB. */
  private static double spare(Map<String, Double> room) {
    double sum = 0;
    for (Map.Entry<String, Double> e : room.entrySet()) {
      double v = Math.max(0, e.getValue());
      sum += io.raylite.Resources.MEMORY.equals(e.getKey()) ? v / (1L << 30) : v;
    }
    return sum;
  }
}
