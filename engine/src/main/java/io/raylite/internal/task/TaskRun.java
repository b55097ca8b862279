package io.raylite.internal.task;

import io.raylite.Raylite;
import io.raylite.NodeDiedException;
import io.raylite.RayliteException;
import io.raylite.RuntimeContext;
import io.raylite.TaskCancelledException;
import io.raylite.TaskFailedException;
import io.raylite.TaskOptions;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.Ids;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.object.Producer;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Schedulable;
import io.raylite.internal.resource.Scheduler;
import io.raylite.spi.RemoteAttempt;
import io.raylite.spi.TaskBackend;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Implementation overview
 *
 * One submitted task, from submission to its end: the function, its arguments, its options and
 * resource shape, its state, the resources it holds, its result entry, and the timestamps of its
 * lifecycle for the timeline. While it runs it is also the RuntimeContext of its thread, bound in a
 * ScopedValue, so a context costs nothing extra.
 *
 * States (field `state`, changed only by CAS through the methods below):
 *   PENDING    waiting for ObjectRef arguments (argsPending counts them down)
 *   QUEUED     arguments ready, waiting in the Scheduler for resources
 *   DISPATCHED resources acquired, handed to a worker, not started yet
 *   RUNNING    the function is running (on a worker, or inline in a task that waits for it)
 *   DONE       finished, failed or cancelled; the result entry says which. Terminal.
 * A retry goes RUNNING -> PENDING -> QUEUED again with the same TaskRun.
 *
 * Cancellation is a CAS to DONE from any state before RUNNING, so the task never runs; a task
 * already RUNNING gets `cancelled` set (and its thread interrupted when forced), its result entry
 * fails at once, and whatever it returns later is dropped. Whoever wins the CAS out of DISPATCHED
 * owns the allocation: run() releases it if cancellation won. Cancelling a RUNNING task also cancels
 * the tasks it submitted that have not finished (TaskChildren), as Ray's recursive cancel does.
 *
 * Ownership of a dispatch: markDispatched writes the allocation into `grant` before its CAS into
 * DISPATCHED, and whoever wins the CAS out of DISPATCHED owns it: the worker (run), which moves it
 * into `allocation`; cancel, which releases it; or a task blocked in get on this one, which claims
 * it (as ForkJoinTask.join un-forks a task), runs it inline with its own resources and releases
 * the grant at once. The worker that later takes a claimed or cancelled run from its queue finds
 * the CAS lost and does nothing. Two markDispatched calls on one task can race only for a
 * CPU-only task whose FIFO holds it twice (an inline-claimed task retried); their grants are then
 * equal CPU-only allocations of one shape, so whichever lands in `grant` is released once and the
 * count stays right.
 *
 * Threads: the submitting thread writes every field before the run is published to the
 * Scheduler or a dependency callback (both through locks or CompletableFuture, which order the
 * writes). Timestamps are written by whichever thread makes the transition and read by the thread
 * that ends the task, which copies them into the timeline's event.
 */
public final class TaskRun implements Runnable, RuntimeContext, Schedulable<TaskRun>, Producer, WaitNode {
  static final int PENDING = 0;
  static final int QUEUED = 1;
  static final int DISPATCHED = 2;
  static final int RUNNING = 3;
  static final int DONE = 4;

  /** Outcomes, for the timeline. */
  public static final int FINISHED = 0;
  public static final int FAILED = 1;
  public static final int CANCELLED = 2;

  /**
   * The task running on a thread, as a frame bound once per run on a worker. A task run inline in
   * a nested get (see Blocking) swaps itself into the frame of the task that waits, and back when
   * it ends, so that an inline run binds nothing and allocates nothing. Only the thread that bound
   * a frame changes its field; another thread that inherits the binding (a StructuredTaskScope
   * fork) reads the task that bound it. A pool worker keeps one frame and rebinds it for each task
   * it starts (see Workers.WorkerThread#frame), so that a run allocates no frame either: the
   * fields change only while the frame is not bound, or, for `task`, by its own thread.
   */
  private static final ScopedValue<Frame> CURRENT = ScopedValue.newInstance();

  static final class Frame {
    final Thread thread = Thread.currentThread();
    /** The task that bound the frame. */
    TaskRun owner;
    /** The task running on {@code thread} now: the owner or one it runs inline. */
    TaskRun task;

    Frame(TaskRun owner) {
      this.owner = owner;
      this.task = owner;
    }
  }
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(TaskRun.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Engine runtime;
  final long id;
  final String name;
  final TaskOptions options;
  final ResourceShape request;
  /** The runtime's scheduler, or a placement-group bundle's (see placeIn); set before submission. */
  Scheduler<TaskRun> scheduler;
  final boolean onVirtualThread;
  public final ObjectEntry result;
  private RayFunc function;
  private Object[] args;
  private int refMask;
  /** Counts the ObjectRef arguments not ready yet; made only for a task that has some. */
  private AtomicInteger argsPending;

  private volatile int state;
  private volatile boolean cancelled;
  /** The attempt a backend placed on a node (placeOnNode), for cancel to pass on; else null. */
  private volatile CompletionStage<Object> placedAttempt;
  /** Whether a cancel asked to interrupt; written before `cancelled`, for placeOnNode's late cancel. */
  private volatile boolean forceCancelled;
  private volatile Thread runner;
  /** The resources held while running; borrowed from the waiter when run inline. */
  Allocation allocation;
  /** The resources granted at dispatch, owned by whoever moves the task out of DISPATCHED. */
  private Allocation grant;
  private boolean borrowed;
  int attempt;
  int outcome;
  String workerLabel;
  int workerTid;

  /** Links the tasks one drain of the Scheduler starts; written under its lock, cleared at dispatch. */
  private TaskRun nextReady;

  /* State API hooks (see TaskTable): the live list's links, the submitter, what a blocked task waits for. */
  TaskRun liveNext;
  TaskRun livePrev;
  /** Who submitted the task: 0 the driver, a task's id, or minus an actor call's id. */
  long callerSeq;
  /**
   * While the task is blocked in get or wait: the ObjectEntry or ObjectEntry[] it waits for, or the
   * BlockedGet of a get (its wait-for edge, see Deadlocks); else null.
   */
  volatile Object waitingFor;

  long submittedNanos;
  long argsReadyNanos;
  long dispatchedNanos;
  long startedNanos;
  /** The tasks this one submitted while running, for a recursive cancel; null until the first. */
  private volatile TaskChildren children;
  /** RuntimeContext.onEnd cleanups; touched only by the thread running the task. */
  private List<Runnable> endActions;
  long finishedNanos;

  public TaskRun(Engine runtime, long id, String name, TaskOptions options, ResourceShape request,
      RayFunc function, Object[] args, int refMask) {
    this.runtime = runtime;
    this.id = id;
    this.name = name;
    this.options = options;
    this.request = request;
    this.scheduler = runtime.scheduler;
    this.onVirtualThread = request.cpu() == 0 || options.blocking();
    this.function = function;
    this.args = args;
    this.refMask = refMask;
    this.attempt = RemoteAttempt.current();  // a node's run of a driver's retry keeps its number
    this.result = new ObjectEntry(runtime.nextObjectId(), runtime.store, this);
  }

  /**
   * Schedules the task in a placement-group bundle instead of the runtime's pool: called by the
   * submitting thread before {@link #resolveArguments}, with {@code request} a shape of that
   * scheduler.
   */
  public void placeIn(Scheduler<TaskRun> bundle) {
    this.scheduler = bundle;
  }

  /** The task running on this thread, or null. */
  public static TaskRun current() {
    if (!CURRENT.isBound()) {
      return null;
    }
    Frame frame = CURRENT.get();
    return frame.thread == Thread.currentThread() ? frame.task : frame.owner;
  }

  /* ---------------- Arguments ---------------- */

  /**
   * Registers the ObjectRef arguments named by refMask. Called once by the submitting thread;
   * when every argument is ready, the task goes to the scheduler. Each argument's object is
   * retained until the task is done (see clear), so dropping the ref after submitting keeps it.
   */
  public void resolveArguments() {
    submittedNanos = runtime.now();
    int mask = refMask;
    if (mask == 0) {
      argsReady();
      return;
    }
    // Our own copy: the caller's array may be submitted again (TaskCall.remote), and a failing
    // dependency may clear the field while this method still runs.
    Object[] refs = args;
    Object[] a = refs.clone();
    for (int i = 0; i < a.length; i++) {
      if ((mask & (1 << i)) != 0) {
        ObjectEntry own = ObjectRefImpl.ownEntry(a[i], runtime.store);
        a[i] = own != null ? own
            : ObjectRefImpl.entryOf(a[i], runtime.store, "argument " + i + " of task '" + name + "'");  // throws
      }
    }
    for (int i = 0; i < a.length; i++) {
      if ((mask & (1 << i)) != 0) {
        ((ObjectEntry) a[i]).retainForTask();
      }
    }
    java.lang.ref.Reference.reachabilityFence(refs);  // the refs' uses hold until ours are added
    args = a;
    // One extra count held by this method so that the task cannot start while it registers.
    argsPending = new AtomicInteger(1);
    for (int i = 0; i < a.length; i++) {
      if ((mask & (1 << i)) != 0) {
        ObjectEntry dep = (ObjectEntry) a[i];
        if (dep.isDone()) {
          if (dep.ready.isCompletedExceptionally()) {
            failFromDependency(dep.failure());
            return;
          }
        } else {
          argsPending.incrementAndGet();
          // Through Propagation, so that a long chain of dependents is handed over iteratively.
          dep.ready.whenComplete((v, error) -> Propagation.run(() -> dependencyDone(dep, error != null)));
        }
      }
    }
    if (argsPending.decrementAndGet() == 0) {
      argsReady();
    }
  }

  /** A dependency completed; the last one ready, or the first one failed, moves the task on. */
  private void dependencyDone(ObjectEntry dep, boolean failed) {
    try {
      if (failed) {
        failFromDependency(dep.failure());
      } else if (argsPending.decrementAndGet() == 0) {
        argsReady();
      }
    } catch (RuntimeException | Error e) {
      // Never left pending: the task fails with what went wrong while handing it over.
      failFromDependency(new RayliteException("task '" + name + "' (" + idString()
          + ") could not be scheduled after its arguments were ready: " + e, e));
      throw e;
    }
  }

  private void argsReady() {
    argsReadyNanos = runtime.now();
    if (state != PENDING) {
      return;  // cancelled while waiting
    }
    if (!scheduler.submit(this)) {
      if (scheduler != runtime.scheduler && !runtime.isClosed()) {
        cancel(true, "task '" + name + "' (" + idString() + ") was cancelled because its placement group was removed");
      } else {
        cancelForClose();
      }
    } else if (!request.isCpuOnly() && state == QUEUED) {
      Deadlocks.queued(runtime);  // see Deadlocks, "Late edges"
    }
  }

  /** A dependency failed: this task fails with the same exception, as in Ray. */
  private void failFromDependency(RayliteException error) {
    if (STATE.compareAndSet(this, PENDING, DONE)) {
      outcome = error instanceof TaskCancelledException ? CANCELLED : FAILED;
      finishedNanos = runtime.now();
      clear();
      record(error);
      result.fail(error);
    }
  }

  /** The argument values, read from their entries just before the call. */
  private Object[] argumentValues() {
    if (refMask == 0) {
      return args;
    }
    Object[] values = args.clone();
    for (int i = 0; i < values.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        values[i] = ((ObjectEntry) values[i]).valueToSend();
      }
    }
    return values;
  }

  /* ---------------- State transitions ---------------- */

  @Override
  public ResourceShape shape() {
    return request;
  }

  @Override
  public boolean onVirtualThread() {
    return onVirtualThread;
  }

  @Override
  public int priority() {
    return options.priority();
  }

  /**
   * A priority orders the task by more than its submission, and a deterministic run draws every
   * dispatch itself (its hook in Workers must see them in the order it chose): either keeps the
   * task on the Scheduler's lock path.
   */
  @Override
  public boolean mayTakeFastPath() {
    return options.priority() == 0 && runtime.schedule == null && request.isCpuOnly();
  }

  @Override
  public TaskRun nextReady() {
    return nextReady;
  }

  @Override
  public void nextReady(TaskRun next) {
    nextReady = next;
  }

  @Override
  public void markQueued() {
    STATE.compareAndSet(this, PENDING, QUEUED);
  }

  @Override
  public boolean isQueued() {
    return state == QUEUED;
  }

  /** Takes the allocation if the task was not cancelled; false hands it back to the caller. */
  @Override
  public boolean markDispatched(Allocation granted) {
    int s = state;
    if (s == PENDING || s == QUEUED) {
      grant = granted;  // published by the CAS; see "Ownership of a dispatch"
      if (STATE.compareAndSet(this, s, DISPATCHED)) {
        dispatchedNanos = runtime.now();
        return true;
      }
    }
    return false;
  }

  /** Whether a task blocked with {@code held} resources could run this one inline on its thread. */
  boolean canRunInline(Allocation held) {
    int s = state;
    // A dispatched child is claimed only outside a deterministic run: there the schedule decides
    // when the thread it was handed starts, and a claim would run it before the schedule drew it.
    return (s == QUEUED || (s == DISPATCHED && runtime.schedule == null)) && !onVirtualThread
        && request.isCpuOnly() && request.fitsWithin(held.request)
        && scheduler == runtime.scheduler;  // a bundle's task runs on its resources
  }

  /**
   * Runs this queued task on the calling thread with the resources {@code held} by a task that
   * blocks on its result, if it fits in them (see {@link Blocking}).
   */
  @Override
  public boolean tryRunInline(Allocation held) {
    if (canRunInline(held) && claimInline(held)) {
      execute(false);
      return true;
    }
    return false;
  }

  /**
   * Claims a queued, or dispatched but not started, task for inline execution with borrowed
   * resources; a dispatched one's grant goes back to the scheduler at once.
   */
  boolean claimInline(Allocation held) {
    if (STATE.compareAndSet(this, QUEUED, RUNNING)) {
      allocation = held;
      borrowed = true;
      dispatchedNanos = runtime.now();
      return true;
    }
    if (STATE.compareAndSet(this, DISPATCHED, RUNNING)) {
      Allocation granted = grant;
      grant = null;
      allocation = held;
      borrowed = true;
      scheduler.release(granted);
      return true;
    }
    return false;
  }

  /* ---------------- Running ---------------- */

  /** Runs of queued tasks that one dispatch may chain on its thread before yielding to the pool. */
  private static final int MAX_CHAIN = 64;

  /**
   * Runs a dispatched task on a worker thread, then, while the scheduler hands back a queued task
   * of the same kind for the resources this one released, runs that one too (up to MAX_CHAIN),
   * saving a pool submission and a thread wake-up per task.
   */
  @Override
  public void run() {
    TaskRun task = this;
    for (int chained = 0; task != null; chained++) {
      TaskRun next = task.runDispatched(chained < MAX_CHAIN);
      // A forced cancel may land just after the function returned; keep it from leaking into the
      // next task on this thread.
      Thread.interrupted();
      task = next;
    }
  }

  private TaskRun runDispatched(boolean mayChain) {
    if (runtime.isClosed()) {
      cancelForClose();  // moves DISPATCHED to DONE, so the CAS below fails
    }
    if (!STATE.compareAndSet(this, DISPATCHED, RUNNING)) {
      return null;  // cancelled, or claimed inline by a waiter, after dispatch: the grant is theirs
    }
    allocation = grant;
    grant = null;
    return execute(mayChain);
  }

  /**
   * Runs the function on the current thread; the state is already RUNNING.
   *
   * @return a dispatched task for this thread to run next, or null
   */
  TaskRun execute(boolean mayChain) {
    if (runtime.backend != null && runtime.backend.placesTasks()) {
      return placeOnNode();
    }
    Thread thread = Thread.currentThread();
    runner = thread;
    workerLabel = runtime.workers.label(thread);
    workerTid = runtime.workers.tid(thread);
    // The task this one runs inside, when run inline by a waiting task; see Workers.WorkerThread.
    Workers.WorkerThread worker = thread instanceof Workers.WorkerThread w ? w : null;
    TaskRun outer = worker != null ? worker.running : null;
    if (worker != null) {
      worker.running = this;
    }
    // What the task may change on its thread, captured field by field so that nothing is allocated.
    ClassLoader loaderBefore = thread.getContextClassLoader();
    String nameBefore = thread.getName();
    int priorityBefore = thread.getPriority();
    Thread.UncaughtExceptionHandler handlerBefore = ThreadState.handlerOf(thread);
    startedNanos = runtime.now();
    Object value = null;
    Throwable failure = null;
    Frame frame = CURRENT.isBound() ? CURRENT.get() : null;
    if (frame != null && frame.thread != thread) {
      frame = null;
    }
    TaskRun framed = frame == null ? null : frame.task;
    try {
      Object[] values = argumentValues();
      if (runtime.backend != null) {
        value = runtime.backend.execute(function, values, backendInfo());
      } else if (frame != null) {
        frame.task = this;  // inline in the get of the task that bound the frame: see CURRENT
        value = Invoker.invoke(function, values);
      } else {
        Frame fresh = worker != null ? worker.frame(this) : new Frame(this);
        try {
          value = ScopedValue.where(CURRENT, fresh).call(() -> Invoker.invoke(function, values));
        } finally {
          fresh.owner = null;  // a worker's frame outlives the run: it must not keep this task reachable
          fresh.task = null;
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      if (frame != null) {
        frame.task = framed;
      }
    }
    if (endActions != null) {
      List<Runnable> actions = endActions;
      endActions = null;
      EndActions.run(actions, this);
    }
    // Nothing the task set on its thread leaks into the next task.
    ThreadState.restore(thread, loaderBefore, nameBefore, priorityBefore, handlerBefore);
    if (worker != null) {
      worker.running = outer;
    }
    runner = null;
    return finish(value, failure, mayChain);
  }

  /** What the backend is told of this attempt, with the placement group it is placed in, if any. */
  private TaskBackend.TaskInfo backendInfo() {
    io.raylite.PlacementGroup group = options.placementGroup();
    return new TaskBackend.TaskInfo(idString(), name, resources(), attempt, priority(),
        group == null ? null : group.id(), options.bundleIndex());
  }

  /**
   * Hands the task to a backend that places it on a node and returns at once; the node's answer
   * finishes it, on the backend's thread. The task holds no resources here (the node does).
   */
  private TaskRun placeOnNode() {
    startedNanos = System.nanoTime();
    CompletionStage<Object> answer;
    try {
      answer = runtime.backend.submit(function, argumentValues(), backendInfo());
    } catch (Throwable t) {
      return finish(null, t, false);
    }
    placedAttempt = answer;
    if (cancelled) {
      // Cancelled while it was being placed: cancel saw no attempt. The node may be running it
      // already, so a forced cancel must stay forced.
      runtime.backend.cancel(answer, forceCancelled);
    }
    answer.whenComplete((value, failure) -> finish(value,
        failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure, false));
    return null;
  }

  private TaskRun finish(Object value, Throwable failure, boolean mayChain) {
    finishedNanos = runtime.now();
    if (failure instanceof io.raylite.spi.ArgumentLostException && runtime.backend != null
        && runtime.backend.placesTasks() && !cancelled && !runtime.isClosed()) {
      // An argument's owner left while the node fetched it: not this task's failure, and not counted
      // against maxRetries. The next run rebuilds the argument first (valueToSend), or fails with its loss.
      // (On the node itself, the body's ArgumentLostException is the attempt's answer, not retried there.)
      releaseAllocation(false);
      state = PENDING;
      argsReady();
      return null;
    }
    if (failure instanceof io.raylite.spi.CancelledThereException && runtime.backend != null
        && runtime.backend.placesTasks()) {
      cancelled = true;  // cancelled by the runtime that ran it: finished as cancelled, never retried
    }
    // A node that died is a system failure: retried whatever retryExceptions says, as in Ray.
    if (failure != null && !cancelled && !runtime.isClosed()
        && (isRetryable(failure) || failure instanceof NodeDiedException)
        && (options.maxRetries() < 0 || attempt < options.maxRetries())) {
      attempt++;
      releaseAllocation(false);
      state = PENDING;
      argsReady();
      return null;
    }
    TaskRun next = releaseAllocation(mayChain);
    state = DONE;
    if (failure != null && runtime.isClosed() && isInterruption(failure)) {
      // close() interrupted it: report the cancellation, not the InterruptedException it caused.
      cancelled = true;
      result.fail(new TaskCancelledException("task '" + name + "' (" + idString()
          + ") was interrupted because runtime '" + runtime.name + "' closed"));
    }
    // Recorded before the result completes, so a caller of get sees the task in the timeline.
    outcome = cancelled ? CANCELLED : failure == null ? FINISHED : FAILED;
    RayFunc ranFunction = function;
    Object[] ranArgs = args;
    clear();
    record(outcome == FAILED ? failure : outcome == CANCELLED && result.isDone() ? result.failure() : null);
    if (outcome == FINISHED) {
      if (result.admit(value)) {
        if (result.maySpill() || value instanceof TaskBackend.RemoteValue) {
          // A result that may be spilled, or that lives on a node that may die, keeps what rebuilds
          // it if it is lost. Attached before the result is ready, so that no reader can find a
          // corrupt file and no lineage.
          TaskLineage kept = TaskLineage.of(runtime, ranFunction, ranArgs, refMask, options, name, request,
              attempt, scheduler);
          result.attachLineage(kept, TaskLineage.valueArguments(ranArgs, refMask),
              TaskLineage.whyNone(name, options));
        }
        result.publish();
      }
    } else if (outcome == FAILED) {
      result.fail(new TaskFailedException(name, idString(), failure));
    } else if (failure instanceof TaskCancelledException there) {
      result.fail(there);  // cancelled on its node; a no-op when a cancel here failed it first
    }
    return next;
  }

  /**
   * Whether a failure may be retried under the task's options: an exception of a type that
   * {@code retryExceptions} names (subtypes included), or any with {@code retryAllExceptions}.
   */
  private boolean isRetryable(Throwable failure) {
    if (options.retryAllExceptions()) {
      return true;
    }
    for (Class<? extends Throwable> type : options.retryExceptions()) {
      if (type.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInterruption(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /** Returns the resources; with {@code takeNext}, may get back a task for this thread to run. */
  private TaskRun releaseAllocation(boolean takeNext) {
    Allocation held = allocation;
    allocation = null;
    boolean wasBorrowed = borrowed;
    borrowed = false;
    if (held == null || wasBorrowed) {
      return null;
    }
    if (takeNext) {
      return scheduler.releaseAndTakeNext(held, onVirtualThread);
    }
    scheduler.release(held);
    return null;
  }

  /** Drops what the run no longer needs, and gives back the uses its ObjectRef arguments hold. */
  private void clear() {
    Object[] a = args;
    function = null;
    args = null;
    if (a != null && refMask != 0) {
      for (int i = 0; i < a.length; i++) {
        if ((refMask & (1 << i)) != 0 && a[i] instanceof ObjectEntry dep) {
          dep.dropForTask();
        }
      }
    }
  }

  /* ---------------- Cancellation ---------------- */

  @Override
  public boolean cancel(boolean force) {
    return cancel(force, "task '" + name + "' (" + idString() + ") was cancelled" + (force ? " (forced)" : ""));
  }

  /**
   * Notes that this running task submitted {@code child}, so that cancelling this task cancels the
   * child too, as Ray's recursive cancel does. Called on this task's own thread.
   */
  public void adopt(TaskRun child) {
    TaskChildren c = children;
    if (c == null) {
      children = c = new TaskChildren();  // only this task's thread writes the field
    }
    c.add(child);
  }

  /**
   * Cancels the task; see {@link io.raylite.Raylite#cancel}.
   *
   * @return whether this call cancelled it
   */
  public boolean cancel(boolean force, String why) {
    for (;;) {
      int s = state;
      if (s == DONE) {
        return false;
      }
      if (s == RUNNING) {
        if (force) {
          forceCancelled = true;  // before `cancelled`: see placeOnNode
        }
        cancelled = true;
        boolean won = result.fail(new TaskCancelledException(why));
        Thread t = runner;
        if (force && t != null) {
          t.interrupt();  // racy by nature: the task may have just returned; run() clears it
        }
        TaskChildren c = children;
        if (won && c != null) {
          c.cancelAll(force, "task '" + name + "' (" + idString() + ")");
        }
        CompletionStage<Object> onNode = placedAttempt;
        if (onNode != null) {
          runtime.backend.cancel(onNode, force);  // the node cancels it there; its answer finishes it here
        } else if (runtime.backend != null && runtime.backend.placesTasks()) {
          // Being placed (placeOnNode has not heard back from submit): cancelled now, in order with
          // this runtime's later cancels, instead of only by the late cancel once submit returns.
          runtime.backend.cancelWhilePlaced(backendInfo(), force);
        }
        return won;
      }
      if (STATE.compareAndSet(this, s, DONE)) {
        if (s == DISPATCHED) {
          Allocation granted = grant;  // ours: see "Ownership of a dispatch"
          grant = null;
          scheduler.release(granted);
        }
        cancelled = true;
        outcome = CANCELLED;
        finishedNanos = runtime.now();
        clear();
        record(why);
        result.fail(new TaskCancelledException(why));
        return true;
      }
    }
  }

  public void cancelForClose() {
    cancel(true, "task '" + name + "' (" + idString() + ") was cancelled because runtime '"
        + runtime.name + "' closed");
  }

  /* ---------------- RuntimeContext ---------------- */

  String idString() {
    return Ids.task(id);
  }

  /**
   * Puts the finished task in the timeline and the state API's ring, as one small event that does
   * not keep the task; {@code error} is the failure or the reason for cancelling, or null.
   */
  private void record(Object error) {
    TaskRunEvent.commit(this);  // JDK Flight Recorder; allocates nothing while disabled
    TimelineSink timeline = runtime.timeline;
    TaskTable table = runtime.tasks;
    if (timeline.enabled() || table.enabled()) {
      TimelineSink.TaskEvent event = new TimelineSink.TaskEvent(name, id, workerTid, workerLabel, outcome,
          attempt, submittedNanos, argsReadyNanos, dispatchedNanos, startedNanos, finishedNanos, request,
          callerSeq, error == null ? null : TaskTable.errorText(error));
      timeline.record(event);
      table.finished(this, event);
    }
  }

  /** The state now, for the state API. */
  int stateNow() {
    return state;
  }

  @Override
  public Raylite runtime() {
    return runtime.api;
  }

  /** The number behind the id string, for the state API. */
  public long seq() {
    return id;
  }

  @Override
  public String nodeId() {
    return runtime.nodeId == null ? "local" : runtime.nodeId;
  }

  @Override
  public String taskId() {
    return idString();
  }

  @Override
  public String taskName() {
    return name;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Map<String, Double> resources() {
    if (runtime.backend != null && runtime.backend.placesTasks()) {
      return options.resources();  // placed on a node, which holds them; nothing is held here
    }
    return request.toMap(runtime.scheduler.ledger().names());
  }

  @Override
  public List<Integer> gpuIds() {
    Allocation held = allocation;
    return held == null ? List.of() : held.gpuIdList();
  }

  @Override
  public String workerName() {
    return workerLabel;
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void log(String format, Object... logArgs) {
    String line = logArgs.length == 0 ? format : String.format(java.util.Locale.ROOT, format, logArgs);
    String prefixed = LogLines.escape("(" + name + (runtime.nodeId == null ? "" : " node=" + runtime.nodeId)
        + " worker=" + workerLabel + ") " + line);
    runtime.logStream.println(prefixed);
    runtime.state.logged(prefixed);
  }

  @Override
  public void onEnd(Runnable cleanup) {
    java.util.Objects.requireNonNull(cleanup, "cleanup");
    checkRunningHere("onEnd");
    if (endActions == null) {
      endActions = new java.util.ArrayList<>(2);
    }
    endActions.add(cleanup);
  }

  @Override
  public void await(java.util.concurrent.CompletableFuture<?> future) {
    java.util.Objects.requireNonNull(future, "future");
    checkRunningHere("await");
    Blocking.block(this, future, -1, null);
  }

  private void checkRunningHere(String method) {
    if (current() != this) {
      throw new IllegalStateException(method + " must be called from the thread running task '"
          + name + "'");
    }
  }

  /* ---------------- Wait-for graph (see Deadlocks) ---------------- */

  @Override
  public String describe() {
    return "task '" + name + "' (" + idString() + ")";
  }

  @Override
  public long cycleOrder() {
    return id;
  }

  @Override
  public BlockedGet blockedGet() {
    return waitingFor instanceof BlockedGet get ? get : null;
  }

  @Override
  public Allocation keptWhileBlocked() {
    return allocation;
  }

  @Override
  public void blockedGet(BlockedGet get) {
    waitingFor = get;
  }

  @Override
  public Step step() {
    return switch (state) {
      case PENDING -> {
        List<ObjectEntry> unready = unreadyArguments();
        yield unready.isEmpty() ? null : new Arguments(unready);
      }
      case QUEUED -> request.isCpuOnly() ? null : new Resources(request);
      case RUNNING -> waitingFor instanceof BlockedGet get ? new Blocked(get) : null;
      default -> null;
    };
  }

  /** The ObjectRef arguments not ready yet; read racily from any thread, for diagnosis. */
  public List<ObjectEntry> unreadyArguments() {
    Object[] a = args;
    int mask = refMask;
    if (a == null || mask == 0) {
      return List.of();
    }
    List<ObjectEntry> unready = new java.util.ArrayList<>(2);
    for (int i = 0; i < a.length; i++) {
      if ((mask & (1 << i)) != 0 && a[i] instanceof ObjectEntry dep && !dep.isDone()) {
        unready.add(dep);
      }
    }
    return unready;
  }

  /** The task's state now, named as the state API names it, for diagnosis. */
  public io.raylite.TaskState taskState() {
    return switch (state) {
      case PENDING -> io.raylite.TaskState.PENDING_ARGS_AVAIL;
      case QUEUED -> io.raylite.TaskState.PENDING_NODE_ASSIGNMENT;
      case DISPATCHED -> io.raylite.TaskState.SUBMITTED_TO_WORKER;
      case RUNNING -> io.raylite.TaskState.RUNNING;
      default -> TaskTable.outcome(outcome);
    };
  }

  /** When the task's current run started (System.nanoTime()), and on which worker; for diagnosis. */
  public long startedNanos() {
    return startedNanos;
  }

  public String workerLabel() {
    return workerLabel;
  }

  /** The resources the task asks for. */
  public ResourceShape request() {
    return request;
  }

  /** The scheduler it is queued in: the runtime's, or its placement-group bundle's. */
  public Scheduler<TaskRun> scheduler() {
    return scheduler;
  }

  /** The resources it holds now, or null. */
  public Allocation allocation() {
    return allocation;
  }

  @Override
  public String toString() {
    return "Task(" + name + ", " + idString() + ", state=" + state + ")";
  }
}
