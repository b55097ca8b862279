package io.raylite.internal.actor;

import io.raylite.ActorDiedException;
import io.raylite.ActorOptions;
import io.raylite.ConcurrencyGroup;
import io.raylite.ObjectRef;
import io.raylite.PendingCallsExceededException;
import io.raylite.RayliteException;
import io.raylite.RuntimeClosedException;
import io.raylite.TaskCancelledException;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.Ids;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.resource.ResourceShape;
import io.raylite.internal.resource.Scheduler;
import io.raylite.internal.task.DeterministicSchedule;
import io.raylite.internal.task.EndActions;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.FunctionNames;
import io.raylite.internal.task.ShutdownReport;
import io.raylite.internal.task.TaskRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/*
 * Implementation overview
 *
 * One actor: its options and resources, its instance, its mailboxes, and the state machine of its
 * life. Everything mutable is guarded by the ActorRecord's own monitor (synchronized (this)): a monitor
 * costs no memory until contended, which matters for 100,000 mostly idle actors, and since JDK 24 a
 * virtual thread blocked on one does not pin its carrier. The monitor is held only for bookkeeping.
 * User code, result completion (which runs the callbacks of whatever depends on the result, possibly
 * another actor) and resource release (which takes the Scheduler's lock) happen after it is
 * released: see deliver(). Interrupts and virtual-thread starts do happen under it.
 *
 * States
 * ------
 * Field `state`, changed only under the monitor:
 *   CREATING    the creation thread resolves the constructor's arguments, reserves the resources and
 *               runs the constructor (the first time, or again after a failure); calls queue up
 *   ALIVE       the instance exists; the mailboxes drain
 *   RESTARTING  the actor failed and is rebuilt once its running calls have all returned; calls
 *               queue up
 *   DEAD        terminal; `death` says why; new calls fail at once
 * CREATING -> ALIVE when the constructor returns; CREATING -> CREATING when it throws and a restart
 * is left; ALIVE -> RESTARTING on a failure with a restart left; RESTARTING -> CREATING when the
 * last running call returns (quiescentLocked); any -> DEAD on a failure without restart, kill with
 * noRestart, exitActor, or close. Every failure goes through failLocked.
 *
 * Mailboxes
 * ---------
 * One per concurrency group (ActorMailbox). A mailbox is drained by virtual threads
 * started on demand, at most `limit` of them; each drainer takes calls in FIFO order while the actor
 * is ALIVE and ends when the mailbox is empty. A sequential actor (limit 1) thus runs its calls one
 * at a time in submission order, and an idle actor holds no thread. A drainer hands back its
 * previous calls and takes the next in a single monitor section: a batch of up to BATCH calls for a
 * sequential mailbox, one call otherwise; it settles each call when it returns and completes it
 * once the next has started (or after handing the batch back), without the monitor, each call's
 * outcome going to whoever wins a compare-and-set on its phase (the argument is in ActorMailbox's
 * overview, under "Batches"). A submitter queues a call under the
 * monitor, except while every drainer of the mailbox runs and the actor has no maxPendingCalls:
 * then it pushes the call onto the mailbox's lock-free inbox, which the monitor's holders see as
 * part of the queue (ActorMailbox), so that the submitter and the drainer do not contend for the
 * monitor at every call. A drainer that ends and a failure that kills the actor look at the inbox
 * after their change, and the submitter looks again at both after its push (submit, settleInbox),
 * so a pushed call is always taken, kept for the restarted actor, or failed.
 *
 * Failure
 * -------
 * failLocked decides, for every call queued or running, whether it runs again on the
 * rebuilt actor (attempt < maxTaskRetries: it stays queued, or a running one goes back to the front
 * of its mailbox) or fails with ActorDiedException. Running calls are marked `aborted` and
 * interrupted; when their threads return, their outcome is dropped. The actor is rebuilt only once
 * all of them have returned (activeCalls == 0), so two incarnations never run calls at the same
 * time and a retried call never runs twice at once. A failure while the constructor runs is handled
 * by the creation thread when the constructor returns; calls queued meanwhile are not charged an
 * attempt, since they never reached an instance.
 *
 * Threads
 * -------
 * Every actor thread is started under the monitor through ActorThreads, and none once the
 * actor is DEAD, so that close (which kills every actor, then joins every thread) misses none.
 * Resources are held from the end of the reservation until the actor is DEAD and no thread runs its
 * code, across restarts.
 *
 * An actor created with dedicatedThread() gets, per incarnation, one DedicatedThread instead of
 * virtual threads: startThreadLocked queues each body (construct, drain) on it, failLocked and the
 * restart in quiescentLocked stop it.
 *
 * Lifetime: a non-detached actor has a HandleScope, whose anchor every handle and every pending
 * call (ActorCallRun.keepAlive, from submit until complete) holds; when the collector finds the
 * anchor unreachable, endUnreachable ends the actor like a kill without restart.
 *
 * End actions (RuntimeContext.onEnd from the actor's code) belong to the instance: when no thread
 * runs the actor's code and the instance is dropped (RESTARTING -> CREATING, DEAD, or a constructor
 * that threw and runs again), quiescentLocked or construct moves them to `endActionsDue` under the
 * monitor, and deliver runs them outside it. `endActionsPending` lets deliver skip the monitor
 * when there are none, which is every ordinary call.
 */
public final class ActorRecord {
  static final int CREATING = 0;
  static final int ALIVE = 1;
  static final int RESTARTING = 2;
  static final int DEAD = 3;
  /** The most calls a drainer of a sequential mailbox takes in one monitor section; see ActorMailbox. */
  private static final int BATCH = 32;
  /** The caller key of every thread outside tasks and actors, which Ray calls the driver. */
  private static final Object DRIVER = new Object();

  final ActorRegistry registry;
  final Engine runtime;
  final long id;
  private String timelineRow;
  final ActorOptions options;
  final ResourceShape request;
  /** Where the actor's resources come from: the runtime's scheduler, or a placement-group bundle's. */
  final Scheduler<TaskRun> scheduler;
  private final RayFunc constructor;
  private final String constructorName;
  /** The arguments as given, refs included; read once by the creation thread, then dropped. */
  private Object[] constructorArgs;
  private final int constructorRefMask;
  private final ActorMailbox defaultMailbox;
  /** Named groups' mailboxes by group name, and by method key; both empty without groups. */
  private final Map<String, ActorMailbox> groups;
  private final Map<String, ActorMailbox> methodGroups;
  /** Ends a non-detached actor when its handles are unreachable; null for a detached one. */
  private final HandleScope handles;

  // Guarded by this.
  private int state = CREATING;
  private Object instance;
  /** The resolved arguments; kept after construction only for restarts. */
  private Object[] constructorValues;
  private int restarts;
  private Allocation allocation;
  /** The creation thread (resolving arguments, waiting for resources, constructing), or null. */
  private Thread creator;
  /** The resources the creation thread waits for, or null. */
  private Scheduler.Reservation reservation;
  /** Whether the constructor is running. */
  private boolean constructing;
  /** A kill with restart arrived while the constructor ran: rebuild once it returns. */
  private boolean restartWhenBuilt;
  /** The thread of this incarnation if the actor has a dedicated one, once started; else null. */
  private DedicatedThread dedicated;
  /** Batches taken by drainers that have not handed them back; see "Batches" in ActorMailbox. */
  private int activeCalls;
  /**
   * The calls taken by drainers and not handed back, in the order taken (each call's phase says
   * whether it has started or is settled); null when none yet, and emptied by failLocked.
   */
  private ArrayList<ActorCallRun> running;
  /**
   * Calls queued or running, for maxPendingCalls, per caller (see callerKey), as Ray counts them
   * per worker holding a handle. Made and counted only when that limit is set: calls submitted
   * through the inbox, which only actors without a limit use, are not counted in. A caller's
   * entry goes when its count drops to zero, so a finished task is not kept.
   */
  private HashMap<Object, int[]> pendingByCaller;
  /** RuntimeContext.onEnd cleanups of the current instance, or null. */
  private List<Runnable> endActions;
  /** Cleanups of a dropped instance, for deliver to run outside the monitor, or null. */
  private List<Runnable> endActionsDue;
  /** Whether endActionsDue is set; read by deliver without the monitor. */
  private volatile boolean endActionsPending;
  /**
   * Why the actor is DEAD, or null. Written under the monitor before the DEAD actor's calls are
   * failed; volatile because submit reads it without the monitor.
   */
  private volatile ActorDiedException death;
  /**
   * Completed with {@code death} once the actor is DEAD, for a cluster node that hosts it. Completed
   * under the monitor: dependents must run asynchronously.
   */
  private final java.util.concurrent.CompletableFuture<ActorDiedException> died =
      new java.util.concurrent.CompletableFuture<>();

  /** When the actor was created: the first constructor run's wait in the timeline counts from here. */
  private final long createdNanos;
  /** What its creator attached (see ActorCallRun.attaching): each run of its constructor carries it. */
  final Object attachment = ActorCallRun.attachingNow();

  ActorRecord(ActorRegistry registry, long id, RayFunc constructor, String constructorName, Object[] args,
      int refMask, ActorOptions options, ResourceShape request, Scheduler<TaskRun> scheduler) {
    this.registry = registry;
    this.createdNanos = registry.runtime.now();
    this.runtime = registry.runtime;
    this.scheduler = scheduler;
    this.id = id;
    this.options = options;
    this.request = request;
    this.constructor = constructor;
    this.constructorName = constructorName;
    this.constructorArgs = args;
    this.constructorRefMask = refMask;
    this.defaultMailbox = new ActorMailbox(null, options.maxConcurrency());
    this.handles = options.lifetime() == io.raylite.ActorLifetime.DETACHED ? null : new HandleScope(this);
    if (options.concurrencyGroups().isEmpty()) {
      this.groups = Map.of();
      this.methodGroups = Map.of();
    } else {
      this.groups = new HashMap<>();
      this.methodGroups = new HashMap<>();
      for (ConcurrencyGroup group : options.concurrencyGroups()) {
        ActorMailbox box = new ActorMailbox(group.name(), group.maxConcurrency());
        groups.put(group.name(), box);
        for (RayFunc method : group.methods()) {
          ActorMailbox previous = methodGroups.putIfAbsent(FunctionNames.methodKey(method), box);
          if (previous != null && previous != box) {
            throw new IllegalArgumentException("method " + FunctionNames.of(method) + " of actor '" + displayName()
                + "' is assigned to two concurrency groups, '" + previous.group + "' and '" + group.name() + "'");
          }
        }
      }
    }
  }

  /** The number behind the id string, for the state API. */
  public long seq() {
    return id;
  }

  public String idString() {
    return Ids.actor(id);
  }

  /** The runtime's running parts, for the public calls built on them (generators, several returns). */
  public Engine engine() {
    return runtime;
  }

  /** The actor's row in the timeline, computed once (a racy cache of an immutable value). */
  public String timelineRow() {
    String row = timelineRow;
    if (row == null) {
      row = "actor " + displayName() + " (" + idString() + ")";
      timelineRow = row;
    }
    return row;
  }

  /** The name given at creation, or null. */
  public String registeredName() {
    return options.name();
  }

  /** What a handle of this actor holds to keep it alive, or null if it is detached; see {@link HandleScope}. */
  public Object handleAnchor() {
    return handles == null ? null : handles.anchor();
  }

  /** The namespace the actor belongs to. */
  public String namespace() {
    return options.namespace();
  }

  /** The given name, else the class name: how errors and logs name the actor. */
  public String displayName() {
    String name = options.name();
    if (name != null) {
      return name;
    }
    return constructorName.endsWith(".new") ? constructorName.substring(0, constructorName.length() - 4)
        : constructorName;
  }

  synchronized List<Integer> gpuIds() {
    return allocation == null ? List.of() : allocation.gpuIdList();
  }

  /* ---------------- Calls ---------------- */

  /**
   * Queues a method call and returns the ref of its result; see {@link io.raylite.ActorCall#remote()}.
   * Called from any thread.
   */
  public <R> ObjectRef<R> submit(RayFunc method, Object[] args, int refMask, String callName, String group) {
    return submit(method, args, refMask, callName, group, false, 0);
  }

  /**
   * As {@link #submit(RayFunc, Object[], int, String, String)}; with {@code async}, the method's
   * result is a CompletionStage whose outcome is the call's (see {@link ActorCallRun}); with the
   * call's priority in its mailbox (see {@link ActorMailbox}).
   */
  public <R> ObjectRef<R> submit(RayFunc method, Object[] args, int refMask, String callName, String group,
      boolean async, int priority) {
    if (runtime.isClosed()) {
      throw new RuntimeClosedException("runtime '" + runtime.name + "' is closed");
    }
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) != 0 && ObjectRefImpl.ownEntry(args[i], runtime.store) == null) {
        ObjectRefImpl.entryOf(args[i], runtime.store, "argument " + i + " of actor call '"
            + (callName != null ? callName : FunctionNames.of(method)) + "'");
      }
    }
    ActorMailbox box = mailboxFor(method, group);
    ActorCallRun call = new ActorCallRun(this, box, registry.nextTaskId(), callName, method, args, refMask, true);
    call.async = async;
    if (runtime.schedule != null) {
      call.caller = callerKey();  // the schedule draws among callers (ActorMailbox.pollDrawn)
    }
    ObjectRef<R> ref = call.ref();
    if (handles != null) {
      call.keepAlive = handles.anchor();
    }
    call.priority = priority;
    if (priority == 0 && options.maxPendingCalls() < 0 && box.drainers == box.limit && death == null) {
      // Every drainer of the mailbox runs, so one will take the call: queue it without the monitor.
      // A drainer that ends, and a failure that makes the actor DEAD, look at the inbox after
      // changing what was read here (Dekker), so the call is never left behind; see also
      // settleInbox.
      box.push(call);
      if (box.drainers != box.limit || death != null) {
        settleInbox(box);
      }
      return ref;
    }
    ActorDiedException died;
    synchronized (this) {
      died = death;
      if (died == null) {
        int max = options.maxPendingCalls();
        if (max >= 0) {
          Object caller = callerKey();
          if (pendingByCaller == null) {
            pendingByCaller = new HashMap<>();
          }
          int[] count = pendingByCaller.computeIfAbsent(caller, c -> new int[1]);
          if (count[0] >= max) {
            throw new PendingCallsExceededException("actor '" + displayName() + "' (" + idString() + ") has "
                + count[0] + " calls from " + describeCaller(caller) + " queued or running, the most its"
                + " maxPendingCalls(" + max + ") allows per caller; call '" + call.name() + "' was not submitted");
          }
          count[0]++;
          call.pendingCaller = caller;
        }
        takeBackLowerLocked(box, priority);
        box.addLast(call);
        if (state == ALIVE && box.wantsDrainer()) {
          startDrainerLocked(box);
        }
      }
    }
    if (died != null) {
      call.failure = died;
      call.completeFromFailure();
    }
    return ref;
  }

  /**
   * Cancels a call of this actor, as Ray cancels actor tasks: a queued call is taken out of its
   * mailbox and never runs; a running one is not interrupted (the actor's state must not be left
   * half-updated) but sees {@link ActorCallRun#isCancelled()} and is not retried. Either way its
   * result fails with {@link TaskCancelledException} from now on. False if the call is done.
   *
   * @throws IllegalArgumentException if {@code force} is asked for
   */
  boolean cancel(ActorCallRun call, boolean force) {
    if (force) {
      throw new IllegalArgumentException("force=true cannot cancel actor call '" + call.name() + "' ("
          + call.taskId() + "): an actor call is never interrupted, as in Ray, because it would leave the "
          + "actor's state half-updated; cancel with force=false stops a queued call and flags a running one");
    }
    TaskCancelledException cancelled = new TaskCancelledException("actor call '" + call.name() + "' ("
        + call.taskId() + ") of actor '" + displayName() + "' (" + idString() + ") was cancelled");
    boolean queued;
    synchronized (this) {
      if (call.result.isDone()) {
        return false;
      }
      // Queued, or taken by a drainer that has not started it: ours alone now.
      queued = call.mailbox.remove(call) || call.claim(ActorCallRun.TAKEN, ActorCallRun.SETTLED);
      if (queued) {
        call.phase(ActorCallRun.SETTLED);
        countDownLocked(call);
        call.failure = cancelled;
      } else {
        call.cancelled = true;  // running: it finishes, its outcome is dropped
        countDownLocked(call);  // its result fails now: the caller's slot is free before that
      }
    }
    if (queued) {
      call.completeFromFailure();  // it was ours alone once out of the mailbox
      return true;
    }
    boolean failed = call.result.fail(cancelled);
    // An async call's future, once the result is cancelled (its runner wakes and completes the
    // result at once), and outside the monitor, since cancelling runs the future's callbacks.
    call.cancelInFlight();
    return failed || call.async;  // an async call's runner fails it as cancelled if it got there first
  }

  private ActorMailbox mailboxFor(RayFunc method, String group) {
    if (group != null) {
      ActorMailbox box = groups.get(group);
      if (box == null) {
        throw new IllegalArgumentException("actor '" + displayName() + "' has no concurrency group '" + group
            + "'; it has " + groups.keySet());
      }
      return box;
    }
    if (methodGroups.isEmpty()) {
      return defaultMailbox;
    }
    return methodGroups.getOrDefault(FunctionNames.methodKey(method), defaultMailbox);
  }

  /**
   * Deals with calls pushed into {@code box}'s inbox that no drainer may take: when the actor is
   * DEAD they fail; when it is ALIVE and a drainer is missing, one starts. Otherwise (creating or
   * restarting) they stay queued until the actor is ALIVE again and its drainers start.
   */
  private void settleInbox(ActorMailbox box) {
    List<ActorCallRun> settled = new ArrayList<>(0);
    synchronized (this) {
      if (state == DEAD) {
        requeueOrFailLocked(box, death, false, settled);
      } else if (state == ALIVE && box.wantsDrainer()) {
        startDrainerLocked(box);
      }
    }
    deliver(settled, null);
  }

  private void startDrainerLocked(ActorMailbox box) {
    box.drainers++;
    startThreadLocked(() -> drain(box));
  }

  /**
   * Runs {@code body} on a new virtual thread, or on the actor's dedicated thread (started with the
   * first body of each incarnation) if it has one; returns the thread.
   */
  private Thread startThreadLocked(Runnable body) {
    if (!options.dedicatedThread()) {
      return registry.threads.start(body);
    }
    if (dedicated == null) {
      dedicated = new DedicatedThread(registry.threads, runtime.name + "-actor-" + idString() + "-dedicated");
    }
    return dedicated.start(body);
  }

  private void startDrainersLocked() {
    while (defaultMailbox.wantsDrainer()) {
      startDrainerLocked(defaultMailbox);
    }
    for (ActorMailbox box : groups.values()) {
      while (box.wantsDrainer()) {
        startDrainerLocked(box);
      }
    }
  }

  /**
   * The body of a drainer thread: runs calls of {@code box}, a batch per monitor section, until it
   * is empty or the actor is not ALIVE; see "Batches" in ActorMailbox's overview.
   */
  private void drain(ActorMailbox box) {
    Thread self = Thread.currentThread();
    int most = box.limit == 1 && runtime.schedule == null ? BATCH : 1;
    ActorCallRun[] batch = null;
    int taken = 0;
    ActorCallRun erred = null;  // the call of the last batch that threw an Error, or null
    // Settled by this drainer, its result not yet completed: completed once the next call has
    // started, or once the batch is handed back, so that (as with one call per section) whoever
    // sees the result finds the actor quiescent if nothing else was queued.
    ActorCallRun done = null;
    boolean ran = false;
    for (;;) {
      Object target = null;
      List<ActorCallRun> settled = null;
      Allocation release;
      synchronized (this) {
        if (taken > 0) {
          if (erred != null && erred.phase() == ActorCallRun.RUNNING) {
            settled = new ArrayList<>();
            failLocked("method " + erred.name() + " threw an Error", erred.thrown, true, settled);
          }
          if (done != null) {
            countDownLocked(done);  // the caller's slot is free before its result is visible
          }
          activeCalls--;
          box.busy--;
          handBackLocked(box, self);
          erred = null;
          taken = 0;
        }
        if (state == ALIVE) {
          int n = Math.min(most, box.size());
          if (n > 0 && (batch == null || batch.length < n)) {
            batch = new ActorCallRun[n];
          }
          while (taken < n) {
            ActorCallRun next = runtime.schedule == null ? box.poll() : box.pollDrawn(runtime.schedule);
            if (running == null) {
              running = new ArrayList<>(Math.min(box.limit, 4));
            }
            running.add(next);
            next.runner = self;
            next.aborted = false;
            next.onRestartedActor = restarts > 0;
            next.phase(ActorCallRun.TAKEN);
            batch[taken++] = next;
          }
        }
        if (taken == 0) {
          box.drainers--;
          release = quiescentLocked();
        } else {
          release = null;
          activeCalls++;
          box.busy++;
          target = instance;
        }
      }
      if (done != null) {
        done.completeFromOutcome();
        done = null;
      }
      deliver(settled, release);
      if (taken == 0) {
        if (!box.inboxEmpty()) {
          settleInbox(box);  // pushed after this drainer found the mailbox empty: see submit
        }
        return;
      }
      for (int i = 0; i < taken; i++) {
        ActorCallRun call = batch[i];
        batch[i] = null;
        if (runtime.schedule != null && ran) {
          runtime.schedule.yieldTurn();  // a deterministic run draws who goes next between two calls
        }
        Thread.interrupted();  // an interrupt aimed at the previous call must not reach this one
        if (!call.claim(ActorCallRun.TAKEN, ActorCallRun.RUNNING)) {
          if (call.phase() == ActorCallRun.QUEUED) {
            break;  // taken back into the mailbox, with the rest of the batch
          }
          continue;  // cancelled, or failed with the actor
        }
        if (done != null) {
          complete(done);  // now that the next call has started; before it runs, so it may get the result
          done = null;
        }
        ran = true;
        call.run(target);
        if (call.thrown instanceof Error && !call.argumentFailed) {
          erred = call;  // the actor fails in the next monitor section, unless something else failed it
          break;
        }
        if (call.claim(ActorCallRun.RUNNING, ActorCallRun.SETTLED)) {
          done = call;
        }
      }
      java.util.Arrays.fill(batch, 0, taken, null);
    }
  }

  /** Completes a call its drainer settled, after freeing its caller's maxPendingCalls slot. */
  private void complete(ActorCallRun call) {
    if (call.pendingCaller != null) {
      synchronized (this) {
        countDownLocked(call);  // the caller's slot is free before its result is visible
      }
    }
    call.completeFromOutcome();
  }

  /** Drops the calls of {@code box} that {@code drainer} took from {@code running}: their outcomes are decided. */
  private void handBackLocked(ActorMailbox box, Thread drainer) {
    ArrayList<ActorCallRun> taken = running;
    if (taken == null) {
      return;  // the actor failed: failLocked emptied it
    }
    int kept = 0;
    for (int i = 0, n = taken.size(); i < n; i++) {
      ActorCallRun call = taken.get(i);
      if (call.mailbox != box || call.runner != drainer) {
        taken.set(kept++, call);
      }
    }
    while (taken.size() > kept) {
      taken.removeLast();
    }
  }

  /**
   * Takes back into {@code box} the calls that its drainer took but has not started, behind the
   * first of its batch, whose priority is below {@code priority}: a call submitted with a higher
   * priority goes ahead of them, as it would have had they stayed queued.
   */
  private void takeBackLowerLocked(ActorMailbox box, int priority) {
    if (running == null || box.limit != 1 || runtime.schedule != null) {
      return;  // no batches: every taken call is about to start
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      ActorCallRun last = running.get(i);
      if (last.mailbox == box) {
        if (last.priority >= priority) {
          return;  // the commonest case: the batch's last call goes first anyway
        }
        break;
      }
    }
    boolean head = true;
    for (int i = 0; i < running.size(); i++) {
      ActorCallRun call = running.get(i);
      if (call.mailbox != box) {
        continue;
      }
      if (head) {
        head = false;  // the first of the batch: taken as it would have been without batches
        continue;
      }
      if (call.priority < priority) {
        // The rest of the batch has no higher priority (it was taken in the mailbox's order).
        for (int j = running.size() - 1; j >= i; j--) {
          ActorCallRun back = running.get(j);
          if (back.mailbox == box && back.claim(ActorCallRun.TAKEN, ActorCallRun.QUEUED)) {
            running.remove(j);
            box.addFirst(back);
          }
        }
        return;
      }
    }
  }

  /* ---------------- Creation ---------------- */

  /**
   * Counts {@code priorRestarts} restarts the actor had before this record (on a cluster node that
   * left): its constructor then runs as a restart, and they count against maxRestarts. Before start().
   */
  synchronized void restartedBefore(int priorRestarts) {
    restarts = priorRestarts;
  }

  /** Starts the creation thread, unless the actor was killed first. */
  void start() {
    synchronized (this) {
      if (state == CREATING && creator == null) {
        creator = startThreadLocked(() -> construct(true));
      }
    }
  }

  /**
   * The body of the creation thread: the first time, resolves the constructor's arguments and
   * reserves the resources; then runs the constructor until it succeeds or no restart is left.
   */
  private void construct(boolean first) {
    if (first && !prepare()) {
      return;
    }
    Thread self = Thread.currentThread();
    long since = first ? createdNanos : 0;
    for (;;) {
      ActorCallRun run;
      Allocation release = null;
      synchronized (this) {
        if (state == CREATING) {
          constructing = true;
          run = new ActorCallRun(this, null, registry.nextTaskId(), constructorName, constructor, constructorValues, 0,
              false);
          run.attempt = restarts;
          run.onRestartedActor = restarts > 0;
          run.runner = self;
        } else {
          run = null;  // killed before the constructor could run
          creator = null;
          release = quiescentLocked();
        }
      }
      if (run == null) {
        deliver(null, release);
        return;
      }
      run.run(null);
      Throwable failure = run.thrown;
      if (failure == null && run.value == null) {
        failure = new NullPointerException("the constructor of actor '" + displayName() + "' returned null");
      }
      run.recordConstruction(since != 0 ? since : run.submittedNanos, failure != null);
      since = 0;
      Thread.interrupted();  // an interrupt from kill or close has done its work
      List<ActorCallRun> settled = new ArrayList<>(0);
      boolean again = false;
      synchronized (this) {
        constructing = false;
        if (state == CREATING && (failure != null || restartWhenBuilt)) {
          restartWhenBuilt = false;
          if (canRestartLocked()) {
            restarts++;
            again = true;
            instanceDroppedLocked();  // the failed constructor's cleanups, before it runs again
          } else {
            failLocked(failure != null ? "its constructor threw" : "it was killed with Raylite.kill", failure,
                false, settled);
          }
        }
        if (!again) {
          if (state == CREATING) {
            instance = run.value;
            state = ALIVE;
            startDrainersLocked();
          }
          if (options.maxRestarts() == 0) {
            constructorValues = null;  // never needed again
          }
          creator = null;
          release = quiescentLocked();
        }
      }
      deliver(settled, release);
      if (!again) {
        return;
      }
    }
  }

  /**
   * Resolves the constructor's arguments and waits for the resources; false if the actor died
   * meanwhile. While it waits, the reservation is in {@code reservation}: whoever takes it out
   * under the monitor owns its outcome, this thread or failLocked.
   */
  private boolean prepare() {
    List<ActorCallRun> settled = new ArrayList<>(0);
    Object[] values = null;
    RayliteException argumentFailure = null;
    try {
      values = ActorCallRun.resolve(null, constructorArgs, constructorRefMask);
    } catch (RayliteException e) {
      argumentFailure = e;
    }
    Scheduler.Reservation waiting = null;
    synchronized (this) {
      constructorArgs = null;
      if (argumentFailure != null) {
        failLocked("an argument of its constructor failed", argumentFailure, false, settled);
      } else if (state != DEAD) {
        waiting = scheduler.reserve(request);
        reservation = waiting;
      }
    }
    Allocation granted = null;
    if (waiting != null) {
      try {
        granted = runtime.schedule == null ? waiting.get()
            : DeterministicSchedule.get(runtime.schedule, waiting, "the resources of actor " + idString());
      } catch (InterruptedException e) {
        // Only kill and close interrupt this thread; both take the reservation out first.
      } catch (ExecutionException e) {
        throw new IllegalStateException("reservations never fail", e);
      }
    }
    Allocation release = null;
    boolean alive;
    synchronized (this) {
      if (waiting != null && reservation == waiting) {
        reservation = null;
        allocation = granted != null ? granted : scheduler.withdraw(waiting);
        if (allocation == null) {
          failLocked("it got no resources before runtime '" + runtime.name + "' closed", null, false, settled);
        }
      }
      alive = state != DEAD;
      if (alive) {
        constructorValues = values;
      } else {
        creator = null;
        release = quiescentLocked();
      }
    }
    deliver(settled, release);
    return alive;
  }

  /* ---------------- Failure and death ---------------- */

  /** See {@link io.raylite.Raylite#kill(io.raylite.ActorHandle, boolean)}. */
  void kill(boolean noRestart) {
    end("it was killed with Raylite.kill", !noRestart);
  }

  /** Kills the actor, without restart, because its placement group was removed ({@code because}). */
  void killForRemovedGroup(String because) {
    end("it was killed " + because, false);
  }

  /** Ends a non-detached actor none of whose handles and calls is reachable any more. */
  void endUnreachable() {
    end("no handle to it is reachable any more (lifetime NON_DETACHED)", false);
  }

  void killForClose() {
    end("runtime '" + runtime.name + "' closed", false);
  }

  /** Ends the actor from one of its own calls; see {@link io.raylite.Raylite#exitActor()}. */
  void exitFromInside() {
    end("it called Raylite.exitActor()", false);
    throw new ActorExit("actor '" + displayName() + "' (" + idString() + ") exited");
  }

  private void end(String reason, boolean restartable) {
    List<ActorCallRun> settled = new ArrayList<>();
    Allocation release;
    synchronized (this) {
      failLocked(reason, null, restartable, settled);
      release = quiescentLocked();
    }
    deliver(settled, release);
  }

  private boolean canRestartLocked() {
    return !runtime.isClosed() && (options.maxRestarts() < 0 || restarts < options.maxRestarts());
  }

  /**
   * Fails the actor: rebuilds it when {@code restartable} and a restart is left, else kills it.
   * Calls whose fate is decided here are added to {@code settled}, to be failed outside the monitor.
   */
  private void failLocked(String reason, Throwable cause, boolean restartable, List<ActorCallRun> settled) {
    if (state == DEAD) {
      return;
    }
    if (restartable && canRestartLocked()) {
      if (state == CREATING) {
        restartWhenBuilt = true;
      } else if (state == ALIVE) {
        state = RESTARTING;
        restarts++;
        instance = null;
        abortCallsLocked(new ActorDiedException(displayName(), idString(),
            reason + ", and the call has no retry left (maxTaskRetries " + options.maxTaskRetries() + ")", cause),
            true, settled);
      }
      return;  // RESTARTING: already being rebuilt
    }
    state = DEAD;
    instance = null;
    // Before abortCallsLocked empties the inboxes: see submit.
    death = new ActorDiedException(displayName(), idString(), reason, cause);
    if (reservation != null) {
      // The creation thread still waits for resources: take them back now, not when it wakes.
      allocation = scheduler.withdraw(reservation);
      reservation = null;
    }
    abortCallsLocked(death, false, settled);
    if (creator != null && creator != Thread.currentThread()) {
      creator.interrupt();
    }
    if (dedicated != null) {
      dedicated.stop();  // after the bodies queued so far, which see the actor DEAD
      dedicated = null;
    }
    registry.forget(this);
    died.complete(death);
  }

  /** Completes with the actor's death once it is DEAD; its dependents must run asynchronously. */
  public java.util.concurrent.CompletionStage<ActorDiedException> died() {
    return died.minimalCompletionStage();
  }

  /** Retries or fails every queued and running call; running ones are interrupted and their outcome dropped. */
  private void abortCallsLocked(ActorDiedException died, boolean restart, List<ActorCallRun> settled) {
    requeueOrFailLocked(defaultMailbox, died, restart, settled);
    for (ActorMailbox box : groups.values()) {
      requeueOrFailLocked(box, died, restart, settled);
    }
    ArrayList<ActorCallRun> taken = running;
    running = null;
    if (taken != null) {
      Thread self = Thread.currentThread();
      for (int i = taken.size() - 1; i >= 0; i--) {  // backwards, so addFirst keeps their order
        ActorCallRun call = taken.get(i);
        if (call.claim(ActorCallRun.TAKEN, ActorCallRun.QUEUED)) {
          // In a batch, not started: kept or failed as a queued call is; its drainer skips it.
        } else if (call.claim(ActorCallRun.RUNNING, ActorCallRun.QUEUED)) {
          call.aborted = true;
          if (call.runner != self) {
            call.runner.interrupt();
          }
        } else {
          continue;  // settled: its drainer (or cancel) completes it
        }
        if (restart && retryLocked(call)) {
          call.mailbox.addFirst(call);
        } else {
          failCallLocked(call, died, settled);
        }
      }
    }
  }

  private void requeueOrFailLocked(ActorMailbox box, ActorDiedException died, boolean restart, List<ActorCallRun> settled) {
    List<ActorCallRun> kept = new ArrayList<>(0);
    for (ActorCallRun call : box.takeAll()) {
      if (restart && retryLocked(call)) {
        kept.add(call);
      } else {
        failCallLocked(call, died, settled);
      }
    }
    // Back at the front, in order: calls pushed into the inbox meanwhile were submitted later.
    for (int i = kept.size() - 1; i >= 0; i--) {
      box.addFirst(kept.get(i));
    }
  }

  private boolean retryLocked(ActorCallRun call) {
    if (call.cancelled) {
      return false;  // cancelled calls are not retried, as in Ray
    }
    int max = options.maxTaskRetries();
    if (max >= 0 && call.attempt >= max) {
      return false;
    }
    call.attempt++;
    return true;
  }

  private void failCallLocked(ActorCallRun call, ActorDiedException died, List<ActorCallRun> settled) {
    call.phase(ActorCallRun.SETTLED);
    call.failure = died;
    countDownLocked(call);
    settled.add(call);
  }

  /* ---------------- Pending calls per caller ---------------- */

  /** Who submits from this thread: the task or the actor running here, or the driver. */
  private static Object callerKey() {
    TaskRun task = TaskRun.current();
    if (task != null) {
      return task;
    }
    ActorCallRun call = ActorCallRun.current();
    return call != null ? call.actor : DRIVER;
  }

  private static String describeCaller(Object caller) {
    return switch (caller) {
      case TaskRun task -> "task '" + task.taskName() + "' (" + task.taskId() + ")";
      case ActorRecord actor -> "actor '" + actor.displayName() + "' (" + actor.idString() + ")";
      default -> "the driver";
    };
  }

  /** The call is no longer queued or running: its caller may submit one more. */
  private void countDownLocked(ActorCallRun call) {
    Object caller = call.pendingCaller;
    if (caller != null) {
      call.pendingCaller = null;
      int[] count = pendingByCaller.get(caller);
      if (--count[0] == 0) {
        pendingByCaller.remove(caller);
      }
    }
  }

  /**
   * Acts once no thread runs the actor's code: rebuilds a RESTARTING actor, or returns the resources
   * of a DEAD one for the caller to release outside the monitor.
   */
  private Allocation quiescentLocked() {
    if (activeCalls > 0 || constructing) {
      return null;
    }
    if (state == RESTARTING || state == DEAD) {
      instanceDroppedLocked();
    }
    if (state == RESTARTING) {
      state = CREATING;
      if (dedicated != null) {
        dedicated.stop();  // the rebuilt actor gets a thread of its own
        dedicated = null;
      }
      creator = startThreadLocked(() -> construct(false));
    } else if (state == DEAD) {
      Allocation held = allocation;
      allocation = null;
      return held;
    }
    return null;
  }

  /** Registers a cleanup for the current instance; see the overview. */
  synchronized void onEnd(Runnable cleanup) {
    if (endActions == null) {
      endActions = new ArrayList<>(2);
    }
    endActions.add(cleanup);
  }

  /** Hands the instance's end actions to the next deliver. */
  private void instanceDroppedLocked() {
    if (endActions != null) {
      if (endActionsDue == null) {
        endActionsDue = endActions;
      } else {
        endActionsDue.addAll(endActions);
      }
      endActions = null;
      endActionsPending = true;
    }
  }

  /** Completes the calls failed under the monitor and releases resources, outside it. */
  private void deliver(List<ActorCallRun> settled, Allocation release) {
    if (endActionsPending) {
      List<Runnable> due;
      synchronized (this) {
        due = endActionsDue;
        endActionsDue = null;
        endActionsPending = false;
      }
      if (due != null) {
        EndActions.run(due, this);
      }
    }
    if (settled != null) {
      for (ActorCallRun call : settled) {
        call.completeFromFailure();
      }
    }
    if (release != null) {
      scheduler.release(release);
    }
  }

  /** Notes what each of the actor's threads runs, for the report of threads close leaves behind. */
  synchronized void describeRunning(ShutdownReport report) {
    if (creator != null) {
      report.running(creator, "the constructor of actor '" + displayName() + "' (" + idString() + ")");
    }
    if (running != null) {
      for (ActorCallRun call : running) {
        if (call.phase() != ActorCallRun.RUNNING) {
          continue;  // not started, or done
        }
        report.running(call.runner, "actor call '" + call.name() + "' (" + call.taskId() + ") of actor '"
            + displayName() + "' (" + idString() + ")");
      }
    }
  }

  /* ---------------- State API ---------------- */

  /** A snapshot of the actor for the state API, taken under the monitor. */
  public synchronized io.raylite.ActorInfo describe() {
    io.raylite.ActorState shown = switch (state) {
      case CREATING -> io.raylite.ActorState.PENDING_CREATION;
      case ALIVE -> io.raylite.ActorState.ALIVE;
      case RESTARTING -> io.raylite.ActorState.RESTARTING;
      default -> io.raylite.ActorState.DEAD;
    };
    int pending = defaultMailbox.size();
    if (running != null) {
      for (ActorCallRun call : running) {
        int phase = call.phase();
        pending += phase == ActorCallRun.TAKEN || phase == ActorCallRun.RUNNING ? 1 : 0;
      }
    }
    for (ActorMailbox box : groups.values()) {
      pending += box.size();
    }
    String className = constructorName.endsWith(".new")
        ? constructorName.substring(0, constructorName.length() - 4) : constructorName;
    ActorDiedException died = death;
    return new io.raylite.ActorInfo(idString(), registeredName(), className, shown, restarts, pending,
        request.toMap(runtime.scheduler.ledger().names()),
        allocation == null ? List.of() : allocation.gpuIdList(), died == null ? null : died.getMessage(),
        namespace(), options.lifetime());
  }

  /** The resources the actor holds now, or null. */
  synchronized Allocation allocationNow() {
    return allocation;
  }

  /** Where {@code call}, one of this actor's, stands now; see {@link ActorCallStanding}. */
  synchronized ActorCallStanding standing(ActorCallRun call) {
    io.raylite.ActorState shown = switch (state) {
      case CREATING -> io.raylite.ActorState.PENDING_CREATION;
      case ALIVE -> io.raylite.ActorState.ALIVE;
      case RESTARTING -> io.raylite.ActorState.RESTARTING;
      default -> io.raylite.ActorState.DEAD;
    };
    List<ActorCallRun> groupRunning = new ArrayList<>();
    boolean isRunning = false;
    int takenAhead = -1;  // for a call in a batch: the batch's calls not started ahead of it
    int takenInGroup = 0;  // taken, not started: they stand ahead of every queued call of the group
    if (running != null) {
      for (ActorCallRun r : running) {
        if (r.mailbox != call.mailbox) {
          continue;
        }
        int phase = r.phase();
        if (phase == ActorCallRun.RUNNING) {
          isRunning |= r == call;
          groupRunning.add(r);
        } else if (phase == ActorCallRun.TAKEN) {
          if (r == call) {
            takenAhead = takenInGroup;
          }
          takenInGroup++;
        }
      }
    }
    int ahead = takenAhead;
    if (ahead < 0 && call.mailbox != null) {
      int queuedAhead = call.mailbox.indexOf(call);
      ahead = queuedAhead < 0 ? -1 : takenInGroup + queuedAhead;
    }
    return new ActorCallStanding("actor '" + displayName() + "' (" + idString() + ")", shown,
        ahead, isRunning,
        call.mailbox == null ? 1 : call.mailbox.limit, groupRunning, restarts);
  }

  @Override
  public String toString() {
    return "Actor(" + displayName() + ", " + idString() + ")";
  }

  /** Unwinds the call that ended its actor with exitActor. No stack trace: it is control flow. */
  static final class ActorExit extends Error {
    ActorExit(String message) {
      super(message, null, false, false);
    }
  }
}
