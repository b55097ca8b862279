package io.raylite.internal.task;

import io.raylite.Raylite;
import io.raylite.RuntimeClosedException;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectStore;
import io.raylite.internal.resource.ResourceLedger;
import io.raylite.internal.resource.Scheduler;
import io.raylite.spi.SpillCodec;
import io.raylite.spi.TaskBackend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running parts of one runtime that its tasks, actor calls and waiters reach: the scheduler,
 * the workers, the object store, the timeline and the state API's records they write into, and
 * whether the runtime is closed.
 * {@code LocalRuntime} builds it and implements the public calls on top of it.
 *
 * <p>Threads: every field is final and set before any task exists, except {@code closed}, which is
 * written once, under {@code closeLock}, and read without it.
 */
public final class Engine {
  public final Raylite api;
  public final String name;
  public final Scheduler<TaskRun> scheduler;
  public final Workers workers;
  public final TimelineSink timeline;
  public final PrintStream logStream;
  public final ObjectStore store;
  /** The state API's record of tasks; the rest of what it keeps goes to {@code state}. */
  public final TaskTable tasks;
  public final StateRecorder state;
  /** Where tasks run, or null for this runtime's own workers (see TaskBackend). */
  public final TaskBackend backend;
  /** The node id tasks report; null for a local runtime. */
  public final String nodeId;
  /** The order of a deterministic run, or null in the default mode. */
  public final DeterministicSchedule schedule;
  /** How long a get waits before it logs why (see Blocking); 0: never. */
  public final long slowGetNanos;
  /** Explains an object for the slow-get warning; set by the runtime once it is built. */
  public volatile java.util.function.Function<ObjectEntry, Object> explainer;
  /** The gets blocked now that keep more than CPUs, for deadlock checks at queueing (see Deadlocks). */
  final java.util.Set<BlockedGet> keepingWaits = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicLong objectIds = new AtomicLong();
  private final AtomicLong taskIds = new AtomicLong();
  private final Object closeLock = new Object();
  private volatile boolean closed;
  /** The back-pressure bound of generators that set none (GeneratorStream.UNBOUNDED: none); set by the builder. */
  private volatile int generatorBackpressure = GeneratorStream.UNBOUNDED;

  public Engine(Raylite api, String name, ResourceLedger ledger, int parallelism, TimelineSink timeline,
      StateRecorder state, int finishedTaskCapacity, PrintStream logStream, long objectStoreBytes,
      Path spillDirectory, SpillCodec spillCodec, TaskBackend backend, String nodeId) {
    this(api, name, ledger, parallelism, timeline, state, finishedTaskCapacity, logStream, objectStoreBytes,
        spillDirectory, spillCodec, backend, nodeId, null, Raylite.DEFAULT_SLOW_GET_WARNING.toNanos());
  }

  /**
   * As above, with the schedule of a deterministic run, or null, and how long a get waits before
   * it logs why (0: never).
   */
  public Engine(Raylite api, String name, ResourceLedger ledger, int parallelism, TimelineSink timeline,
      StateRecorder state, int finishedTaskCapacity, PrintStream logStream, long objectStoreBytes,
      Path spillDirectory, SpillCodec spillCodec, TaskBackend backend, String nodeId,
      DeterministicSchedule schedule, long slowGetNanos) {
    this.schedule = schedule;
    this.slowGetNanos = slowGetNanos;
    this.backend = backend;
    this.nodeId = nodeId;
    this.api = api;
    this.name = name;
    this.logStream = logStream;
    this.timeline = timeline;
    this.state = state;
    this.tasks = new TaskTable(finishedTaskCapacity);
    this.workers = new Workers(name, parallelism, schedule);
    this.scheduler = new Scheduler<>(ledger, workers::dispatch);
    this.store = new ObjectStore(name, objectStoreBytes, spillDirectory, spillCodec, this::await, state);
    if (backend != null) {
      store.exportRefsThrough(backend);
    }
  }

  /** A scheduler over {@code ledger} that dispatches to this runtime's workers: a placement-group bundle's. */
  public Scheduler<TaskRun> newScheduler(ResourceLedger ledger) {
    return new Scheduler<>(ledger, workers::dispatch);
  }

  /** The time the timeline records: System.nanoTime, or the logical clock of a deterministic run. */
  public long now() {
    return schedule == null ? System.nanoTime() : schedule.now();
  }

  public long nextObjectId() {
    return objectIds.incrementAndGet();
  }

  public long nextTaskId() {
    return taskIds.incrementAndGet();
  }

  /** How many task ids were handed out: the tasks submitted, and the rebuilds of lost results. */
  public long taskIdsIssued() {
    return taskIds.get();
  }

  /** Waits for an object of this runtime, for a ref's {@code get}; see {@link Blocking}. */
  private Object await(ObjectEntry entry, long timeoutNanos) {
    checkOpen();
    return entry.fetched(Blocking.await(this, entry, timeoutNanos));
  }

  /** Logs, once for this get, why {@code entry} is still not ready after {@code waitedNanos}. */
  void warnSlowGet(ObjectEntry entry, long waitedNanos) {
    java.util.function.Function<ObjectEntry, Object> explain = explainer;
    Object why = explain == null ? "object " + entry.idString() : explain.apply(entry);
    SLOW_GETS.log(System.Logger.Level.WARNING, "a get in runtime ''{0}'' has waited {1} ms for an object that is "
        + "still not ready ({2}):\n{3}", name, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(waitedNanos),
        Thread.currentThread().getName(), why);
  }

  private static final System.Logger SLOW_GETS = System.getLogger("io.raylite.get");

  public int generatorBackpressure() {
    return generatorBackpressure;
  }

  public void generatorBackpressure(int maxUnconsumed) {
    generatorBackpressure = maxUnconsumed;
  }

  public boolean isClosed() {
    return closed;
  }

  public void checkOpen() {
    if (closed) {
      throw new RuntimeClosedException("runtime '" + name + "' is closed");
    }
  }

  /** Marks the runtime closed; true for the one call that did it. */
  public boolean markClosed() {
    synchronized (closeLock) {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    }
  }
}
