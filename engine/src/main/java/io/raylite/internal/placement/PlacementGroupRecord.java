package io.raylite.internal.placement;

import io.raylite.GetTimeoutException;
import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupInfo;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.RayliteException;
import io.raylite.Sized;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Scheduler;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.TaskRun;
import io.raylite.internal.task.TimelineSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Implementation overview
 *
 * One placement group: its bundles, its gang reservation in the runtime's scheduler (the pool), and
 * the ready ref that completes once it is placed.
 *
 * Bundles: each bundle is a ResourceLedger of the bundle's capacity and a Scheduler over it,
 * made with the group and empty until the group is placed: tasks and actors placed in a pending
 * group queue in their bundle and start when the pool grants the group and fill() stocks each
 * bundle (GPU bundles then pin the devices they were granted). A task or actor in a bundle is
 * charged there, never against the pool; the bundle's scheduler is the one its TaskRun or
 * ActorRecord uses for every acquire, lend, reclaim and release.
 *
 * States (field `state`, written under this record's monitor):
 *   PENDING  the gang reservation waits in the pool
 *   CREATED  the pool granted every bundle (granted(), on the thread that completes the reservation)
 *   REMOVED  removed, or the runtime closed. Terminal.
 * Whoever moves the group out of PENDING owns the grant: granted() keeps it; remove() withdraws the
 * reservation and releases a grant that arrived meanwhile, and a grant delivered after that sees
 * REMOVED and does nothing.
 *
 * Removal: the state goes to REMOVED first, so submissions that look after that fail at the call;
 * the caller kills the group's actors (LocalRuntime, the room above), then release() closes every
 * bundle's scheduler, cancels the tasks queued or running in the group (a running one is interrupted
 * and its result fails at once; its thread hands its resources to the closed bundle when it returns)
 * and gives the bundles back to the pool.
 */
public final class PlacementGroupRecord implements PlacementGroup, Sized {
  final Engine engine;
  final long seq;
  private final String id;
  private final String name;
  private final PlacementStrategy strategy;
  private final List<Map<String, Double>> bundleMaps;
  private final ResourceShape[] shapes;
  private final Bundle[] bundles;
  private final ObjectEntry readyEntry;
  /** The one ref of readyEntry, kept by the group so that the entry lives as long as it does. */
  private final ObjectRef<PlacementGroup> readyRef;
  /** Tasks placed in the group and not done yet; a task leaves when its result completes. */
  private final Set<TaskRun> tasks = ConcurrentHashMap.newKeySet();
  final long createdNanos = System.nanoTime();

  // Guarded by this.
  private volatile PlacementGroupState state = PlacementGroupState.PENDING;
  private Scheduler.GroupReservation reservation;
  /** The pool's allocation of each bundle while CREATED. */
  private Allocation[] reserved;
  private long placedNanos;
  private long releasedNanos;

  /** One bundle: its ledger and scheduler, where tasks and actors placed in it are charged. */
  public static final class Bundle {
    final int index;
    final ResourceShape shape;
    final ResourceLedger ledger;
    public final Scheduler<TaskRun> scheduler;
    /**
     * Tasks and actors placed here and not ended: how "any bundle" requests spread out, since an
     * actor placed a moment ago may not have reserved its share yet. A hint, never a limit.
     */
    private final AtomicInteger placed = new AtomicInteger();

    /** A task or actor placed here ended. */
    public void unplace() {
      placed.decrementAndGet();
    }

    Bundle(int index, ResourceShape shape, ResourceLedger ledger, Scheduler<TaskRun> scheduler) {
      this.index = index;
      this.shape = shape;
      this.ledger = ledger;
      this.scheduler = scheduler;
    }
  }

  /** A bundle chosen for a task or actor, and its request as a shape of that bundle's scheduler. */
  public record Placement(Bundle bundle, ResourceShape shape) {}

  PlacementGroupRecord(Engine engine, long seq, String name, PlacementStrategy strategy,
      List<Map<String, Double>> bundleMaps, ResourceShape[] shapes) {
    this.engine = engine;
    this.seq = seq;
    this.id = String.format("pg-%x", seq);
    this.name = name;
    this.strategy = strategy;
    this.bundleMaps = bundleMaps;
    this.shapes = shapes;
    this.bundles = new Bundle[shapes.length];
    ResourceLedger pool = engine.scheduler.ledger();
    for (int i = 0; i < shapes.length; i++) {
      ResourceLedger ledger = new ResourceLedger(pool, shapes[i], "bundle " + i + " of placement group " + displayName());
      bundles[i] = new Bundle(i, shapes[i], ledger, engine.newScheduler(ledger));
    }
    this.readyEntry = new ObjectEntry(engine.nextObjectId(), engine.store, null);
    this.readyRef = new ObjectRefImpl<>(readyEntry);
  }

  /** Asks the pool for every bundle; called once, after the group is registered. */
  void start() {
    Scheduler.GroupReservation waiting = engine.scheduler.reserveAll(shapes);
    boolean removed;
    synchronized (this) {
      reservation = waiting;
      removed = state == PlacementGroupState.REMOVED;
    }
    if (removed) {
      // Removed before it asked (release() found no reservation to withdraw): give back what it got.
      Allocation[] taken = engine.scheduler.withdraw(waiting);
      if (taken != null) {
        for (Allocation a : taken) {
          engine.scheduler.release(a);
        }
      }
      return;
    }
    waiting.thenAccept(this::granted);
  }

  /** The pool granted every bundle (null: it closed first). */
  private void granted(Allocation[] taken) {
    if (taken == null) {
      return;  // the runtime closed; close() ends the group
    }
    synchronized (this) {
      if (state != PlacementGroupState.PENDING) {
        return;  // removed meanwhile: remove() withdrew the grant and released it
      }
      reserved = taken;
      placedNanos = System.nanoTime();
      state = PlacementGroupState.CREATED;
    }
    for (int i = 0; i < bundles.length; i++) {
      bundles[i].scheduler.fill(taken[i]);
    }
    readyEntry.complete(this);
  }

  /* ---------------- Placing tasks and actors ---------------- */

  /**
   * The bundle for a request of {@code amounts}: bundle {@code index}, or for -1 a bundle chosen by
   * {@link #placeInAny}. The caller hands the placement to a task ({@link #admitted}) or an actor,
   * which calls {@link Bundle#unplace} when it ends.
   *
   * @param subject names the task or actor in errors
   * @throws InfeasibleResourceException if the request fits in no bundle's capacity
   * @throws PlacementGroupRemovedException if the group was removed
   */
  public Placement place(int index, Map<String, Double> amounts, String subject) {
    checkNotRemoved(subject);
    Placement chosen = index >= 0 ? new Placement(bundles[index], bundles[index].scheduler.shapeOf(amounts, subject))
        : placeInAny(amounts, subject);
    chosen.bundle.placed.incrementAndGet();
    return chosen;
  }

  /**
   * A bundle for an "any bundle" request: among those whose capacity can hold it, one where it
   * would start now, else any; in both cases the one with the fewest tasks and actors placed in it.
   */
  private Placement placeInAny(Map<String, Double> amounts, String subject) {
    List<Placement> feasible = new ArrayList<>(bundles.length);
    InfeasibleResourceException refused = null;
    for (Bundle b : bundles) {
      try {
        feasible.add(new Placement(b, b.scheduler.shapeOf(amounts, subject)));
      } catch (InfeasibleResourceException e) {
        refused = refused == null ? e : refused;
      }
    }
    if (feasible.isEmpty()) {
      throw new InfeasibleResourceException("'" + subject + "' fits in no bundle of placement group "
          + displayName() + " " + bundleMaps + ": " + refused.getMessage());
    }
    Placement best = null;
    boolean bestHasRoom = false;
    for (Placement p : feasible) {
      boolean room = p.bundle.scheduler.hasRoomFor(p.shape);
      if (best == null || (room && !bestHasRoom)
          || (room == bestHasRoom && p.bundle.placed.get() < best.bundle.placed.get())) {
        best = p;
        bestHasRoom = room;
      }
    }
    return best;
  }

  /**
   * Counts a task submitted into the group, so that removal can stop it; a removal that ran
   * meanwhile is caught here and cancels it.
   */
  public void admitted(TaskRun task, Placement placement) {
    tasks.add(task);
    task.result.ready.whenComplete((v, e) -> {
      tasks.remove(task);
      placement.bundle.unplace();
    });
    if (state == PlacementGroupState.REMOVED) {
      task.cancel(true, removedReason("task '" + task.taskName() + "' (" + task.taskId() + ") was cancelled"));
    }
  }

  /** Whether {@code scheduler} is one of this group's bundles. */
  public boolean holds(Scheduler<?> scheduler) {
    for (Bundle b : bundles) {
      if (b.scheduler == scheduler) {
        return true;
      }
    }
    return false;
  }

  private void checkNotRemoved(String subject) {
    if (state == PlacementGroupState.REMOVED) {
      throw new PlacementGroupRemovedException("'" + subject + "' cannot be placed in placement group "
          + displayName() + ": it was removed");
    }
  }

  /* ---------------- Removal ---------------- */

  /** Marks the group removed; true for the one call that did. The caller then kills its actors and calls release. */
  public boolean markRemoved() {
    synchronized (this) {
      if (state == PlacementGroupState.REMOVED) {
        return false;
      }
      state = PlacementGroupState.REMOVED;
      releasedNanos = System.nanoTime();
      return true;
    }
  }

  /**
   * After {@link #markRemoved}: closes the bundles, cancels the tasks in them ({@code because} ends
   * the reason they are given), fails the ready ref with {@code readyFailure}, and gives the bundles
   * back to the pool.
   */
  public void release(RayliteException readyFailure, String because) {
    Allocation[] held;
    Scheduler.GroupReservation waiting;
    synchronized (this) {
      held = reserved;
      reserved = null;
      waiting = reservation;
    }
    if (held == null && waiting != null) {
      held = engine.scheduler.withdraw(waiting);  // granted but not delivered yet, or null
    }
    for (Bundle b : bundles) {
      for (TaskRun queued : b.scheduler.close()) {
        queued.cancel(true, "task '" + queued.taskName() + "' (" + queued.taskId() + ") was cancelled " + because);
      }
    }
    for (TaskRun task : tasks) {
      task.cancel(true, "task '" + task.taskName() + "' (" + task.taskId() + ") was cancelled " + because);
    }
    if (!readyEntry.isDone()) {
      readyEntry.fail(readyFailure);
    }
    if (held != null) {
      recordBundles(held);
      for (Allocation a : held) {
        engine.scheduler.release(a);
      }
    }
  }

  /** Why work placed in the group was stopped: {@code what} + the reason. */
  public String removedReason(String what) {
    return what + " " + removedBecause();
  }

  /** The end of {@link #removedReason}. */
  public String removedBecause() {
    return "because its placement group " + displayName() + " was removed";
  }

  /** Each bundle's span in the timeline, from its reservation to now. */
  private void recordBundles(Allocation[] held) {
    TimelineSink timeline = engine.timeline;
    if (!timeline.enabled()) {
      return;
    }
    long placed;
    long released;
    synchronized (this) {
      placed = placedNanos;
      released = releasedNanos;
    }
    for (TimelineSink.BundleEvent e : bundleEvents(held, placed, released)) {
      timeline.record(e);
    }
  }

  /** The timeline's events of the bundles: open ones (releasedNanos 0) while the group is placed. */
  List<TimelineSink.BundleEvent> bundleEvents(Allocation[] held, long placed, long released) {
    List<TimelineSink.BundleEvent> events = new ArrayList<>(bundles.length);
    if (placed == 0) {
      return events;  // never placed: no bundle was held
    }
    for (int i = 0; i < bundles.length; i++) {
      events.add(new TimelineSink.BundleEvent(id, displayName(), seq, i, bundleMaps.get(i).toString(),
          held[i].gpuIdList(), createdNanos, placed, released));
    }
    return events;
  }

  /** The open bundle events of a placed group, for a timeline written now; empty otherwise. */
  List<TimelineSink.BundleEvent> openBundleEvents() {
    synchronized (this) {
      return reserved == null ? List.of() : bundleEvents(reserved, placedNanos, 0);
    }
  }

  /* ---------------- PlacementGroup ---------------- */

  @Override
  public String id() {
    return id;
  }

  @Override
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The name if given, else the id: how errors name the group. */
  String displayName() {
    return name == null ? id : "'" + name + "' (" + id + ")";
  }

  String registeredName() {
    return name;
  }

  @Override
  public List<Map<String, Double>> bundles() {
    return bundleMaps;
  }

  @Override
  public PlacementStrategy strategy() {
    return strategy;
  }

  @Override
  public PlacementGroupState state() {
    return state;
  }

  @Override
  public ObjectRef<PlacementGroup> ready() {
    if (state == PlacementGroupState.REMOVED) {
      ObjectEntry failed = new ObjectEntry(engine.nextObjectId(), engine.store, null);
      failed.fail(removedException());
      return new ObjectRefImpl<>(failed);
    }
    return readyRef;
  }

  private PlacementGroupRemovedException removedException() {
    return new PlacementGroupRemovedException("placement group " + displayName() + " was removed");
  }

  @Override
  public boolean wait(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    engine.checkOpen();
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
    }
    if (state == PlacementGroupState.REMOVED) {
      throw removedException();  // as Ray's wait on a removed group, even one placed before
    }
    try {
      engine.api.get(readyRef, timeout);
      return true;
    } catch (GetTimeoutException e) {
      return false;
    }
  }

  /** The group as the state API shows it. */
  public PlacementGroupInfo describe(int liveActors) {
    Allocation[] held;
    synchronized (this) {
      held = reserved;
    }
    List<PlacementGroupInfo.Bundle> rows = new ArrayList<>(bundles.length);
    for (Bundle b : bundles) {
      rows.add(new PlacementGroupInfo.Bundle(b.index, bundleMaps.get(b.index),
          held == null ? zero(bundleMaps.get(b.index)) : only(bundleMaps.get(b.index), b.scheduler.available()),
          held == null ? List.of() : held[b.index].gpuIdList()));
    }
    return new PlacementGroupInfo(id, name, strategy, state, rows, tasks.size(), liveActors);
  }

  /** The entries of {@code all} named in {@code bundle}. */
  private static Map<String, Double> only(Map<String, Double> bundle, Map<String, Double> all) {
    Map<String, Double> some = new java.util.LinkedHashMap<>();
    for (String key : bundle.keySet()) {
      some.put(key, all.getOrDefault(key, 0.0));
    }
    return some;
  }

  private static Map<String, Double> zero(Map<String, Double> amounts) {
    Map<String, Double> none = new java.util.LinkedHashMap<>();
    for (String key : amounts.keySet()) {
      none.put(key, 0.0);
    }
    return none;
  }

  /** A placement group is small: the store need not walk its schedulers. */
  @Override
  public long sizeInBytes() {
    return 64;
  }

  @Override
  public String toString() {
    return "PlacementGroup(" + (name == null ? id : name + ", " + id) + ", " + strategy + ", " + bundleMaps
        + ", " + state + ")";
  }
}
