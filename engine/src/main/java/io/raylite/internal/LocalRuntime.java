package io.raylite.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.NodeInfo;
import io.raylite.ObjectRef;
import io.raylite.ObjectStoreStats;
import io.raylite.ActorOptions;
import io.raylite.PlacementGroup;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementStrategy;
import io.raylite.internal.actor.ActorRecord;
import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import io.raylite.TaskOptions;
import io.raylite.WaitResult;
import io.raylite.function.RayFunc;
import io.raylite.internal.actor.ActorCallRun;
import io.raylite.internal.actor.ActorRegistry;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.object.ObjectStore;
import io.raylite.internal.object.RefList;
import io.raylite.internal.object.Timeouts;
import io.raylite.internal.object.SpillDirectories;
import io.raylite.internal.object.Producer;
import io.raylite.internal.placement.PlacementGroupRecord;
import io.raylite.internal.placement.PlacementGroupTable;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Scheduler;
import io.raylite.internal.task.Blocking;
import io.raylite.internal.task.DeterministicSchedule;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.ShutdownReport;
import io.raylite.internal.task.TaskRun;
import io.raylite.spi.GpuProvider;
import io.raylite.spi.JavaSerializationCodec;
import io.raylite.spi.TaskBackend;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The implementation behind {@link Raylite}: it builds the ledger, the {@link Engine} (scheduler,
 * workers, object store), the timeline and the actors, and implements each public call. See
 * {@link Scheduler}, {@link TaskRun} and {@link Blocking} for how tasks move and wait.
 */
public final class LocalRuntime {
  private static final AtomicInteger RUNTIMES = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger("io.raylite");
  private static final String DEFAULT_GPU_HINT = "No GPU provider found: add the raylite-gpu module "
      + "(OpenCL) to the class path, or declare GPUs with Raylite.builder().gpus(n)";

  /* Package-private for RuntimeState, the state API's view of this runtime. */
  final Engine engine;
  final String name;
  final Scheduler<TaskRun> scheduler;
  final Timeline timeline;
  final ActorRegistry actors;
  /** The runtime's placement groups; tasks and actors placed in one are scheduled in its bundles. */
  final PlacementGroupTable placementGroups;
  /** The cluster's placement groups when the backend reserves bundles on nodes; else null. */
  private final io.raylite.internal.placement.RemotePlacementGroups clusterGroups;
  final ObjectStore store;
  /** The state API's bookkeeping: stored objects, dead actors, log lines; tasks are the engine's TaskTable. */
  final RuntimeState state;
  private final ResourceShape defaultRequest;
  /** The cluster's actors when this is a cluster node's own runtime; see useClusterActors. */
  private volatile io.raylite.spi.ActorBackend nodeActors;
  /** The empty request of every task when the backend places tasks on nodes; else null. */
  private final ResourceShape placedRequest;
  private final Cache<Map<String, Double>, ResourceShape> shapes;
  /** Its JMX MBean, io.raylite:type=Runtime,name=NAME, from the end of the constructor until close. */
  private final RuntimeMBean mbean;
  private final java.time.Duration shutdownTimeout;

  public LocalRuntime(Raylite api, RuntimeConfig config) {
    Path spillParent = config.spillDirectory() != null ? config.spillDirectory()
        : Path.of(System.getProperty("java.io.tmpdir"));
    SpillDirectories.checkParent(spillParent);  // before anything is started
    this.name = config.name() != null ? config.name() : "raylite-" + RUNTIMES.incrementAndGet();
    this.shutdownTimeout = config.shutdownTimeout();
    String hint = DEFAULT_GPU_HINT;
    int gpus;
    if (config.gpus() != null) {
      gpus = config.gpus();
    } else if (config.discoverGpus()) {
      GpuProvider provider = config.gpuProvider() != null ? config.gpuProvider()
          : ServiceLoader.load(GpuProvider.class).findFirst().orElse(null);
      if (provider != null) {
        List<GpuProvider.GpuDevice> devices = provider.discover();
        gpus = devices.size();
        hint = provider.noDeviceHint();
        LOG.log(System.Logger.Level.DEBUG, "{0}: GPUs {1}", name, devices);
      } else {
        gpus = 0;
      }
    } else {
      gpus = 0;
    }
    ResourceLedger ledger = new ResourceLedger(
        config.cpus(), gpus, config.memoryBytes(), config.customResources(), hint);
    DeterministicSchedule schedule = config.deterministicSeed() == null ? null
        : new DeterministicSchedule(name, config.deterministicSeed());
    this.timeline = schedule == null ? new Timeline(config.timelineCapacity(), name)
        : new Timeline(config.timelineCapacity(), config.name() != null ? name  // raylite-N would differ between runs
            : "raylite (deterministic, seed " + config.deterministicSeed() + ")", 0);
    this.state = new RuntimeState(this);
    this.engine = new Engine(api, name, ledger, (int) Math.ceil(config.cpus()), timeline, state,
        config.finishedTaskCapacity(), config.logStream(),
        config.objectStoreBytes(), spillParent,
        config.spillCodec() != null ? config.spillCodec() : new JavaSerializationCodec(),
        config.backend(), config.nodeId(), schedule,
        config.slowGetWarning().getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
            : config.slowGetWarning().toNanos());
    this.scheduler = engine.scheduler;
    this.store = engine.store;
    this.defaultRequest = scheduler.shapeOf(TaskOptions.defaults().resources(), "default");
    this.placedRequest = engine.backend != null && engine.backend.placesTasks() ? scheduler.shapeOf(Map.of(), "placed") : null;
    this.actors = new ActorRegistry(engine,
        config.namespace() != null ? config.namespace() : java.util.UUID.randomUUID().toString());
    engine.explainer = entry -> Explainer.explain(engine, actors, entry);
    if (engine.backend != null && engine.backend.actors() != null) {
      engine.backend.actors().attach(api);
    }
    this.placementGroups = new PlacementGroupTable(engine);
    this.clusterGroups = engine.backend == null || engine.backend.placementGroups() == null ? null
        : new io.raylite.internal.placement.RemotePlacementGroups(engine, engine.backend.placementGroups());
    if (clusterGroups != null) {
      placementGroups.useRemote(clusterGroups);
    }
    this.shapes = Caffeine.newBuilder().maximumSize(1_024).build();
    this.mbean = RuntimeMBean.register(engine, engine::taskIdsIssued);  // last: the runtime is complete
  }

  /** The context of the task or actor call running on this thread, or null; see {@link Raylite#context()}. */
  public static RuntimeContext currentContext() {
    RuntimeContext current = TaskRun.current();
    return current != null ? current : ActorCallRun.current();
  }

  /**
   * Ends the actor whose code runs on this thread; see {@link Raylite#exitActor()}.
   *
   * @throws IllegalStateException when called outside an actor
   */
  public static void exitActor() {
    ActorCallRun current = ActorCallRun.current();
    if (current == null) {
      throw new IllegalStateException("Raylite.exitActor() is only available inside an actor method or constructor");
    }
    current.exitActor();
  }

  /* ---------------- Tasks ---------------- */

  public <R> ObjectRef<R> submitTask(RayFunc function, Object[] args, int refMask, TaskOptions options) {
    checkOpen();
    String taskName = options.name() != null ? options.name() : FunctionNames.of(function);
    if (options.placementGroup() != null) {
      return submitPlacedTask(function, args, refMask, options, taskName);
    }
    // A backend that places tasks on nodes checks the request itself (prepare) and holds it there.
    ResourceShape request = placedRequest != null ? placedRequest
        : options == TaskOptions.defaults() ? defaultRequest
        : shapes.get(options.resources(), amounts -> scheduler.shapeOf(amounts, taskName));
    Object[] kept = engine.backend == null ? args
        : engine.backend.prepare(function, taskName, options.resources(), args, refMask);
    TaskRun task = new TaskRun(engine, engine.nextTaskId(), taskName, options, request,
        function, kept, refMask);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(task.result);
    engine.tasks.track(task, RuntimeState.callerSeq());
    adoptByCurrentTask(task);
    task.resolveArguments();
    return ref;
  }

  /** Has the task running on this thread, if any, cancel {@code task} with itself (Ray's recursive cancel). */
  private static void adoptByCurrentTask(TaskRun task) {
    TaskRun parent = TaskRun.current();
    if (parent != null) {
      parent.adopt(task);
    }
  }

  /**
   * A task placed in a placement group: its shape is its bundle's, and it is scheduled there. The
   * slow path of submission, kept apart from the pool's.
   */
  private <R> ObjectRef<R> submitPlacedTask(RayFunc function, Object[] args, int refMask, TaskOptions options,
      String taskName) {
    if (clusterGroups != null) {
      return submitClusterPlacedTask(function, args, refMask, options, taskName);
    }
    if (onCluster()) {
      throw placementGroupsUnsupported();
    }
    PlacementGroupRecord group = PlacementGroupTable.recordOf(engine, options.placementGroup(), "placementGroup");
    Object[] kept = engine.backend == null ? args
        : engine.backend.prepare(function, taskName, options.resources(), args, refMask);
    PlacementGroupRecord.Placement placement = group.place(options.bundleIndex(), options.resources(), taskName);
    TaskRun task = new TaskRun(engine, engine.nextTaskId(), taskName, options, placement.shape(),
        function, kept, refMask);
    task.placeIn(placement.bundle().scheduler);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(task.result);
    engine.tasks.track(task, RuntimeState.callerSeq());
    adoptByCurrentTask(task);
    task.resolveArguments();
    group.admitted(task, placement);
    return ref;
  }

  /**
   * A task placed in a group of the cluster: the backend sends it to the node holding its bundle,
   * which runs it in its own reservation; here it holds nothing, as any task placed on a node.
   */
  private <R> ObjectRef<R> submitClusterPlacedTask(RayFunc function, Object[] args, int refMask, TaskOptions options,
      String taskName) {
    io.raylite.internal.placement.RemotePlacementGroups.RemotePlacementGroup group =
        clusterGroups.viewOf(options.placementGroup(), "placementGroup");
    group.check(options.bundleIndex(), options.resources(), taskName);
    Object[] kept = engine.backend.prepare(function, taskName, options.resources(), args, refMask);
    TaskRun task = new TaskRun(engine, engine.nextTaskId(), taskName, options, placedRequest,
        function, kept, refMask);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(task.result);
    engine.tasks.track(task, RuntimeState.callerSeq());
    adoptByCurrentTask(task);
    task.resolveArguments();
    group.admitted(task);
    return ref;
  }

  /* ---------------- Placement groups ---------------- */

  /** Creates a placement group; the arguments are checked by {@link Raylite#placementGroup}. */
  public PlacementGroup createPlacementGroup(List<Map<String, Double>> bundles, PlacementStrategy strategy,
      String groupName) {
    checkOpen();
    if (clusterGroups != null) {
      return clusterGroups.create(bundles, strategy, groupName);
    }
    if (onCluster()) {
      throw placementGroupsUnsupported();
    }
    return placementGroups.create(bundles, strategy, groupName);
  }

  /**
   * Removes a group: stops the actors and tasks placed in it and gives its bundles back; nothing if it
   * was removed already.
   */
  public void removePlacementGroup(PlacementGroup group) {
    checkOpen();
    if (clusterGroups != null) {
      clusterGroups.remove(clusterGroups.viewOf(group, "placementGroup"));
      return;
    }
    PlacementGroupRecord record = PlacementGroupTable.recordOf(engine, group, "placementGroup");
    if (record.markRemoved()) {
      placementGroups.forget(record);
      actors.killPlacedIn(record);
      record.release(new PlacementGroupRemovedException("placement group " + record.id() + " was removed before "
          + "it was placed"), record.removedBecause());
    }
  }

  /** The runtime's placement groups, by name and id, and listed. */
  public PlacementGroupTable placementGroups() {
    return placementGroups;
  }

  /** Whether tasks run on a cluster's nodes (not merely through a serializing backend here). */
  private boolean onCluster() {
    return engine.backend != null && !(engine.backend instanceof SerializingBackend);
  }

  private static UnsupportedOperationException placementGroupsUnsupported() {
    return new UnsupportedOperationException("placement groups on a cluster runtime come in a later version of "
        + "cluster mode (STRICT_SPREAD and STRICT_PACK need bundles placed per node); use them in a runtime "
        + "without an address");
  }

  /**
   * Creates an actor, in a bundle of its placement group if its options name one; see
   * {@link io.raylite.ActorCreation#remote()}.
   */
  public ActorRecord createActor(RayFunc constructor, Object[] args, int refMask, ActorOptions options) {
    if (options.placementGroup() == null) {
      return actors.create(constructor, args, refMask, options);
    }
    return createActor(constructor, args, refMask, options, 0);
  }

  /** As createActor, for an actor rebuilt after {@code priorRestarts} restarts on a cluster node that left. */
  public ActorRecord createActor(RayFunc constructor, Object[] args, int refMask, ActorOptions options,
      int priorRestarts) {
    if (options.placementGroup() == null) {
      return actors.create(constructor, args, refMask, options, null, priorRestarts);
    }
    checkOpen();
    PlacementGroupRecord group = PlacementGroupTable.recordOf(engine, options.placementGroup(), "placementGroup");
    return actors.create(constructor, args, refMask, options,
        group.place(options.bundleIndex(), options.resources(), FunctionNames.of(constructor)), priorRestarts);
  }

  /** The running parts its tasks and actors share; for the public calls built on them (generators). */
  public Engine engine() {
    return engine;
  }

  /* ---------------- Actors ---------------- */

  /** The runtime's actors: creation, lookup by name, kill. */
  public ActorRegistry actors() {
    return actors;
  }

  /** Where actors live when they live on a cluster's nodes; null when they live here. */
  public io.raylite.spi.ActorBackend clusterActors() {
    checkOpen();
    io.raylite.spi.ActorBackend node = nodeActors;
    return node != null ? node : engine.backend != null ? engine.backend.actors() : null;
  }

  /** Makes this runtime, a cluster node's own, keep the actors its tasks create in the cluster. */
  public void useClusterActors(io.raylite.spi.ActorBackend actors) {
    nodeActors = actors;
  }

  /* ---------------- Objects ---------------- */

  public <T> ObjectRef<T> put(T value) {
    checkOpen();
    return new ObjectRefImpl<>(ObjectEntry.stored(engine.nextObjectId(), store, value));
  }

  /** The entry behind a ref of this runtime; {@code what} names the argument in errors. */
  private ObjectEntry entryOf(Object ref, String what) {
    return ObjectRefImpl.entryOf(ref, store, what);
  }

  /** As {@link #entryOf}, naming the argument {@code refs[i]}, built only if it fails. */
  private ObjectEntry entryAt(Object ref, int i) {
    return ObjectRefImpl.entryAt(ref, store, i);
  }

  /** See {@link io.raylite.Raylite#explain}. */
  public io.raylite.Explanation explain(ObjectRef<?> ref) {
    checkOpen();
    try {
      return Explainer.explain(engine, actors, entryOf(ref, "ref"));
    } finally {
      Reference.reachabilityFence(ref);
    }
  }

  /** The explanation of a live task's result, for the state API; empty if it is not live. */
  java.util.Optional<io.raylite.Explanation> explainTask(String taskId) {
    TaskRun task = engine.tasks.live(taskId);
    return task == null ? java.util.Optional.empty()
        : java.util.Optional.of(Explainer.explain(engine, actors, task.result));
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ObjectRef<T> ref, long timeoutNanos) {
    checkOpen();
    try {
      ObjectEntry entry = entryOf(ref, "ref");
      return (T) entry.fetched(Blocking.await(engine, entry, timeoutNanos));
    } finally {
      Reference.reachabilityFence(ref);  // the ref's use keeps the object until it is read
    }
  }

  @SuppressWarnings("unchecked")
  public <T> List<T> getAll(List<? extends ObjectRef<? extends T>> refs, long timeoutNanos) {
    checkOpen();
    ObjectEntry[] entries = new ObjectEntry[refs.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = entryAt(refs.get(i), i);
    }
    long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
    // As Ray's get, a failure of any object fails the get at once, not once those before it are ready.
    CompletableFuture<Void> failed = entries.length > 1 ? anyFailed(entries) : null;
    List<T> values = new ArrayList<>(entries.length);
    for (ObjectEntry entry : entries) {
      long left = timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
      if (failed != null) {
        Blocking.awaitOrWake(engine, entry, failed, left);
        if (failed.isDone()) {
          throwFirstFailure(entries);
        }
      }
      values.add((T) entry.fetched(Blocking.await(engine, entry, left)));
    }
    Reference.reachabilityFence(refs);
    return values;
  }

  /** Completes when any of {@code entries} fails. */
  private static CompletableFuture<Void> anyFailed(ObjectEntry[] entries) {
    CompletableFuture<Void> failed = new CompletableFuture<>();
    for (ObjectEntry entry : entries) {
      if (entry.ready.isCompletedExceptionally()) {
        failed.complete(null);
        break;
      }
      if (!entry.isDone()) {
        entry.ready.whenComplete((v, e) -> {
          if (e != null) {
            failed.complete(null);
          }
        });
      }
    }
    return failed;
  }

  /** Throws the failure of the first failed entry, in list order. */
  private static void throwFirstFailure(ObjectEntry[] entries) {
    for (ObjectEntry entry : entries) {
      if (entry.ready.isCompletedExceptionally()) {
        throw entry.failure();
      }
    }
  }

  /**
   * See {@link io.raylite.Raylite#wait}. One pass finds each ref's entry, refuses repeats and
   * counts the ready ones, with no allocation per ref: a list that is ready enough (the common case
   * of a wait loop) costs two scans and one array for both result lists.
   *
   * <p>While too few are ready, the caller blocks on a future that completes when enough are (see
   * {@link #enough}). Whatever it registered on the entries is unlinked from them when the wait
   * ends, also by a timeout, so a loop of timed waits on refs that stay unready for hours leaves
   * nothing behind on them.
   */
  public <T> WaitResult<T> waitFor(List<ObjectRef<T>> refs, int numReturns, long timeoutNanos) {
    checkOpen();
    int n = refs.size();
    ObjectEntry[] entries = new ObjectEntry[n];
    // Ray's wait refuses repeats (which of two equal refs would be "ready"?); equal refs share an
    // entry, and entries of one store have distinct ids. Ids that only grow along the list (refs in
    // the order they were made, as a wait loop's unready list keeps them) cannot repeat; the first
    // id out of order switches to an open-addressed set of the entries, at most half full.
    ObjectEntry[] seen = null;
    long lastId = Long.MIN_VALUE;
    int ready = 0;
    for (int i = 0; i < n; i++) {
      ObjectRef<T> ref = refs.get(i);
      if (ref == null) {
        throw new NullPointerException("refs[" + i + "] is null");
      }
      ObjectEntry entry = entryAt(ref, i);
      long id = entry.id();
      if (seen == null && id <= lastId) {
        seen = new ObjectEntry[Integer.highestOneBit(n) << 2];
        for (int j = 0; j < i; j++) {
          addTo(seen, entries[j]);
        }
      }
      lastId = id;
      if (seen != null && !addTo(seen, entry)) {
        throw new IllegalArgumentException("refs must be unique, but refs[" + indexOf(entries, entry, i)
            + "] and refs[" + i + "] are both " + ref);
      }
      entries[i] = entry;
      if (entry.isDone()) {
        ready++;
      }
    }
    if (ready < numReturns && timeoutNanos != 0) {
      CompletableFuture<Void> over = new CompletableFuture<>();
      try {
        Blocking.blockWaiting(engine, TaskRun.current(), enough(entries, numReturns, over), timeoutNanos, entries);
      } finally {
        over.complete(null);  // unlinks what enough registered on entries that are still not ready
      }
    }
    // Decided on one reading of each entry, so that a ref completing meanwhile is in one list only.
    int[] taken = new int[Math.min(numReturns, n)];
    int r = 0;
    for (int i = 0; i < n && r < taken.length; i++) {
      if (entries[i].isDone()) {
        taken[r++] = i;
      }
    }
    // One array: the ready refs first, then the others, each part in input order.
    Object[] split = new Object[n];
    for (int i = 0, t = 0, u = r; i < n; i++) {
      if (t < r && taken[t] == i) {
        split[t++] = refs.get(i);
      } else {
        split[u++] = refs.get(i);
      }
    }
    return new WaitResult<>(new RefList<>(split, 0, r), new RefList<>(split, r, n - r));
  }

  /**
   * A future that completes once {@code numReturns} of the entries are ready. Everything it
   * registers on an entry is a two-source completion whose other source is {@code over}, which the
   * caller completes when it stops waiting: the JDK unlinks such a completion from the source that
   * did not fire when the other one does. (A plain callback on an entry that never completes would
   * stay on it for good, one per wait.)
   *
   * <p>For one ref wanted, one {@link CompletableFuture#anyOf} of the unready entries and {@code
   * over}: one completion per entry, all unlinked when the first source completes. For more, each
   * unready entry gets {@code runAfterEither(over)}, followed by a counting callback on that
   * private stage (a failed entry skips the action but fails the stage, so the count is taken
   * there): an entry done by now counts at once, any other when its stage completes, so each
   * counts exactly once. Counts that {@code over} triggers after the wait are harmless.
   */
  private static CompletableFuture<?> enough(ObjectEntry[] entries, int numReturns, CompletableFuture<Void> over) {
    if (numReturns == 1) {
      CompletableFuture<?>[] sources = new CompletableFuture<?>[entries.length + 1];
      int n = 0;
      for (ObjectEntry entry : entries) {
        if (entry.isDone()) {
          return entry.ready;  // done since the count: nothing to wait for
        }
        sources[n++] = entry.ready;
      }
      sources[n++] = over;
      return CompletableFuture.anyOf(n == sources.length ? sources : Arrays.copyOf(sources, n));
    }
    AtomicInteger missing = new AtomicInteger(numReturns);
    CompletableFuture<Void> enough = new CompletableFuture<>();
    BiConsumer<Object, Throwable> count = (v, e) -> {
      if (missing.decrementAndGet() == 0) {
        enough.complete(null);
      }
    };
    for (ObjectEntry entry : entries) {
      if (enough.isDone()) {
        break;
      }
      if (entry.isDone()) {
        count.accept(null, null);
      } else {
        entry.ready.runAfterEither(over, NOTHING).whenComplete(count);
      }
    }
    return enough;
  }

  private static final Runnable NOTHING = () -> { };

  /** Adds {@code entry} to the open-addressed {@code set}; false if it was there already. */
  private static boolean addTo(ObjectEntry[] set, ObjectEntry entry) {
    int mask = set.length - 1;
    for (int h = (int) ((entry.id() * 0x9E3779B97F4A7C15L) >>> 40) & mask; ; h = (h + 1) & mask) {
      ObjectEntry there = set[h];
      if (there == null) {
        set[h] = entry;
        return true;
      }
      if (there == entry) {
        return false;
      }
    }
  }

  /** The first index below {@code end} holding {@code entry}, or -1. */
  private static int indexOf(ObjectEntry[] entries, ObjectEntry entry, int end) {
    for (int i = 0; i < end; i++) {
      if (entries[i] == entry) {
        return i;
      }
    }
    return -1;
  }

  public boolean cancel(ObjectRef<?> ref, boolean force) {
    checkOpen();
    ObjectEntry entry = entryOf(ref, "ref");
    Producer producer = entry.producer;
    if (producer == null && force && entry.actorCallResult) {  // done already: refused all the same, as in Ray
      throw new IllegalArgumentException("force=true cannot cancel an actor call: an actor call is never "
          + "interrupted, as in Ray, because it would leave the actor's state half-updated; cancel with "
          + "force=false stops a queued call and flags a running one");
    }
    return producer != null && producer.cancel(force);  // null: ready already, or a put object
  }

  /** Releases the objects at once, whatever refs remain; see {@link Raylite#free}. */
  public void free(List<? extends ObjectRef<?>> refs) {
    checkOpen();
    ObjectEntry[] entries = new ObjectEntry[refs.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = entryAt(refs.get(i), i);
    }
    for (ObjectEntry entry : entries) {
      if (engine.backend != null && entry.isDone() && !entry.ready.isCompletedExceptionally()
          && entry.valueOrThrow() instanceof TaskBackend.RemoteValue remote) {
        remote.free();  // free() is cluster-wide: the owner node drops it too
      }
      store.release(entry, ObjectStore.FREED);
    }
  }

  public ObjectStoreStats objectStoreStats() {
    checkOpen();
    return store.stats();
  }

  /** The object store, for tests that watch releases and check its accounting. */
  public ObjectStore objectStore() {
    return store;
  }

  /* ---------------- Resources and observability ---------------- */

  /** The nodes tasks run on: this JVM, or the cluster's. */
  public List<NodeInfo> nodes() {
    checkOpen();
    List<NodeInfo> remote = engine.backend != null ? engine.backend.nodes() : List.of();
    return !remote.isEmpty() ? remote
        : List.of(new NodeInfo(engine.nodeId == null ? "local" : engine.nodeId, "in-process", true, totalResources()));
  }

  /** Whether actors may be created (not yet on a cluster). */
  public boolean supportsActors() {
    return engine.backend == null || engine.backend.supportsActors();
  }

  public Map<String, Double> totalResources() {
    checkOpen();
    if (placedRequest != null) {
      return engine.backend.totalResources();
    }
    return scheduler.ledger().capacityMap();
  }

  public Map<String, Double> availableResources() {
    checkOpen();
    if (placedRequest != null) {
      return engine.backend.availableResources();
    }
    return scheduler.available();
  }

  /** Whether no resource is over-allocated right now; for invariant checks in tests. */
  public boolean resourcesWithinCapacity() {
    return scheduler.withinCapacity();
  }

  /** The state API's view of this runtime. */
  public RuntimeState state() {
    return state;
  }

  /** The schedule of a deterministic run, or null. */
  public DeterministicSchedule schedule() {
    return engine.schedule;
  }

  /** Waits for {@code future} as get does (see Blocking); false if the timeout (negative: none) passed. */
  public boolean awaitScheduled(CompletableFuture<?> future, long timeoutNanos) {
    return Blocking.awaitFuture(engine, future, timeoutNanos);
  }

  public void writeTimeline(Path file) throws IOException {
    checkOpen();
    if (engine.backend != null && engine.backend.writeTimeline(file)) {
      return;  // the nodes' timelines: the tasks ran there
    }
    timeline.write(file, placementGroups.openBundleEvents());
  }

  /* ---------------- Lifecycle ---------------- */

  public boolean isClosed() {
    return engine.isClosed();
  }

  private void checkOpen() {
    engine.checkOpen();
  }

  public void close() {
    if (!engine.markClosed()) {
      return;
    }
    if (engine.schedule != null) {
      engine.schedule.close();  // nothing holds a baton from now on; the threads end as in the default mode
    }
    // One grace period for every thread to end; past it, close reports them and returns.
    long deadline = System.nanoTime() + Timeouts.cappedNanos(shutdownTimeout, Long.MAX_VALUE / 4);
    ShutdownReport report = new ShutdownReport(name, shutdownTimeout);
    for (TaskRun task : scheduler.close()) {
      task.cancelForClose();
    }
    placementGroups.close();
    actors.close(deadline, report);
    for (Thread left : engine.workers.close(deadline)) {
      report.leftBehind(left, engine.workers.runningOn(left));
    }
    report.logIfAny();
    store.close();
    if (engine.backend != null) {
      engine.backend.close();
    }
    mbean.unregister();
  }

  @Override
  public String toString() {
    return "Raylite(" + name + ", " + scheduler.ledger().capacityMap() + (isClosed() ? ", closed" : "") + ")";
  }
}
