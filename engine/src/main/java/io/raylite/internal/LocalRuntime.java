package io.raylite.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.NodeInfo;
import io.raylite.ObjectRef;
import io.raylite.ObjectStoreStats;
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
import io.raylite.internal.object.SpillDirectories;
import io.raylite.internal.object.Producer;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Scheduler;
import io.raylite.internal.task.Blocking;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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
  final ObjectStore store;
  /** The state API's bookkeeping: stored objects, dead actors, log lines; tasks are the engine's TaskTable. */
  final RuntimeState state;
  private final ResourceShape defaultRequest;
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
    this.timeline = new Timeline(config.timelineCapacity(), name);
    this.state = new RuntimeState(this);
    this.engine = new Engine(api, name, ledger, (int) Math.ceil(config.cpus()), timeline, state,
        config.finishedTaskCapacity(), config.logStream(),
        config.objectStoreBytes(), spillParent,
        config.spillCodec() != null ? config.spillCodec() : new JavaSerializationCodec(),
        config.backend(), config.nodeId(),
        config.slowGetWarning().getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
            : config.slowGetWarning().toNanos());
    this.scheduler = engine.scheduler;
    this.store = engine.store;
    this.defaultRequest = scheduler.shapeOf(TaskOptions.defaults().resources(), "default");
    this.actors = new ActorRegistry(engine);
    engine.explainer = entry -> Explainer.explain(engine, actors, entry);
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
    ResourceShape request = options == TaskOptions.defaults() ? defaultRequest
        : shapes.get(options.resources(), amounts -> scheduler.shapeOf(amounts, taskName));
    Object[] kept = engine.backend == null ? args
        : engine.backend.prepare(function, taskName, options.resources(), args, refMask);
    TaskRun task = new TaskRun(engine, engine.nextTaskId(), taskName, options, request,
        function, kept, refMask);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(task.result);
    engine.tasks.track(task, RuntimeState.callerSeq());
    task.resolveArguments();
    return ref;
  }

  /* ---------------- Actors ---------------- */

  /** The runtime's actors: creation, lookup by name, kill. */
  public ActorRegistry actors() {
    return actors;
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
      return (T) engine.resolve(Blocking.await(engine, entryOf(ref, "ref"), timeoutNanos));
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
    List<T> values = new ArrayList<>(entries.length);
    for (ObjectEntry entry : entries) {
      long left = timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
      values.add((T) engine.resolve(Blocking.await(engine, entry, left)));
    }
    Reference.reachabilityFence(refs);
    return values;
  }

  public <T> WaitResult<T> waitFor(List<ObjectRef<T>> refs, int numReturns, long timeoutNanos) {
    checkOpen();
    ObjectEntry[] entries = new ObjectEntry[refs.size()];
    int ready = 0;
    boolean[] counted = new boolean[entries.length];
    // Ray's wait refuses repeats (which of two equal refs would be "ready"?); equal refs share an entry.
    Map<ObjectEntry, Integer> seen = entries.length > 1 ? new IdentityHashMap<>(entries.length) : null;
    for (int i = 0; i < entries.length; i++) {
      ObjectRef<T> ref = refs.get(i);
      if (ref == null) {
        throw new NullPointerException("refs[" + i + "] is null");
      }
      entries[i] = entryAt(ref, i);
      Integer first = seen == null ? null : seen.putIfAbsent(entries[i], i);
      if (first != null) {
        throw new IllegalArgumentException("refs must be unique, but refs[" + first + "] and refs[" + i
            + "] are both " + ref);
      }
      if (entries[i].isDone()) {
        counted[i] = true;
        ready++;
      }
    }
    if (ready < numReturns && timeoutNanos != 0) {
      AtomicInteger missing = new AtomicInteger(numReturns - ready);
      CompletableFuture<Void> enough = new CompletableFuture<>();
      for (int i = 0; i < entries.length; i++) {
        // Every entry not counted above, even one done since: its callback then runs at once.
        if (!counted[i]) {
          entries[i].ready.whenComplete((v, e) -> {
            if (missing.decrementAndGet() == 0) {
              enough.complete(null);
            }
          });
        }
      }
      Blocking.blockWaiting(TaskRun.current(), enough, timeoutNanos, entries);
    }
    List<ObjectRef<T>> readyRefs = new ArrayList<>();
    List<ObjectRef<T>> unready = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      if (entries[i].isDone() && readyRefs.size() < numReturns) {
        readyRefs.add(refs.get(i));
      } else {
        unready.add(refs.get(i));
      }
    }
    return new WaitResult<>(readyRefs, unready);
  }

  public boolean cancel(ObjectRef<?> ref, boolean force) {
    checkOpen();
    Producer producer = entryOf(ref, "ref").producer;
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
    return scheduler.ledger().capacityMap();
  }

  public Map<String, Double> availableResources() {
    checkOpen();
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

  public void writeTimeline(Path file) throws IOException {
    checkOpen();
    timeline.write(file);
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
    // One grace period for every thread to end; past it, close reports them and returns.
    long deadline = System.nanoTime() + Math.min(shutdownTimeout.toNanos(), Long.MAX_VALUE / 4);
    ShutdownReport report = new ShutdownReport(name, shutdownTimeout);
    for (TaskRun task : scheduler.close()) {
      task.cancelForClose();
    }
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
