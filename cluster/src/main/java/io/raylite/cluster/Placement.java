package io.raylite.cluster;

import io.raylite.InfeasibleResourceException;
import io.raylite.NodeDiedException;
import io.raylite.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Implementation overview
 *
 * The driver's view of the nodes: each one's capacity (from its member attributes) and what this
 * driver has placed on it and not yet seen finish. The nodes do the exact accounting and queue what
 * does not fit yet, so the driver holds no resources of its own: place() picks a node at once and
 * never waits. It takes the node that holds most of the task's argument bytes if the task fits
 * there now, else the node where it fits now with the lowest load, else (every node that could run
 * it is full) the one with the lowest load whose queue is not full, where it queues. A node's
 * queue is full for a request when, with it, some resource it names would be in use beyond
 * (1 + queueFactor) times the node's capacity; then place() returns null and the submitter holds
 * the task (Backlog) until a release or a node joining makes room. Queues on the nodes keep them
 * busy between answers; the bound keeps most of a backlog where a node that joins later can take
 * it. A node's load for a request is the highest share of any resource the request names that
 * would be in use with it. When no live node could ever fit the request, the task fails at once.
 *
 * States of a node: LIVE (in `live`) -> DEAD (moved to `dead` when Hazelcast removes the member;
 * never back: a restarted node is a new member). Every field is guarded by `lock`.
 */
final class Placement {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Slot> live = new LinkedHashMap<>();
  private final Map<String, Slot> dead = new LinkedHashMap<>();
  /** How many times its capacity a node may have queued beyond what runs; see the overview. */
  private final double queueFactor;

  /** The system property that sets queueFactor; 16 unless set. */
  static final String QUEUE_FACTOR_PROPERTY = "raylite.cluster.queueFactor";

  Placement() {
    this(Double.parseDouble(System.getProperty(QUEUE_FACTOR_PROPERTY, "16")));
  }

  Placement(double queueFactor) {
    if (!(queueFactor >= 0)) {
      throw new IllegalArgumentException(QUEUE_FACTOR_PROPERTY + " must be >= 0, got " + queueFactor);
    }
    this.queueFactor = queueFactor;
  }

  /** One node: its capacity and what this driver runs on it now. */
  static final class Slot {
    final String uuid;
    final String nodeId;
    final String address;
    final Map<String, Double> capacity;
    private final Map<String, Double> used = new HashMap<>();

    Slot(String uuid, String nodeId, String address, Map<String, Double> capacity) {
      this.uuid = uuid;
      this.nodeId = nodeId;
      this.address = address;
      this.capacity = Map.copyOf(capacity);
    }

    boolean couldEverFit(Map<String, Double> request) {
      for (Map.Entry<String, Double> e : request.entrySet()) {
        if (e.getValue() > 0 && capacity.getOrDefault(e.getKey(), 0.0) + 1e-9 < e.getValue()) {
          return false;
        }
      }
      return true;
    }

    boolean fitsNow(Map<String, Double> request) {
      for (Map.Entry<String, Double> e : request.entrySet()) {
        double free = capacity.getOrDefault(e.getKey(), 0.0) - used.getOrDefault(e.getKey(), 0.0);
        if (e.getValue() > 0 && free + 1e-9 < e.getValue()) {
          return false;
        }
      }
      return true;
    }

    /** Whether the request may queue here: with it, nothing it names is in use beyond the queue bound. */
    boolean mayQueue(Map<String, Double> request, double queueFactor) {
      for (Map.Entry<String, Double> e : request.entrySet()) {
        double bound = capacity.getOrDefault(e.getKey(), 0.0) * (1 + queueFactor);
        if (e.getValue() > 0 && used.getOrDefault(e.getKey(), 0.0) + e.getValue() > bound + 1e-9) {
          return false;
        }
      }
      return true;
    }

    /** The highest share of a resource the request names that would be in use with it here. */
    double loadWith(Map<String, Double> request) {
      double load = 0;
      for (Map.Entry<String, Double> e : request.entrySet()) {
        double total = capacity.getOrDefault(e.getKey(), 0.0);
        if (e.getValue() > 0 && total > 0) {
          load = Math.max(load, (used.getOrDefault(e.getKey(), 0.0) + e.getValue()) / total);
        }
      }
      return load;
    }
  }

  void add(String uuid, String nodeId, String address, Map<String, Double> capacity) {
    lock.lock();
    try {
      live.put(uuid, new Slot(uuid, nodeId, address, capacity));
    } finally {
      lock.unlock();
    }
  }

  /** The node left; returns its slot, or null if it was not known. */
  Slot remove(String uuid) {
    lock.lock();
    try {
      Slot slot = live.remove(uuid);
      if (slot != null) {
        dead.put(uuid, slot);
      }
      return slot;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks that some live node could ever run the request.
   *
   * @throws InfeasibleResourceException if none could
   * @throws io.raylite.RayliteException if no node is left at all
   */
  void checkFeasible(String taskName, Map<String, Double> request) {
    lock.lock();
    try {
      for (Slot s : live.values()) {
        if (s.couldEverFit(request)) {
          return;
        }
      }
      throw infeasible(taskName, request);
    } finally {
      lock.unlock();
    }
  }

  private RuntimeException infeasible(String taskName, Map<String, Double> request) {
    if (live.isEmpty()) {
      return new io.raylite.RayliteException("no live node is left in the cluster to run task '" + taskName
          + "'; nodes that died: " + dead.values().stream().map(s -> s.nodeId).toList());
    }
    List<String> nodes = new ArrayList<>();
    for (Slot s : live.values()) {
      nodes.add(s.nodeId + " " + s.capacity);
    }
    return new InfeasibleResourceException("task '" + taskName + "' asks for " + request
        + ", which no single node of the cluster can ever provide; nodes: " + nodes);
  }

  /**
   * Places the request on a node and counts it there until {@link #release}; never waits.
   *
   * @param preferredUuid the node holding most of the task's argument bytes, or null
   * @return the node, or null if every node that could run it has a full queue
   * @throws InfeasibleResourceException if no live node could ever run it (they died)
   */
  Slot place(String taskName, Map<String, Double> request, String preferredUuid) {
    lock.lock();
    try {
      Slot preferred = preferredUuid == null ? null : live.get(preferredUuid);
      Slot best = preferred != null && preferred.fitsNow(request) ? preferred : null;
      boolean feasible = best != null;
      if (best == null) {
        boolean bestFits = false;
        double bestLoad = Double.MAX_VALUE;
        for (Slot s : live.values()) {
          if (!s.couldEverFit(request)) {
            continue;
          }
          feasible = true;
          if (!s.mayQueue(request, queueFactor)) {
            continue;
          }
          boolean fits = s.fitsNow(request);
          double load = s.loadWith(request);
          if (best == null || (fits && !bestFits) || (fits == bestFits && load < bestLoad)) {
            best = s;
            bestFits = fits;
            bestLoad = load;
          }
        }
      }
      if (best == null) {
        if (feasible) {
          return null;  // every node that could run it has a full queue: the submitter holds it
        }
        throw infeasible(taskName, request);
      }
      for (Map.Entry<String, Double> e : request.entrySet()) {
        best.used.merge(e.getKey(), e.getValue(), Double::sum);
      }
      return best;
    } finally {
      lock.unlock();
    }
  }

  void release(Slot slot, Map<String, Double> request) {
    lock.lock();
    try {
      for (Map.Entry<String, Double> e : request.entrySet()) {
        slot.used.merge(e.getKey(), -e.getValue(), Double::sum);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The live node with this member uuid, or null. */
  Slot live(String uuid) {
    lock.lock();
    try {
      return live.get(uuid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The live nodes and each one's room: its capacity, or, with {@code free}, its capacity less what
   * this submitter has placed there and not seen finish.
   */
  Map<Slot, Map<String, Double>> rooms(boolean free) {
    lock.lock();
    try {
      Map<Slot, Map<String, Double>> rooms = new LinkedHashMap<>();
      for (Slot s : live.values()) {
        Map<String, Double> room = new HashMap<>(s.capacity);
        if (free) {
          s.used.forEach((k, v) -> room.merge(k, -v, Double::sum));
        }
        rooms.put(s, room);
      }
      return rooms;
    } finally {
      lock.unlock();
    }
  }

  /** The id of the live node with this member uuid, or null. */
  String nodeIdOf(String uuid) {
    lock.lock();
    try {
      Slot s = live.get(uuid);
      return s == null ? null : s.nodeId;
    } finally {
      lock.unlock();
    }
  }

  /** The sum of the live nodes' capacities. */
  Map<String, Double> totals() {
    lock.lock();
    try {
      Map<String, Double> sum = new LinkedHashMap<>();
      for (Slot s : live.values()) {
        s.capacity.forEach((k, v) -> sum.merge(k, v, Double::sum));
      }
      return sum;
    } finally {
      lock.unlock();
    }
  }

  /** The sum over the live nodes of what this driver has not placed there (never below zero). */
  Map<String, Double> available() {
    lock.lock();
    try {
      Map<String, Double> sum = new LinkedHashMap<>();
      for (Slot s : live.values()) {
        s.capacity.forEach((k, v) -> sum.merge(k, Math.max(0, v - s.used.getOrDefault(k, 0.0)), Double::sum));
      }
      return sum;
    } finally {
      lock.unlock();
    }
  }

  List<NodeInfo> nodes() {
    lock.lock();
    try {
      List<NodeInfo> nodes = new ArrayList<>();
      for (Slot s : live.values()) {
        nodes.add(new NodeInfo(s.nodeId, s.address, true, s.capacity));
      }
      for (Slot s : dead.values()) {
        nodes.add(new NodeInfo(s.nodeId, s.address, false, s.capacity));
      }
      return nodes;
    } finally {
      lock.unlock();
    }
  }

  /** A node-died failure for a task that was running on {@code slot}. */
  static NodeDiedException died(Slot slot, String taskName) {
    return new NodeDiedException("node " + slot.nodeId + " (" + slot.address + ") left the cluster while it ran task '"
        + taskName + "'");
  }

  /** As {@link #died(Slot, String)}, with the failure that showed it. */
  static NodeDiedException died(Slot slot, String taskName, Throwable cause) {
    return new NodeDiedException("node " + slot.nodeId + " (" + slot.address + ") left the cluster while it ran task '"
        + taskName + "'", cause);
  }
}
