package io.raylite.internal.resource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/*
 * Implementation overview
 *
 * The scheduler decides when a task whose arguments are ready may take its resources. It owns the
 * ResourceLedger and one FIFO queue per resource shape, all guarded by one lock that is held only
 * for arithmetic and queue operations, never while running user code or starting threads.
 *
 * Shapes: tasks that ask for the same resources (say {CPU:1}, or {CPU:1, GPU:0.5}) wait in the same
 * queue, the scheduler's private ShapeQueue, keyed by the shape's canonical ResourceShape (whose
 * hash is cached and which is found by identity, so the lookup at each submission is one probe).
 * When resources come back, every shape's queue is offered them in turn, and each queue
 * dispatches as many of its head tasks as now fit. A head that does not fit stops only its own
 * queue, so a queue of GPU tasks never holds back CPU tasks: there is no head-of-line blocking
 * across shapes, and within a shape tasks start in submission order.
 *
 * Claims: a queued task may be taken out of turn by a task that blocks on its result and can run it
 * inline with its own resources (see Blocking). That claim is a CAS on the task's state; the queue
 * still holds the task and skips it when it reaches the head (lazy removal). Cancellation works the
 * same way.
 *
 * Lending: a running task that blocks in get or wait lends its CPUs back (lendCpu) and reclaims them
 * before it continues (reclaimCpu). Reclaimers are served before any queued task, so a task that
 * was already running finishes before new work starts; capacity is never exceeded.
 *
 * Dispatch: tasks that won resources are collected under the lock and handed to the dispatcher
 * (Workers) after it is released. The scheduler sees tasks only as Schedulable.
 *
 * Priorities: a task with a priority other than the default (0) takes the locked path of submit
 * and, when it must wait, the PriorityLane instead of its shape's queue. A drain offers freed
 * resources to the lane's positive priorities first, then to the shape queues, then to its
 * negative priorities, each in priority order and skipping what does not fit. Priority is strict:
 * lower-priority tasks wait as long as higher-priority ones that fit keep coming (no aging).
 * Default-priority tasks pay one predicate at submit and one isEmpty check per drain.
 *
 * Reservations: an actor takes its resources for its lifetime through reserve(). A reservation that
 * does not fit waits in its own list and is served, first fit, when resources come back, after
 * reclaimers and before queued tasks. Like reclaim futures, reservations are completed under the
 * lock: their only waiter is the actor's creation thread, blocked in get, never a callback.
 *
 * Gang reservations: a placement group takes all of its bundles or none (reserveAll). One that does
 * not fit waits in its own list, served after actor reservations, in arrival order but first fit.
 * A grant is recorded in the reservation under the lock (withdraw reads it there) and its future is
 * completed on a virtual thread, since its waiters are callbacks that must not run under the lock.
 * A bundle is then a Scheduler of its own over a ResourceLedger of the bundle's capacity, which
 * fill() stocks once the bundle is granted here; tasks and actors placed in the bundle queue and
 * are charged there, and never touch this scheduler.
 *
 * Fast path: a task whose mayTakeFastPath() holds (a CPU-only shape and nothing that orders it
 * but its submission) is submitted, and its CPU given back, without the lock.
 *   [1] Free CPU lives in one atomic word of the ledger, cpuWord = freeUnits << 1 | GATE, which
 *       both paths change by CAS or getAndAdd; every other resource stays in the ledger's arrays
 *       under the lock. A take is a CAS that never lets freeUnits go below zero, so allocations
 *       never exceed capacity, whichever path takes.
 *   [2] Each CPU-only shape has a lock-free FIFO, its CpuFifo (chunks of slots each written and
 *       taken once, so no node per task; see its overview), found from the canonical shape.
 *       A submit with the FIFO empty and the gate open takes its CPU by CAS and dispatches the
 *       task; otherwise it marks the task QUEUED, offers it, and drains (below). A release of a
 *       CPU-only allocation, and a lend, is one getAndAdd, then a drain.
 *   [3] The GATE bit is set exactly while something waits under the lock (a task of a lock-path
 *       shape, a reclaimer, a reservation) or the scheduler is closed. Only a lock holder sets or
 *       clears it. A lock holder about to make something wait sets the gate BEFORE its last
 *       attempt to take what it needs, and clears it (openGateIfIdleLocked) only once nothing
 *       waits, after draining the FIFOs itself. Lock-free takes require the gate open.
 *   [4] A drain (drainFifos) takes, for each FIFO while it is non-empty, the shape's CPU by CAS,
 *       then polls; a polled task that is no longer QUEUED (claimed inline, cancelled) is
 *       skipped; if the poll finds nothing (another drain took the task), the CPU is given back
 *       and the FIFO looked at again. When it ends it reads the gate; if set, it takes the lock
 *       and runs drainLocked, which serves reclaimers, reservations and lock-path queues first
 *       and then the FIFOs, ignoring the gate (it holds the lock and has served those first).
 * Why no wake-up is lost: a queued task can stay queued with enough CPU free only if no drain
 * that comes after both its offer and the give-back of that CPU looked at its FIFO. But every
 * offer and every give-back is followed by a drain of the same thread, and a drain stops looking
 * at a FIFO only when (a) the FIFO was empty, so the offer came later and its own drain follows,
 * (b) too little CPU was free at its CAS, so the give-back came later and its own drain follows,
 * or (c) the gate was set, and then it drains under the lock, as does every later give-back and
 * offer, until a lock holder clears the gate after draining the FIFOs with the lock held; a give
 * or offer racing with that clear either came before the lock holder's drain (which saw it) or
 * reads the gate after the clear and drains lock-free.
 * Why capacity holds and reclaimers come first: [1] bounds every take; a reclaimer that cannot
 * take lock-free waits under the lock, so the gate is set, so no lock-free take succeeds (every
 * CAS expects the gate clear) and drainLocked serves reclaimers before anything queued.
 * Placement groups, priorities and deterministic runs: a gang reservation or a task in the
 * priority lane waits under the lock, so it sets the gate as [3] says; a task with a priority, and
 * every task of a deterministic run, answers false to mayTakeFastPath and takes the lock path. A
 * bundle's Scheduler has a CPU word of its own, zero until fill() gives it the bundle's CPUs.
 * Order: FIFO within a shape holds for tasks submitted from outside the pool, as a submit finding
 * its FIFO non-empty queues behind it. A task dispatched by a pool worker goes onto that worker's
 * own ForkJoinPool queue (Workers uses execute, which pushes there, as fork() does), so tasks
 * forked inside a worker follow the pool's order. Fairness across shapes is as on the lock path:
 * a head that does not fit stops only its own FIFO.
 */
public final class Scheduler<T extends Schedulable<T>> {
  private final ReentrantLock lock = new ReentrantLock();
  private final ResourceLedger ledger;
  private final Consumer<T> dispatcher;
  /** Where a gang reservation granted in a drain is completed, off the lock: a virtual thread each. */
  private final java.util.concurrent.Executor groupCompletions;
  /** The queues that have waiting tasks, in the order they started waiting. Guarded by lock. */
  private final ArrayList<ShapeQueue<T>> waitingShapes = new ArrayList<>();
  /** One queue per shape, keyed by its canonical request. Guarded by lock. */
  private final Map<ResourceShape, ShapeQueue<T>> queues = new HashMap<>();
  /** Blocked tasks waiting to take their CPUs back, in arrival order. Guarded by lock. */
  private final ArrayDeque<Reclaim> reclaims = new ArrayDeque<>();
  /** Set once by close, under lock; afterwards nothing is queued. Read lock-free by the fast path. */
  private volatile boolean closed;
  /** The FIFOs of the CPU-only shapes, in the order the shapes were first seen; copy-on-write under lock. */
  private volatile CpuFifo<T>[] fifos = newFifos(0);

  /** Queued tasks with a priority other than the default, of every shape. Guarded by lock. */
  private final PriorityLane<T> prioritized = new PriorityLane<>();

  /** Actors waiting for the resources they hold for their lifetime, in arrival order. Guarded by lock. */
  private final ArrayDeque<Reservation> reservations = new ArrayDeque<>();

  /** Placement groups waiting for all of their bundles, in arrival order. Guarded by lock. */
  private final ArrayDeque<GroupReservation> groupReservations = new ArrayDeque<>();

  private record Reclaim(Allocation allocation, CompletableFuture<Void> granted) {}

  /** The tasks of one shape waiting for resources, in submission order. Guarded by lock. */
  private static final class ShapeQueue<T> extends ArrayDeque<T> {
    /** The canonical request of the shape. */
    final ResourceShape shape;

    ShapeQueue(ResourceShape shape) {
      super(0);
      this.shape = shape;
    }
  }

  /** An actor's claim on resources: completes with its allocation, or with null if the scheduler closed. */
  public static final class Reservation extends CompletableFuture<Allocation> {
    final ResourceShape request;

    Reservation(ResourceShape request) {
      this.request = request;
    }
  }

  /**
   * A placement group's claim on all of its bundles: completes, off the lock, with one allocation
   * per bundle, or with null if the scheduler closed first.
   */
  public static final class GroupReservation extends CompletableFuture<Allocation[]> {
    final ResourceShape[] bundles;
    /** The allocations once granted, before the future completes. Guarded by the scheduler's lock. */
    private Allocation[] granted;

    GroupReservation(ResourceShape[] bundles) {
      this.bundles = bundles;
    }
  }

  public Scheduler(ResourceLedger ledger, Consumer<T> dispatcher) {
    this(ledger, dispatcher, Thread::startVirtualThread);
  }

  /**
   * As above, completing granted gang reservations through {@code groupCompletions} instead of a
   * virtual thread each; for a model checker that must see every thread (its reservations have no
   * callbacks, so completing them under the lock is safe there).
   */
  Scheduler(ResourceLedger ledger, Consumer<T> dispatcher, java.util.concurrent.Executor groupCompletions) {
    this.ledger = ledger;
    this.dispatcher = dispatcher;
    this.groupCompletions = groupCompletions;
  }

  public ResourceLedger ledger() {
    return ledger;
  }

  /**
   * The canonical shape of {@code amounts}, the one whose queue all tasks of the shape share.
   *
   * @param who names the task or actor in the error
   * @throws io.raylite.InfeasibleResourceException if the runtime can never satisfy it
   */
  public ResourceShape shapeOf(Map<String, Double> amounts, String who) {
    ResourceShape request = ledger.toRequest(amounts, who);
    lock.lock();
    try {
      ResourceShape shape = queues.computeIfAbsent(request, ShapeQueue::new).shape;
      if (shape.isCpuOnly() && shape.fifo == null) {
        CpuFifo<T> fifo = new CpuFifo<>(shape);
        CpuFifo<T>[] grown = java.util.Arrays.copyOf(fifos, fifos.length + 1);
        grown[fifos.length] = fifo;
        fifos = grown;
        shape.fifo = fifo;
      }
      return shape;
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> CpuFifo<T>[] newFifos(int n) {
    return (CpuFifo<T>[]) new CpuFifo<?>[n];
  }

  /**
   * Starts a task whose arguments are ready: dispatches it at once if its resources are free and
   * nothing of its shape is waiting ahead of it, else queues it.
   *
   * @return false if the scheduler is closed (the caller cancels the task)
   */
  public boolean submit(T task) {
    CpuFifo<T> fifo = fastQueueOf(task);
    if (fifo != null) {
      return submitFast(task, fifo);
    }
    if (task.priority() != 0) {
      return submitPrioritized(task);
    }
    Allocation allocation;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      ResourceShape shape = task.shape();
      ShapeQueue<T> queue = queues.get(shape);
      boolean mayStart = queue.isEmpty() && reclaims.isEmpty() && (shape.fifo == null || shape.fifo.isEmpty());
      allocation = mayStart ? ledger.tryAcquire(shape) : null;
      if (allocation == null && mayStart) {
        ledger.closeGate();  // [3] before the last attempt: CPU given back from now on comes here
        allocation = ledger.tryAcquire(shape);
        if (allocation != null) {
          openGateIfIdleLocked();
        }
      }
      if (allocation == null) {
        ledger.closeGate();
        if (queue.isEmpty()) {
          waitingShapes.add(queue);
        }
        task.markQueued();
        queue.addLast(task);
        return true;
      }
    } finally {
      lock.unlock();
    }
    start(task, allocation);
    return true;
  }

  /**
   * {@link #submit} for a task with a priority: it starts at once only if it fits and no queued task
   * would start before it (one of its shape with at least its priority, or, for a negative
   * priority, a default-priority one of its shape); else it waits in the priority lane.
   */
  private boolean submitPrioritized(T task) {
    int priority = task.priority();
    Allocation allocation;
    T ready;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      ResourceShape shape = task.shape();
      boolean behind = !reclaims.isEmpty() || prioritized.holdsBack(shape, priority)
          || (priority < 0 && (!queues.get(shape).isEmpty() || (shape.fifo != null && !shape.fifo.isEmpty())));
      ledger.closeGate();  // [3] before the last attempt: CPU given back from now on comes here
      allocation = behind ? null : ledger.tryAcquire(shape);
      if (allocation == null) {
        task.markQueued();
        prioritized.add(task, priority);
        // What it waits behind may be a lock-free FIFO's stale entries, or CPU given back before the
        // gate was set: one drain under the lock settles it in priority order.
        ready = drainLocked();
      } else {
        openGateIfIdleLocked();
        ready = null;
      }
    } finally {
      lock.unlock();
    }
    if (allocation == null) {
      dispatchAll(ready);
      return true;
    }
    start(task, allocation);
    return true;
  }

  /** Hands a task that got its allocation outside the lock to a worker, unless it was cancelled meanwhile. */
  private void start(T task, Allocation allocation) {
    if (task.markDispatched(allocation)) {
      dispatcher.accept(task);
    } else {
      release(allocation);
    }
  }

  /** The lock-free FIFO of the task's shape if it may take the fast path, else null. */
  @SuppressWarnings("unchecked")
  private CpuFifo<T> fastQueueOf(T task) {
    return task.mayTakeFastPath() ? (CpuFifo<T>) task.shape().fifo : null;
  }

  /** Submit without the lock ([2] in the overview). */
  private boolean submitFast(T task, CpuFifo<T> fifo) {
    if (closed) {
      return false;
    }
    if (fifo.isEmpty() && ledger.tryTakeCpu(fifo.cpu, false)) {
      start(task, new Allocation(fifo.shape, Allocation.NO_GPUS, 0));
      return true;
    }
    task.markQueued();
    fifo.offer(task);
    dispatchAll(drainFifos());
    // close() may have emptied the FIFOs just before this task joined: its caller cancels it.
    return !(closed && task.isQueued());
  }

  /** Returns a finished task's resources and starts whatever now fits. */
  public void release(Allocation allocation) {
    dispatchAll(releaseAndDrain(allocation));
  }

  /** Returns {@code allocation} to the ledger and collects the tasks that now fit. */
  private T releaseAndDrain(Allocation allocation) {
    if (allocation.request.isCpuOnly()) {
      if (allocation.cpuLent || allocation.request.cpu() == 0) {
        return null;  // nothing comes back: its CPU was lent already, or it had none
      }
      ledger.giveCpu(allocation.request.cpu());
      return drainFifos();
    }
    lock.lock();
    try {
      ledger.release(allocation);
      return drainLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * As {@link #release}, but keeps one of the tasks that now start, of the given thread kind, for
   * the calling thread to run next instead of dispatching it.
   */
  public T releaseAndTakeNext(Allocation allocation, boolean virtual) {
    T mine = null;
    for (T task = releaseAndDrain(allocation); task != null; ) {
      T next = task.nextReady();
      task.nextReady(null);
      if (mine == null && task.onVirtualThread() == virtual) {
        mine = task;
      } else {
        dispatcher.accept(task);
      }
      task = next;
    }
    return mine;
  }

  /** Lends a blocked task's CPUs to others until {@link #reclaimCpu}. */
  public void lendCpu(Allocation allocation) {
    allocation.cpuLent = true;
    ledger.lendCpu(allocation);
    dispatchAll(drainFifos());  // under the lock if something waits there ([4])
  }

  /**
   * Takes lent CPUs back, or returns a future that completes when they are granted (the caller
   * blocks on it). Reclaimers are served before queued tasks.
   */
  public CompletableFuture<Void> reclaimCpu(Allocation allocation) {
    if (ledger.tryReclaimCpu(allocation, false)) {
      allocation.cpuLent = false;  // the gate was open: no reclaimer waits ahead of this one
      return null;
    }
    lock.lock();
    try {
      if (closed) {
        return null;  // as close() grants every waiting reclaim; stays lent, so release gives nothing back
      }
      if (reclaims.isEmpty()) {
        ledger.closeGate();  // [3]
        if (ledger.tryReclaimCpu(allocation, true)) {
          allocation.cpuLent = false;
          openGateIfIdleLocked();
          return null;
        }
      }
      Reclaim r = new Reclaim(allocation, new CompletableFuture<>());
      reclaims.addLast(r);
      return r.granted;
    } finally {
      lock.unlock();
    }
  }

  /** Withdraws a reclaim that its waiter gave up on; the CPUs stay lent until release. */
  void abandonReclaim(Allocation allocation) {
    lock.lock();
    try {
      reclaims.removeIf(r -> r.allocation == allocation);
      openGateIfIdleLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Takes {@code request} for an actor's lifetime: at once if it fits, else when it comes free. */
  public Reservation reserve(ResourceShape request) {
    Reservation reservation = new Reservation(request);
    lock.lock();
    try {
      Allocation allocation = closed || !reclaims.isEmpty() ? null : ledger.tryAcquire(request);
      if (allocation == null && !closed && reclaims.isEmpty()) {
        ledger.closeGate();  // [3]
        allocation = ledger.tryAcquire(request);
        if (allocation != null) {
          openGateIfIdleLocked();
        }
      }
      if (closed) {
        reservation.complete(null);
      } else if (allocation != null) {
        reservation.complete(allocation);
      } else {
        ledger.closeGate();
        reservations.addLast(reservation);
      }
    } finally {
      lock.unlock();
    }
    return reservation;
  }

  /**
   * Gives up a reservation whose waiter stops waiting.
   *
   * @return the allocation if it was granted meanwhile, for the caller to release; else null
   */
  public Allocation withdraw(Reservation reservation) {
    lock.lock();
    try {
      if (reservations.remove(reservation)) {
        openGateIfIdleLocked();
        return null;
      }
    } finally {
      lock.unlock();
    }
    return reservation.getNow(null);
  }

  /** Takes all of {@code bundles} or none: at once if they fit together, else when they come free. */
  public GroupReservation reserveAll(ResourceShape[] bundles) {
    GroupReservation reservation = new GroupReservation(bundles);
    lock.lock();
    try {
      if (!closed) {
        ledger.closeGate();  // [3]: tryAcquireAll may take CPU and give it back
      }
      Allocation[] taken = closed || !reclaims.isEmpty() ? null : ledger.tryAcquireAll(bundles);
      if (taken != null) {
        openGateIfIdleLocked();
      }
      if (closed) {
        reservation.complete(null);
      } else if (taken != null) {
        reservation.granted = taken;
        reservation.complete(taken);  // nobody can have registered a callback yet
      } else {
        groupReservations.addLast(reservation);
      }
    } finally {
      lock.unlock();
    }
    return reservation;
  }

  /**
   * Gives up a gang reservation.
   *
   * @return the allocations if they were granted meanwhile, for the caller to release; else null
   */
  public Allocation[] withdraw(GroupReservation reservation) {
    lock.lock();
    try {
      groupReservations.remove(reservation);
      openGateIfIdleLocked();
      Allocation[] taken = reservation.granted;
      reservation.granted = null;
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stocks a bundle's ledger with what the bundle was granted in its group's scheduler, and starts
   * whatever of its own queue now fits.
   */
  public void fill(Allocation reserved) {
    T ready;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      ledger.fill(reserved);
      ready = drainLocked();
    } finally {
      lock.unlock();
    }
    dispatchAll(ready);
  }

  /** Whether a task of {@code shape} would start now: it fits and none of its shape waits. */
  public boolean hasRoomFor(ResourceShape shape) {
    lock.lock();
    try {
      ShapeQueue<T> queue = queues.get(shape);
      return (queue == null || queue.isEmpty()) && (shape.fifo == null || shape.fifo.isEmpty())
          && reclaims.isEmpty() && ledger.fits(shape);
    } finally {
      lock.unlock();
    }
  }

  /** Whether allocations never exceed capacity; for tests. */
  public boolean withinCapacity() {
    lock.lock();
    try {
      return ledger.withinCapacity();
    } finally {
      lock.unlock();
    }
  }

  /** Each GPU device's share in use now, for the state API. */
  public double[] gpuUse() {
    lock.lock();
    try {
      return ledger.gpuUse();
    } finally {
      lock.unlock();
    }
  }

  public java.util.Map<String, Double> available() {
    lock.lock();
    try {
      return ledger.availableMap();
    } finally {
      lock.unlock();
    }
  }

  /** Where {@code task} stands in its shape's queue now, for diagnosis; see {@link QueueStanding}. */
  public QueueStanding standing(T task) {
    lock.lock();
    try {
      ShapeQueue<T> queue = queues.get(task.shape());
      int ahead = 0;
      boolean found = false;
      if (queue != null) {
        for (T queued : queue) {
          if (queued == task) {
            found = true;
            break;
          }
          if (queued.isQueued()) {
            ahead++;
          }
        }
      }
      CpuFifo<?> fifo = task.shape().fifo;
      if (!found && fifo != null) {
        ahead = 0;
        for (Object queued : fifo) {  // weakly consistent: a snapshot as good as any for diagnosis
          if (queued == task) {
            found = true;
            break;
          }
          if (((Schedulable<?>) queued).isQueued()) {
            ahead++;
          }
        }
      }
      if (!found) {
        ahead = prioritized.ahead(task);
        found = ahead >= 0;
        ahead = Math.max(ahead, 0);
      }
      double[] use = ledger.gpuUse();
      for (int d = 0; d < use.length; d++) {
        use[d] = 1.0 - use[d];
      }
      return new QueueStanding(found, found ? ahead : 0, ledger.availableMap(), use, reclaims.size());
    } finally {
      lock.unlock();
    }
  }

  /** Closes the scheduler and returns every task still queued, for the caller to cancel. */
  public List<T> close() {
    List<T> queued = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      ledger.closeGate();  // for good: a late fast-path submit drains under the lock and sees closed
      for (CpuFifo<T> fifo : fifos) {
        for (T task; (task = fifo.poll()) != null; ) {
          if (task.isQueued()) {
            queued.add(task);
          }
        }
      }
      for (ShapeQueue<T> queue : waitingShapes) {
        queued.addAll(queue);
        queue.clear();
      }
      waitingShapes.clear();
      queued.addAll(prioritized.takeAll());
      for (Reclaim r : reclaims) {
        r.granted.complete(null);
      }
      reclaims.clear();
      for (Reservation r : reservations) {
        r.complete(null);
      }
      reservations.clear();
      for (GroupReservation r : groupReservations) {
        r.complete(null);
      }
      groupReservations.clear();
    } finally {
      lock.unlock();
    }
    return queued;
  }

  /* ---------------- Dispatch ---------------- */

  /**
   * Gives freed resources to reclaimers, then reservations, then queued tasks, and returns the
   * tasks that now start as a list linked through {@code nextReady} (no allocation per drain), for
   * the caller to dispatch after the lock is released.
   */
  private T drainLocked() {
    while (!reclaims.isEmpty()) {
      Reclaim head = reclaims.peekFirst();
      if (!ledger.tryReclaimCpu(head.allocation, true)) {
        return null;  // a reclaimer waits: nothing new starts before it (the gate stays set)
      }
      head.allocation.cpuLent = false;
      reclaims.pollFirst();
      head.granted.complete(null);
    }
    if (!reservations.isEmpty()) {
      Iterator<Reservation> waiting = reservations.iterator();
      while (waiting.hasNext()) {
        Reservation r = waiting.next();
        Allocation allocation = ledger.tryAcquire(r.request);
        if (allocation != null) {
          waiting.remove();
          r.complete(allocation);
        }
      }
    }
    if (!groupReservations.isEmpty()) {
      Iterator<GroupReservation> waiting = groupReservations.iterator();
      while (waiting.hasNext()) {
        GroupReservation r = waiting.next();
        Allocation[] taken = ledger.tryAcquireAll(r.bundles);
        if (taken != null) {
          waiting.remove();
          r.granted = taken;
          groupCompletions.execute(() -> r.complete(taken));
        }
      }
    }
    boolean lane = !prioritized.isEmpty();
    Chain<T> ready = new Chain<>();
    if (lane) {
      ArrayList<T> started = new ArrayList<>();
      prioritized.drain(ledger, true, started);  // positive priorities before the shape queues
      for (T t : started) {
        ready.add(t);
      }
    }
    for (int i = 0; i < waitingShapes.size(); ) {
      ShapeQueue<T> queue = waitingShapes.get(i);
      T head;
      while ((head = queue.peekFirst()) != null) {
        if (!head.isQueued()) {
          queue.pollFirst();  // claimed inline or cancelled since it was queued
          continue;
        }
        Allocation allocation = ledger.tryAcquire(queue.shape);
        if (allocation == null) {
          break;  // only this shape waits
        }
        queue.pollFirst();
        if (head.markDispatched(allocation)) {
          ready.add(head);
        } else {
          ledger.release(allocation);
        }
      }
      if (queue.isEmpty()) {
        waitingShapes.remove(i);
      } else {
        i++;
      }
    }
    if (!closed) {
      drainFifosInto(ready);
    }
    if (lane) {
      ArrayList<T> started = new ArrayList<>();
      prioritized.drain(ledger, false, started);  // negative priorities after them
      for (T t : started) {
        ready.add(t);
      }
      // A lane task that was cancelled as it started gave its CPUs back after the FIFOs were seen.
      if (!closed) {
        drainFifosInto(ready);
      }
    }
    openGateIfIdleLocked();
    return ready.first;
  }

  /** Clears the gate if nothing waits under the lock any more ([3]); with the lock held. */
  private void openGateIfIdleLocked() {
    if (!closed && reclaims.isEmpty() && reservations.isEmpty() && waitingShapes.isEmpty()
        && prioritized.isEmpty() && groupReservations.isEmpty() && ledger.gated()) {
      ledger.openGate();
    }
  }

  /* ---------------- Fast path ---------------- */

  /**
   * Starts the queued tasks of every CPU-only FIFO that free CPU allows, lock-free while the gate
   * is open, and under the lock (drainLocked) if it is set when the FIFOs are done ([4]).
   *
   * @return the started tasks, linked as drainLocked links them
   */
  private T drainFifos() {
    T first = null;
    T last = null;
    for (CpuFifo<T> fifo : fifos) {
      T started = drainFifo(fifo, false);
      if (started != null) {
        if (first == null) {
          first = started;
        } else {
          last.nextReady(started);
        }
        last = tail(started);
      }
    }
    if (ledger.gated()) {
      T locked;
      lock.lock();
      try {
        locked = drainLocked();
      } finally {
        lock.unlock();
      }
      if (first == null) {
        first = locked;
      } else {
        last.nextReady(locked);
      }
    }
    return first;
  }

  /**
   * Takes CPU for, and marks dispatched, as many queued tasks of {@code fifo} as fit, in order;
   * {@code locked}: the caller holds the lock and takes regardless of the gate.
   */
  private T drainFifo(CpuFifo<T> fifo, boolean locked) {
    T first = null;
    T last = null;
    Allocation spare = null;
    while (!fifo.isEmpty() && ledger.tryTakeCpu(fifo.cpu, locked)) {
      T started = null;
      for (T task; (task = fifo.poll()) != null; ) {
        if (!task.isQueued()) {
          continue;  // claimed inline or cancelled since it was queued
        }
        if (spare == null) {
          spare = new Allocation(fifo.shape, Allocation.NO_GPUS, 0);
        }
        if (task.markDispatched(spare)) {
          spare = null;
          started = task;
          break;
        }
      }
      if (started == null) {
        // Another drain took what this CPU was taken for: give it back and look again.
        ledger.giveCpu(fifo.cpu);
        continue;
      }
      if (first == null) {
        first = started;
      } else {
        last.nextReady(started);
      }
      last = started;
    }
    return first;
  }

  /** Appends what every CPU FIFO can start now, each FIFO's chain as drainFifo links it. */
  private void drainFifosInto(Chain<T> ready) {
    for (CpuFifo<T> fifo : fifos) {
      T started = drainFifo(fifo, true);
      if (started != null) {
        ready.addChain(started, tail(started));
      }
    }
  }

  /** The tasks one drain dispatched, linked through nextReady in the order they were taken. */
  private static final class Chain<T extends Schedulable<T>> {
    T first;
    T last;

    /** Appends one task. */
    void add(T task) {
      addChain(task, task);
    }

    /** Appends a chain already linked from {@code head} to {@code tail}. */
    void addChain(T head, T tail) {
      if (first == null) {
        first = head;
      } else {
        last.nextReady(head);
      }
      last = tail;
    }
  }

  private T tail(T chain) {
    T t = chain;
    for (T next; (next = t.nextReady()) != null; ) {
      t = next;
    }
    return t;
  }

  private void dispatchAll(T ready) {
    while (ready != null) {
      T next = ready.nextReady();
      ready.nextReady(null);
      dispatcher.accept(ready);
      ready = next;
    }
  }
}
