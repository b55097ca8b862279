package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.InfeasibleResourceException;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * Implementation overview
 *
 * The bundles of the cluster's placement groups that this node holds. The bundles of one group that
 * one reservation attempt puts on this node are one placement group of the node's own runtime
 * (PACK: they are all here), so the node's exact accounting holds them, tasks and actors placed in
 * them are charged there, and removing that local group stops what runs in it, as locally.
 *
 * reserve() is a prepare that either holds the bundles or holds nothing: it creates the local group
 * and waits at most RESERVE_WAIT for the node's scheduler to grant it (gang reservations are served
 * before queued tasks, so a busy node grants it as soon as enough of its tasks end); if that does
 * not happen it removes the local group and says no, and the coordinator (ClusterPlacementGroups)
 * rolls back the group's other nodes and tries again later. That bounded wait is the one place a
 * node request waits, on one executor thread.
 *
 * Every request is safe to deliver twice, and in any order with respect to the others: a reserve
 * names its attempt, and an attempt already held answers yes; a release names the attempt (a
 * rollback) or the whole group (a removal) and leaves a tombstone, so a reserve that arrives after
 * its release (a resent invocation) is refused instead of holding bundles nobody will free.
 *
 * Threads: executor threads; every method is synchronized (each is short, but reserve's wait,
 * which runs outside the monitor).
 */
final class NodeBundles {
  /** How long a reserve waits for the node's scheduler to grant the bundles. */
  static final Duration RESERVE_WAIT = Duration.ofSeconds(1);

  private final String nodeId;
  private final Raylite ray;
  /** The holds of each group here, by group id. Guarded by this. */
  private final Map<String, List<Hold>> holds = new HashMap<>();
  /** Released attempts ("id#attempt") and removed groups ("id"), for late reserves. */
  private final Cache<String, Boolean> released =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(5)).maximumSize(100_000).build();

  /** One reservation attempt's bundles here: the cluster bundle indices and the local group holding them. */
  record Hold(int attempt, int[] indices, PlacementGroup local) {
    /** The local bundle index of cluster bundle {@code index}, or -1 if this hold has not got it. */
    int localIndex(int index) {
      for (int i = 0; i < indices.length; i++) {
        if (indices[i] == index) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Where a task of a group's bundle runs here: the local group and its bundle index. */
  record Target(PlacementGroup local, int localIndex) {}

  NodeBundles(String nodeId, Raylite ray) {
    this.nodeId = nodeId;
    this.ray = ray;
  }

  /**
   * Reserves bundles {@code indices} of group {@code groupId} for reservation attempt {@code attempt};
   * true if they are held here now, false if the node could not grant them within RESERVE_WAIT.
   */
  boolean reserve(String groupId, int attempt, int[] indices, List<Map<String, Double>> bundles)
      throws InterruptedException {
    PlacementGroup local;
    synchronized (this) {
      if (released.getIfPresent(groupId) != null || released.getIfPresent(groupId + "#" + attempt) != null) {
        return false;
      }
      for (Hold h : holds.getOrDefault(groupId, List.of())) {
        if (h.attempt() == attempt) {
          return h.local().state() == PlacementGroupState.CREATED;  // delivered twice: granted yet?
        }
      }
      try {
        local = ray.placementGroup(bundles, PlacementStrategy.PACK);
      } catch (InfeasibleResourceException e) {
        return false;
      }
      holds.computeIfAbsent(groupId, id -> new ArrayList<>()).add(new Hold(attempt, indices.clone(), local));
    }
    boolean granted;
    try {
      granted = local.state() == PlacementGroupState.CREATED || local.wait(RESERVE_WAIT);
    } catch (PlacementGroupRemovedException e) {
      granted = false;  // released meanwhile
    }
    if (!granted) {
      release(groupId, attempt);  // the coordinator tries again under a new attempt
    }
    return granted;
  }

  /** Releases one attempt's bundles (a rollback), or with attempt -1 all of the group's (a removal). */
  void release(String groupId, int attempt) {
    List<PlacementGroup> removed = new ArrayList<>();
    synchronized (this) {
      released.put(attempt < 0 ? groupId : groupId + "#" + attempt, Boolean.TRUE);
      List<Hold> list = holds.get(groupId);
      if (list != null) {
        list.removeIf(h -> {
          if (attempt < 0 || h.attempt() == attempt) {
            removed.add(h.local());
            return true;
          }
          return false;
        });
        if (list.isEmpty()) {
          holds.remove(groupId);
        }
      }
    }
    for (PlacementGroup pg : removed) {
      ray.removePlacementGroup(pg);  // stops the tasks and actors placed in it, as a local removal does
    }
  }

  /**
   * Where a task or actor of bundle {@code index} of the group runs here.
   *
   * @throws PlacementGroupRemovedException if this node holds no such bundle (the group was removed,
   *     or the bundle moved after a node died)
   */
  synchronized Target target(String groupId, int index, String subject) {
    for (Hold h : holds.getOrDefault(groupId, List.of())) {
      int local = h.localIndex(index);
      if (local >= 0) {
        return new Target(h.local(), local);
      }
    }
    throw new PlacementGroupRemovedException("'" + subject + "' cannot run in bundle " + index + " of placement group "
        + groupId + " on node " + nodeId + ": the node no longer holds that bundle (the group was removed)");
  }

  /** How many groups have bundles here now. */
  synchronized int groupsHeld() {
    return holds.size();
  }
}
