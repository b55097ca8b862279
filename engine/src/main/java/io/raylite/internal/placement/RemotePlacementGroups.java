package io.raylite.internal.placement;

import io.raylite.GetTimeoutException;
import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.RayliteException;
import io.raylite.Sized;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.TaskRun;
import io.raylite.spi.PlacementGroupBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Implementation overview
 *
 * The placement groups of a runtime whose backend reserves bundles on a cluster's nodes (see
 * PlacementGroupBackend): the backend owns each group (its registry row, its bundles on nodes); this
 * table gives each one a PlacementGroup of this runtime, with a ready ref of this runtime's store,
 * and keeps the tasks this runtime placed in it so that removal cancels them here too (their nodes
 * cancel the attempts they run, and a task not sent yet is never sent).
 *
 * Threads: any. `views` is a concurrent map whose computeIfAbsent makes one view per group id;
 * a view's `tasks` is a concurrent set; everything else is final.
 */
public final class RemotePlacementGroups {
  private final Engine engine;
  private final PlacementGroupBackend backend;
  private final ConcurrentHashMap<String, RemotePlacementGroup> views = new ConcurrentHashMap<>();

  public RemotePlacementGroups(Engine engine, PlacementGroupBackend backend) {
    this.engine = engine;
    this.backend = backend;
  }

  /** Creates a group on the cluster; see {@link PlacementGroupBackend#create}. */
  public PlacementGroup create(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name) {
    engine.checkOpen();
    return view(backend.create(bundles, strategy, name));
  }

  /** The group named {@code name} that is not removed, anywhere in the cluster. */
  public Optional<PlacementGroup> named(String name) {
    engine.checkOpen();
    return backend.named(name).map(this::view);
  }

  /** The group with id {@code id}. */
  public Optional<PlacementGroup> byId(String id) {
    engine.checkOpen();
    return backend.byId(id).map(this::view);
  }

  /** Every group of the cluster, in creation order. */
  public List<PlacementGroup> list() {
    List<PlacementGroup> all = new ArrayList<>();
    for (PlacementGroupBackend.Group g : backend.list()) {
      all.add(view(g));
    }
    return all;
  }

  private RemotePlacementGroup view(PlacementGroupBackend.Group group) {
    return views.computeIfAbsent(group.id(), id -> new RemotePlacementGroup(this, group));
  }

  /**
   * The view behind a group given to this runtime; {@code what} names the argument.
   *
   * @throws IllegalArgumentException if it is not a group of this runtime
   */
  public RemotePlacementGroup viewOf(PlacementGroup group, String what) {
    if (group instanceof RemotePlacementGroup r && r.table == this) {
      return r;
    }
    throw new IllegalArgumentException(what + " must be a PlacementGroup created or found by this cluster "
        + "runtime, got " + (group == null ? "null" : group));
  }

  /**
   * Removes a group: the backend frees its bundles on their nodes (which stop what runs in them),
   * and the tasks this runtime placed in it are cancelled; nothing if it was removed already.
   */
  public void remove(RemotePlacementGroup group) {
    engine.checkOpen();
    if (group.group.remove()) {
      group.stopped();
    }
  }

  /** One cluster group as a PlacementGroup of this runtime. */
  public static final class RemotePlacementGroup implements PlacementGroup, Sized {
    final RemotePlacementGroups table;
    final PlacementGroupBackend.Group group;
    private final ObjectEntry readyEntry;
    private final ObjectRef<PlacementGroup> readyRef;
    /** Tasks this runtime placed in the group and not done yet. */
    private final Set<TaskRun> tasks = ConcurrentHashMap.newKeySet();

    RemotePlacementGroup(RemotePlacementGroups table, PlacementGroupBackend.Group group) {
      this.table = table;
      this.group = group;
      Engine engine = table.engine;
      this.readyEntry = new ObjectEntry(engine.nextObjectId(), engine.store, null);
      this.readyRef = new ObjectRefImpl<>(readyEntry);
      group.placed().whenComplete((v, e) -> {
        if (e == null) {
          readyEntry.complete(this);
        } else {
          Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
          readyEntry.fail(cause instanceof RayliteException r ? r
              : new RayliteException("placement group " + displayName() + " failed: " + cause, cause));
        }
      });
    }

    /**
     * Checks, at submission, that a request of {@code amounts} can be placed in bundle {@code index}
     * (any bundle for -1).
     *
     * @throws PlacementGroupRemovedException if the group was removed
     * @throws InfeasibleResourceException if no such bundle could ever hold the request
     */
    public void check(int index, Map<String, Double> amounts, String subject) {
      if (group.state() == PlacementGroupState.REMOVED) {
        throw new PlacementGroupRemovedException("'" + subject + "' cannot be placed in placement group "
            + displayName() + ": it was removed");
      }
      List<Map<String, Double>> bundles = group.bundles();
      if (index >= 0) {
        String missing = missing(bundles.get(index), amounts);
        if (missing != null) {
          throw new InfeasibleResourceException("'" + subject + "' asks for " + amounts + ", which bundle " + index
              + " of placement group " + displayName() + " " + bundles.get(index) + " can never provide: "
              + missing);
        }
        return;
      }
      for (Map<String, Double> b : bundles) {
        if (missing(b, amounts) == null) {
          return;
        }
      }
      throw new InfeasibleResourceException("'" + subject + "' asks for " + amounts + ", which fits in no bundle "
          + "of placement group " + displayName() + " " + bundles);
    }

    /** What of {@code amounts} the bundle lacks, or null if it could hold them. */
    private static String missing(Map<String, Double> bundle, Map<String, Double> amounts) {
      for (Map.Entry<String, Double> e : amounts.entrySet()) {
        double has = bundle.getOrDefault(e.getKey(), 0.0);
        if (e.getValue() > 0 && has + 1e-9 < e.getValue()) {
          return e.getKey() + " " + e.getValue() + " > " + has;
        }
      }
      return null;
    }

    /**
     * Counts a task submitted into the group, so that removal cancels it; a removal that ran
     * meanwhile is caught here and cancels it.
     */
    public void admitted(TaskRun task) {
      tasks.add(task);
      task.result.ready.whenComplete((v, e) -> tasks.remove(task));
      if (group.state() == PlacementGroupState.REMOVED) {
        task.cancel(true, reason(task));
      }
    }

    /** The group was removed: cancels its tasks here and fails its ready ref. */
    void stopped() {
      for (TaskRun task : tasks) {
        task.cancel(true, reason(task));
      }
      readyEntry.fail(removedException());
    }

    private String reason(TaskRun task) {
      return "task '" + task.taskName() + "' (" + task.taskId() + ") was cancelled because its placement group "
          + displayName() + " was removed";
    }

    private PlacementGroupRemovedException removedException() {
      return new PlacementGroupRemovedException("placement group " + displayName() + " was removed");
    }

    String displayName() {
      return group.name().map(n -> "'" + n + "' (" + group.id() + ")").orElse(group.id());
    }

    /** The node holding each bundle, by bundle index (null for one not reserved now). */
    public List<String> bundleNodes() {
      return group.bundleNodes();
    }

    @Override
    public String id() {
      return group.id();
    }

    @Override
    public Optional<String> name() {
      return group.name();
    }

    @Override
    public List<Map<String, Double>> bundles() {
      return group.bundles();
    }

    @Override
    public PlacementStrategy strategy() {
      return group.strategy();
    }

    @Override
    public PlacementGroupState state() {
      return group.state();
    }

    @Override
    public ObjectRef<PlacementGroup> ready() {
      if (group.state() == PlacementGroupState.REMOVED) {
        Engine engine = table.engine;
        ObjectEntry failed = new ObjectEntry(engine.nextObjectId(), engine.store, null);
        failed.fail(removedException());
        return new ObjectRefImpl<>(failed);
      }
      return readyRef;
    }

    @Override
    public boolean wait(Duration timeout) {
      java.util.Objects.requireNonNull(timeout, "timeout");
      Engine engine = table.engine;
      engine.checkOpen();
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
      }
      if (group.state() == PlacementGroupState.REMOVED) {
        throw removedException();
      }
      try {
        engine.api.get(readyRef, timeout);
        return true;
      } catch (GetTimeoutException e) {
        return false;
      }
    }

    /** A group is small: the store need not walk it. */
    @Override
    public long sizeInBytes() {
      return 64;
    }

    @Override
    public String toString() {
      return "PlacementGroup(" + group.name().map(n -> n + ", " + group.id()).orElse(group.id()) + ", "
          + group.strategy() + ", " + group.bundles() + ", " + group.state() + ", on nodes " + group.bundleNodes()
          + ")";
    }
  }
}
