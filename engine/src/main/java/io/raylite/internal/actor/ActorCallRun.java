package io.raylite.internal.actor;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.RuntimeContext;
import io.raylite.TaskCancelledException;
import io.raylite.TaskFailedException;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.Ids;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.object.Producer;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.task.Blocking;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.Invoker;
import io.raylite.internal.task.LogLines;
import io.raylite.internal.task.TaskRun;
import io.raylite.internal.task.ThreadState;
import io.raylite.internal.task.WaitNode;
import io.raylite.internal.task.BlockedGet;
import io.raylite.internal.task.TimelineSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One run of an actor's code: a method call submitted through a handle, or a run of its
 * constructor (then {@code mailbox} and {@code result} are null). While it runs it is the
 * {@link RuntimeContext} of its thread, bound in a ScopedValue as {@link TaskRun} is.
 *
 * <p>Threads: the submitting thread writes the final fields before the call is published through
 * the actor's monitor. {@code attempt}, {@code runner}, {@code onRestartedActor}, {@code aborted}
 * and {@code failure} are written under that monitor (see {@link ActorRecord});
 * {@code aborted} is also volatile for {@link #isCancelled()}. {@code value}, {@code thrown} and
 * {@code argumentFailed} belong to the thread running the call until it settles the call (see
 * {@code phase} below) or, for an Error, hands it back under the monitor. {@code async} and
 * {@code keepAlive} are written before publication; {@code keepAlive} is cleared when the call
 * completes. {@code inFlight} (volatile) is the future
 * an async call's runner waits for: the runner publishes it and then reads {@code cancelled}, and
 * cancel writes {@code cancelled} and then reads it, so one of the two cancels the future.
 *
 * <p>{@code phase} says who owns the call's next step (QUEUED, TAKEN, RUNNING, SETTLED); it is
 * changed by compare-and-set, so that a drainer, which starts and finishes the calls of its batch
 * without the actor's monitor, and the actor's failure or cancel paths, which hold it, decide each
 * call's outcome exactly once. The argument is in {@code ActorMailbox}'s overview, under "Batches".
 */
public final class ActorCallRun implements RuntimeContext, Producer, WaitNode {
  @Override
  public boolean isActorCall() {
    return true;
  }

  private static final ScopedValue<ActorCallRun> CURRENT = ScopedValue.newInstance();
  /** What the calls and actors made in its scope carry; see {@link #attaching}. */
  private static final ScopedValue<Object> ATTACHING = ScopedValue.newInstance();
  private static final VarHandle PHASE;

  /** In its mailbox (or its inbox), or not yet submitted; the monitor's holders own it. */
  static final int QUEUED = 0;
  /** In a drainer's batch, not started: the drainer may start it, the monitor's holders may take it back. */
  static final int TAKEN = 1;
  /** Started by its drainer: the drainer may settle it when it returns, the failure path may abort it. */
  static final int RUNNING = 2;
  /** Its outcome belongs to whoever moved it here (its drainer, cancel or the failure path). */
  static final int SETTLED = 3;

  static {
    try {
      PHASE = MethodHandles.lookup().findVarHandle(ActorCallRun.class, "phase", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static {
    Blocking.actorCalls(ActorCallRun::current);  // a get from an actor call is a wait-for edge
  }

  final ActorRecord actor;
  final ActorMailbox mailbox;
  final long id;
  /** The name given to the call, or null to derive it from the function when first needed. */
  private final String givenName;
  final ObjectEntry result;
  private final RayFunc function;
  private Object[] args;
  private final int refMask;
  /** Its priority in the mailbox (see ActorMailbox); written before the call is published. */
  int priority;
  /** The next older call in its mailbox's inbox; see {@link ActorMailbox#push}. */
  ActorCallRun nextInInbox;

  /** One of QUEUED, TAKEN, RUNNING, SETTLED; see the class comment. */
  private volatile int phase;

  int attempt;
  Thread runner;
  boolean onRestartedActor;
  /** Set when the actor failed or died while this call was running: the runner's outcome is dropped. */
  volatile boolean aborted;
  /** Set under the monitor when the call was cancelled while running: it is told, and not retried. */
  volatile boolean cancelled;
  /** Whose maxPendingCalls count holds this call (see ActorRecord), or null; under the monitor. */
  Object pendingCaller;
  /** Whether the method returns a CompletionStage whose outcome is the call's (taskAsync); set before publication. */
  boolean async;
  /** An async call's future while its runner waits for it, else null; see {@link #cancelInFlight()}. */
  private volatile CompletableFuture<?> inFlight;
  /** The actor's lifetime anchor while the call is pending (see HandleScope), or null; dropped when complete. */
  Object keepAlive;
  /** Who submitted it, kept under a deterministic run only (see ActorMailbox#pollDrawn); else null. */
  Object caller;
  /** The get this call is blocked in, or null (see task.Deadlocks). */
  private volatile BlockedGet blockedGet;
  /** The failure the actor decided for this call, delivered outside the monitor. */
  RayliteException failure;

  Object value;
  Throwable thrown;
  boolean argumentFailed;

  /**
   * What the backend that submitted this call attached to it, or, for a constructor run, what the
   * actor's creator attached (see {@link #attaching}); null for none. Final before publication.
   */
  final Object attachment;

  /** For the timeline: when the call was submitted, and when its last run started and ended (0: never). */
  final long submittedNanos;
  private long startedNanos;
  private long finishedNanos;

  ActorCallRun(ActorRecord actor, ActorMailbox mailbox, long id, String name, RayFunc function,
      Object[] args, int refMask, boolean withResult) {
    this.actor = actor;
    this.submittedNanos = actor.runtime.now();
    this.mailbox = mailbox;
    this.id = id;
    this.givenName = name;
    this.function = function;
    this.args = args;
    this.refMask = refMask;
    this.result = withResult ? new ObjectEntry(actor.runtime.nextObjectId(), actor.runtime.store, this) : null;
    this.attachment = ATTACHING.isBound() ? ATTACHING.get() : mailbox == null ? actor.attachment : null;
  }

  /**
   * Runs {@code body} so that the actor calls it submits, and the constructor runs of the actors it
   * creates, carry {@code attachment}, which {@link #currentAttachment()} reads while they run (a
   * cluster node routes what they print to their caller with it).
   */
  public static <T> T attaching(Object attachment, java.util.function.Supplier<T> body) {
    return ScopedValue.where(ATTACHING, attachment).call(body::get);
  }

  /** The attachment of the actor call or constructor running on this thread, or null. */
  public static Object currentAttachment() {
    ActorCallRun run = current();
    return run == null ? null : run.attachment;
  }

  /** The attachment in scope on this thread (see {@link #attaching}), or null. */
  static Object attachingNow() {
    return ATTACHING.isBound() ? ATTACHING.get() : null;
  }

  int phase() {
    return phase;
  }

  /** Sets the phase; only for a holder of the actor's monitor that owns the call (QUEUED, or just won it). */
  void phase(int to) {
    phase = to;
  }

  /** Moves the phase from {@code from} to {@code to}; whether this caller won the call's step. */
  boolean claim(int from, int to) {
    return PHASE.compareAndSet(this, from, to);
  }

  /** The actor call or constructor running on this thread, or null. */
  public static ActorCallRun current() {
    return CURRENT.isBound() ? CURRENT.get() : null;
  }

  <R> ObjectRef<R> ref() {
    return new ObjectRefImpl<>(result);
  }

  /**
   * Resolves the arguments and calls the function, with {@code receiver} first when it is not null,
   * leaving the outcome in {@code value}, {@code thrown} and {@code argumentFailed}. A failed
   * {@code ObjectRef} argument fails the call with that argument's exception, as for tasks.
   */
  void run(Object receiver) {
    value = null;
    thrown = null;
    argumentFailed = false;
    startedNanos = actor.runtime.now();
    try {
      Object[] values;
      try {
        values = resolve(receiver, args, refMask);
      } catch (RayliteException e) {
        thrown = e;
        argumentFailed = true;
        return;
      }
      Thread thread = Thread.currentThread();
      ThreadState before = ThreadState.capture(thread);
      try {
        value = ScopedValue.where(CURRENT, this).call(() -> Invoker.invoke(function, values));
      } catch (Throwable t) {
        thrown = t;
      }
      before.restore(thread);  // nothing the call set on its thread leaks into the next call
      if (async && thrown == null) {
        awaitStage();
      }
    } finally {
      finishedNanos = actor.runtime.now();
    }
  }

  /**
   * Waits for the CompletionStage an async method returned, holding the call's place among the
   * actor's running calls, and leaves its outcome in {@code value} or {@code thrown} (the future's
   * own exception, not a wrapper). Kill and close interrupt the wait: the future is cancelled, and
   * the outcome is dropped by the actor.
   */
  private void awaitStage() {
    if (!(value instanceof CompletionStage<?> stage)) {
      thrown = new NullPointerException("async actor method " + name() + " returned null instead of a CompletionStage");
      value = null;
      return;
    }
    value = null;
    CompletableFuture<?> future;
    try {
      future = stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      CompletableFuture<Object> copy = new CompletableFuture<>();
      stage.whenComplete((v, t) -> {
        if (t != null) {
          copy.completeExceptionally(t);
        } else {
          copy.complete(v);
        }
      });
      future = copy;
    }
    inFlight = future;
    if (cancelled) {
      future.cancel(true);  // cancelled before the future was published: see cancelInFlight
    }
    try {
      value = future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      thrown = e;  // only kill and close interrupt a runner; they drop this outcome
    } catch (ExecutionException e) {
      thrown = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
          ? wrapped.getCause() : e.getCause();
    } catch (CancellationException e) {
      thrown = e;
    } finally {
      inFlight = null;
    }
    if (cancelled) {
      // Raylite.cancel set the flag under the actor's monitor before it cancelled the future or
      // failed the result: whichever of the two completes the result first, it is cancelled.
      value = null;
      thrown = new TaskCancelledException("actor call '" + name() + "' (" + taskId() + ") of actor '"
          + actor.displayName() + "' (" + actor.idString() + ") was cancelled");
    }
  }

  /** Cancels the future an async call waits for, if any; for {@link ActorRecord#cancel}. */
  void cancelInFlight() {
    CompletableFuture<?> future = inFlight;
    if (future != null) {
      future.cancel(true);
    }
  }

  /**
   * The values to call with: {@code receiver} first unless null, then the arguments, with each
   * {@code ObjectRef} named by {@code refMask} replaced by its value (waiting for it).
   *
   * @throws RayliteException the failure of an argument, or of the wait if interrupted
   */
  static Object[] resolve(Object receiver, Object[] args, int refMask) {
    int offset = receiver == null ? 0 : 1;
    Object[] values = new Object[args.length + offset];
    if (receiver != null) {
      values[0] = receiver;
    }
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      values[i + offset] = (refMask & (1 << i)) != 0 ? ((ObjectRef<?>) arg).get() : arg;
    }
    return values;
  }

  /** Completes the result from the outcome of {@link #run}; called once, outside the monitor. */
  void completeFromOutcome() {
    // Recorded before the result completes, so a caller of get sees the call in the timeline and
    // the state API.
    record(cancelled ? TaskRun.CANCELLED : thrown == null ? TaskRun.FINISHED : TaskRun.FAILED);
    if (thrown == null) {
      result.complete(value);
    } else if (argumentFailed || async && cancelled && thrown instanceof TaskCancelledException) {
      result.fail((RayliteException) thrown);
    } else {
      result.fail(new TaskFailedException(name(), taskId(), thrown));
    }
    clear();
  }

  /** Fails the result with the failure the actor decided; called once, outside the monitor. */
  void completeFromFailure() {
    if (finishedNanos == 0 || finishedNanos < startedNanos) {
      finishedNanos = actor.runtime.now();  // never ran, or ended by the failure while running
    }
    // Recorded before the result fails, as in completeFromOutcome.
    record(failure instanceof TaskCancelledException || cancelled ? TaskRun.CANCELLED : TaskRun.FAILED);
    result.fail(failure);
    clear();
  }

  /** Puts the finished call in the timeline, as a small event that does not keep the call. */
  private void record(int outcome) {
    record(false, outcome, submittedNanos);
  }

  /**
   * Puts a finished run of the constructor in the timeline, on the actor's row; its wait counts
   * from {@code since} (the actor's creation, for the first run: arguments and resources).
   */
  void recordConstruction(long since, boolean failed) {
    record(true, failed ? TaskRun.FAILED : TaskRun.FINISHED, since);
  }

  private void record(boolean construction, int outcome, long since) {
    // JDK Flight Recorder; allocates nothing while disabled
    ActorCallRunEvent.commit(this, construction, outcome, since, startedNanos, finishedNanos);
    TimelineSink timeline = actor.runtime.timeline;
    if (timeline.enabled()) {
      timeline.record(new TimelineSink.ActorCallEvent(name(), id, actor.id, actor.timelineRow(), construction,
          outcome, attempt, since, startedNanos, finishedNanos));
    }
  }

  /** Drops what a finished call no longer needs (the function stays: it names the call). */
  private void clear() {
    keepAlive = null;
    args = null;
    value = null;
    thrown = null;
  }

  /** See {@link ActorRecord#cancel}. */
  @Override
  public boolean cancel(boolean force) {
    return actor.cancel(this, force);
  }

  /** Never: an actor call runs only on its actor's threads. */
  @Override
  public boolean tryRunInline(Allocation held) {
    return false;
  }

  /** See {@link Raylite#exitActor()}. */
  public void exitActor() {
    actor.exitFromInside();
  }

  /* ---------------- RuntimeContext ---------------- */

  @Override
  public Raylite runtime() {
    return actor.runtime.api;
  }

  /** The number behind the id string, for the state API. */
  public long seq() {
    return id;
  }

  @Override
  public String taskId() {
    return Ids.actorCall(id);
  }

  /** The call's name: the one given, else {@code Class.method} of the function. */
  String name() {
    return givenName != null ? givenName : FunctionNames.of(function);
  }

  @Override
  public String taskName() {
    return name();
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Map<String, Double> resources() {
    return actor.request.toMap(actor.runtime.scheduler.ledger().names());
  }

  @Override
  public List<Integer> gpuIds() {
    return actor.gpuIds();
  }

  @Override
  public String workerName() {
    return actor.runtime.workers.label(Thread.currentThread());
  }

  @Override
  public String nodeId() {
    return actor.runtime.nodeId == null ? "local" : actor.runtime.nodeId;
  }

  @Override
  public boolean isCancelled() {
    return aborted || cancelled;
  }

  @Override
  public Optional<String> actorId() {
    return Optional.of(actor.idString());
  }

  /** The actor this call runs on, for {@code RuntimeContext.currentActor()}. */
  public ActorRecord actorRecord() {
    return actor;
  }

  @Override
  public boolean wasActorRestarted() {
    return onRestartedActor;
  }

  @Override
  public void log(String format, Object... logArgs) {
    String line = logArgs.length == 0 ? format : String.format(java.util.Locale.ROOT, format, logArgs);
    String prefixed = LogLines.escape("(" + name() + " actor=" + actor.idString() + ") " + line);
    actor.runtime.logStream.println(prefixed);
    actor.runtime.state.logged(prefixed);
  }

  @Override
  public void onEnd(Runnable cleanup) {
    java.util.Objects.requireNonNull(cleanup, "cleanup");
    checkRunningHere("onEnd");
    actor.onEnd(cleanup);
  }

  @Override
  public void await(java.util.concurrent.CompletableFuture<?> future) {
    java.util.Objects.requireNonNull(future, "future");
    checkRunningHere("await");
    Blocking.block(null, future, -1, null);  // an actor holds its resources for its lifetime
  }

  private void checkRunningHere(String method) {
    if (current() != this) {
      throw new IllegalStateException(method + " must be called from the thread running '"
          + name() + "'");
    }
  }

  /* ---------------- Wait-for graph (see task.Deadlocks) ---------------- */

  @Override
  public String describe() {
    return (mailbox == null ? "the constructor of " : "call '" + name() + "' (" + taskId() + ") of ")
        + "actor '" + actor.displayName() + "' (" + actor.idString() + ")";
  }

  @Override
  public long cycleOrder() {
    return (1L << 62) + id;  // after every task: the two kinds are numbered apart
  }

  @Override
  public BlockedGet blockedGet() {
    return blockedGet;
  }

  @Override
  public Allocation keptWhileBlocked() {
    return actor.allocationNow();
  }

  @Override
  public void blockedGet(BlockedGet get) {
    blockedGet = get;
  }

  @Override
  public Step step() {
    BlockedGet get = blockedGet;
    if (get != null) {
      return new Blocked(get);
    }
    if (mailbox == null || result == null || result.isDone()) {
      return null;
    }
    ActorCallStanding standing = actor.standing(this);
    if (standing.actorState() != io.raylite.ActorState.ALIVE || standing.ahead() < 0
        || standing.groupRunning().size() < standing.limit()) {
      return null;  // being created or restarted, or about to start
    }
    return new Behind(List.<WaitNode>copyOf(standing.groupRunning()));
  }

  /** Where this call stands on its actor now, for {@code explain}. */
  public ActorCallStanding standing() {
    return actor.standing(this);
  }

  /** The object this call produces. */
  public ObjectEntry result() {
    return result;
  }

  /** When its last run started (System.nanoTime()), 0 if never. */
  public long startedNanos() {
    return startedNanos;
  }

  @Override
  public String toString() {
    return "ActorCallRun(" + name() + ", " + taskId() + ", " + actor.idString() + ")";
  }
}
