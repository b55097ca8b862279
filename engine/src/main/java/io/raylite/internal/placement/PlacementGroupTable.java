package io.raylite.internal.placement;

import io.raylite.InfeasibleResourceException;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.RuntimeClosedException;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.TimelineSink;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime's placement groups: creates them (refusing at once a group that could never be placed),
 * finds them by name, lists them with their state (Ray's {@code placement_group_table}), and ends
 * every one on close. Removed groups stay listed, the most recent {@value #REMOVED_KEPT} of them.
 *
 * <p>Threads: any. {@code all} is guarded by its own monitor; names by the concurrent map, whose
 * putIfAbsent makes a name taken by exactly one live group.
 */
public final class PlacementGroupTable {
  static final int REMOVED_KEPT = 1_000;

  private final Engine engine;
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<String, PlacementGroupRecord> names = new ConcurrentHashMap<>();
  /** Every group by id, in creation order. Guarded by itself. */
  private final LinkedHashMap<String, PlacementGroupRecord> all = new LinkedHashMap<>();
  private int removedCount;
  /** The cluster's groups, when the runtime's backend reserves bundles on nodes; else null. Set once. */
  private volatile RemotePlacementGroups remote;

  public PlacementGroupTable(Engine engine) {
    this.engine = engine;
  }

  /** Makes lookups find the cluster's groups: the runtime's backend reserves bundles on nodes. */
  public void useRemote(RemotePlacementGroups groups) {
    this.remote = groups;
  }

  /**
   * Creates a group and asks for its bundles; the arguments are checked already (non-empty bundles of
   * valid amounts, a strategy, a non-blank name or null).
   *
   * @throws InfeasibleResourceException if it could never be placed on this runtime
   * @throws IllegalArgumentException if the name is taken by a group not removed
   */
  public PlacementGroupRecord create(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name) {
    engine.checkOpen();
    long seq = ids.incrementAndGet();
    String shown = name == null ? String.format("pg-%x", seq) : "'" + name + "'";
    ResourceLedger pool = engine.scheduler.ledger();
    ResourceShape[] shapes = new ResourceShape[bundles.size()];
    for (int i = 0; i < shapes.length; i++) {
      shapes[i] = pool.toShape(bundles.get(i), "bundle " + i + " of placement group " + shown);
    }
    if (strategy == PlacementStrategy.STRICT_SPREAD && shapes.length > 1) {
      throw new InfeasibleResourceException("placement group " + shown + " asks for STRICT_SPREAD, one node per "
          + "bundle, for " + shapes.length + " bundles, but this runtime is one node, so it could never be placed; "
          + "use SPREAD, or STRICT_SPREAD with one bundle");
    }
    if (!pool.fitsTogetherWhenIdle(shapes)) {
      throw new InfeasibleResourceException("placement group " + shown + " asks for bundles " + bundles
          + " all at once, but the runtime has " + pool.capacityMap() + " in total (GPUs "
          + "as whole devices), so it could never be placed");
    }
    PlacementGroupRecord group = new PlacementGroupRecord(engine, seq, name, strategy,
        List.copyOf(bundles.stream().map(Map::copyOf).toList()), shapes);
    if (name != null) {
      PlacementGroupRecord holder = names.putIfAbsent(name, group);
      if (holder != null) {
        throw new IllegalArgumentException("placement group name '" + name + "' is already taken by "
            + holder.id() + "; remove it first or choose another name");
      }
    }
    synchronized (all) {
      all.put(group.id(), group);
    }
    if (engine.isClosed()) {
      end(group);
      engine.checkOpen();  // throws
    }
    group.start();
    return group;
  }

  /** The group named {@code name} that is not removed. */
  public Optional<PlacementGroup> named(String name) {
    engine.checkOpen();
    RemotePlacementGroups cluster = remote;
    if (cluster != null) {
      return cluster.named(name);
    }
    return Optional.ofNullable(names.get(name));
  }

  /** The group with id {@code id}, removed ones included while they are listed. */
  public Optional<PlacementGroup> byId(String id) {
    engine.checkOpen();
    RemotePlacementGroups cluster = remote;
    if (cluster != null) {
      return cluster.byId(id);
    }
    synchronized (all) {
      return Optional.ofNullable(all.get(id));
    }
  }

  /** Every group, in creation order. */
  public List<PlacementGroupRecord> list() {
    synchronized (all) {
      return new ArrayList<>(all.values());
    }
  }

  /** Every group the runtime's public calls see, in creation order: the cluster's on a cluster runtime. */
  public List<PlacementGroup> listAll() {
    RemotePlacementGroups cluster = remote;
    return cluster != null ? cluster.list() : new ArrayList<>(list());
  }

  /**
   * The record behind a group of the runtime of {@code engine}; {@code what} names the argument.
   *
   * @throws IllegalArgumentException if it is another runtime's, or not a runtime's group at all
   */
  public static PlacementGroupRecord recordOf(Engine engine, PlacementGroup group, String what) {
    if (group instanceof PlacementGroupRecord r && r.engine == engine) {
      return r;
    }
    if (group instanceof PlacementGroupRecord r) {
      throw new IllegalArgumentException(what + " belongs to runtime '" + r.engine.name + "', not to '"
          + engine.name + "'");
    }
    throw new IllegalArgumentException(what + " must be a PlacementGroup created by a Raylite runtime, got "
        + (group == null ? "null" : group.getClass().getName()));
  }

  /**
   * Frees the group's name and keeps its row among the removed; called once its state is REMOVED and
   * before its bundles are released.
   */
  public void forget(PlacementGroupRecord group) {
    String name = group.registeredName();
    if (name != null) {
      names.remove(name, group);
    }
    synchronized (all) {
      removedCount++;
      if (removedCount > REMOVED_KEPT) {
        Iterator<PlacementGroupRecord> oldest = all.values().iterator();
        while (oldest.hasNext()) {
          if (oldest.next().state() == PlacementGroupState.REMOVED) {
            oldest.remove();
            removedCount--;
            break;
          }
        }
      }
    }
  }

  /** The open bundle spans of the placed groups, for a timeline written now. */
  public List<TimelineSink.BundleEvent> openBundleEvents() {
    List<TimelineSink.BundleEvent> events = new ArrayList<>();
    for (PlacementGroupRecord group : list()) {
      events.addAll(group.openBundleEvents());
    }
    return events;
  }

  /** Ends every group as the runtime closes: its queued tasks are cancelled, its bundles released. */
  public void close() {
    for (PlacementGroupRecord group : list()) {
      end(group);
    }
  }

  private void end(PlacementGroupRecord group) {
    if (group.markRemoved()) {
      forget(group);
      group.release(new RuntimeClosedException("runtime '" + engine.name + "' closed before placement group "
          + group.displayName() + " was placed"), "because runtime '" + engine.name + "' closed");
    }
  }
}
