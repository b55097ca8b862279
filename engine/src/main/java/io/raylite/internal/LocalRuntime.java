package io.raylite.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.ObjectRef;
import io.raylite.ObjectStoreStats;
import io.raylite.Raylite;
import io.raylite.RuntimeClosedException;
import io.raylite.TaskOptions;
import io.raylite.WaitResult;
import io.raylite.function.RayFunc;
import io.raylite.spi.GpuProvider;
import io.raylite.spi.JavaSerializationCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The implementation behind {@link Raylite}: it wires the ledger, scheduler, workers, timeline
 * and object entries together and implements each public call. See {@link Scheduler},
 * {@link TaskRecord} and {@link Blocking} for how tasks move and wait.
 */
public final class LocalRuntime {
  private static final AtomicInteger RUNTIMES = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger("io.raylite");
  private static final String DEFAULT_GPU_HINT = "No GPU provider found: add the raylite-gpu module "
      + "(OpenCL) to the class path, or declare GPUs with Raylite.builder().gpus(n)";

  final Raylite api;
  final String name;
  final Scheduler scheduler;
  final Workers workers;
  final Timeline timeline;
  final ActorRegistry actors;
  final PrintStream logStream;
  final ObjectStore store;
  /** The state API's bookkeeping: tracked tasks, stored objects, dead actors, log lines. */
  final RuntimeState state;
  private final ResourceRequest defaultRequest;
  private final Cache<Map<String, Double>, ResourceRequest> shapes;
  private final AtomicLong objectIds = new AtomicLong();
  private final AtomicLong taskIds = new AtomicLong();
  private final Object closeLock = new Object();
  private volatile boolean closed;

  public LocalRuntime(Raylite api, RuntimeConfig config) {
    this.api = api;
    this.name = config.name() != null ? config.name() : "raylite-" + RUNTIMES.incrementAndGet();
    this.logStream = config.logStream();
    this.state = new RuntimeState(this, config.finishedTaskCapacity());
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
    this.workers = new Workers(name, (int) Math.ceil(config.cpus()));
    this.scheduler = new Scheduler(ledger, workers::dispatch);
    this.timeline = new Timeline(config.timelineCapacity(), name);
    this.defaultRequest = scheduler.canonical(ledger.toRequest(TaskOptions.defaults().resources(), "default"));
    this.actors = new ActorRegistry(this);
    this.shapes = Caffeine.newBuilder().maximumSize(1_024).build();
    this.store = new ObjectStore(name, config.objectStoreBytes(),
        config.spillDirectory() != null ? config.spillDirectory() : Path.of(System.getProperty("java.io.tmpdir")),
        config.spillCodec() != null ? config.spillCodec() : new JavaSerializationCodec());
  }

  long nextObjectId() {
    return objectIds.incrementAndGet();
  }

  /* ---------------- Tasks ---------------- */

  public <R> ObjectRef<R> submitTask(RayFunc function, Object[] args, int refMask, TaskOptions options) {
    checkOpen();
    String taskName = options.name() != null ? options.name() : FunctionNames.of(function);
    ResourceRequest request = options == TaskOptions.defaults() ? defaultRequest
        : shapes.get(options.resources(),
            amounts -> scheduler.canonical(scheduler.ledger().toRequest(amounts, taskName)));
    TaskRecord task = new TaskRecord(this, taskIds.incrementAndGet(), taskName, options, request,
        function, args, refMask);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(task.result);
    state.tasks.track(task);
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
    return new ObjectRefImpl<>(ObjectEntry.stored(nextObjectId(), this, value));
  }

  /** The entry behind a ref of this runtime; {@code what} names the argument in errors. */
  ObjectEntry entryOf(Object ref, String what) {
    ObjectEntry own = ownEntry(ref);
    if (own != null) {
      return own;
    }
    if (!(ref instanceof ObjectRefImpl<?> impl)) {
      throw new IllegalArgumentException(what + " must be an ObjectRef created by a Raylite runtime, got "
          + (ref == null ? "null" : ref.getClass().getName()));
    }
    if (impl.entry.owner != this) {
      throw new IllegalArgumentException(what + " belongs to runtime '" + impl.entry.owner.name
          + "', not to '" + name + "'");
    }
    return impl.entry;
  }

  /**
   * The entry behind {@code ref} if it is a ref of this runtime, else null: the check of
   * {@link #entryOf} without naming the argument, for loops that build the name only on failure.
   */
  ObjectEntry ownEntry(Object ref) {
    return ref instanceof ObjectRefImpl<?> impl && impl.entry.owner == this ? impl.entry : null;
  }

  /** As {@link #entryOf}, naming the argument {@code refs[i]}, built only if it fails. */
  ObjectEntry entryAt(Object ref, int i) {
    ObjectEntry own = ownEntry(ref);
    return own != null ? own : entryOf(ref, "refs[" + i + "]");
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ObjectRef<T> ref, long timeoutNanos) {
    checkOpen();
    try {
      return (T) Blocking.await(entryOf(ref, "ref"), timeoutNanos);
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
      values.add((T) Blocking.await(entry, left));
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
      TaskRecord current = TaskRecord.current();
      if (current != null) {
        current.waitingFor = entries;  // for the state API
      }
      try {
        Blocking.block(current, enough, timeoutNanos, null);
      } finally {
        if (current != null) {
          current.waitingFor = null;
        }
      }
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
    ObjectEntry entry = entryOf(ref, "ref");
    return switch (entry.producer) {
      case TaskRecord task -> task.cancel(force, "task '" + task.name + "' (" + task.idString() + ") was cancelled"
          + (force ? " (forced)" : ""));
      case ActorTask call -> call.actor.cancel(call, force);
      case null, default -> false;  // ready already, or a put object
    };
  }

  /** Releases the objects at once, whatever refs remain; see {@link Raylite#free}. */
  public void free(List<? extends ObjectRef<?>> refs) {
    checkOpen();
    ObjectEntry[] entries = new ObjectEntry[refs.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = entryAt(refs.get(i), i);
    }
    for (ObjectEntry entry : entries) {
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
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new RuntimeClosedException("runtime '" + name + "' is closed");
    }
  }

  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (TaskRecord task : scheduler.close()) {
      task.cancelForClose();
    }
    actors.close();
    workers.close();
    store.close();
  }

  @Override
  public String toString() {
    return "Raylite(" + name + ", " + scheduler.ledger().capacityMap() + (closed ? ", closed" : "") + ")";
  }
}
