package io.raylite.internal.task;

import io.raylite.ScheduleDeadlockException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Implementation overview
 *
 * The order in which a runtime built with Raylite.Builder.deterministic(seed) runs its work.
 *
 * Participants and the baton
 * --------------------------
 * Every task and every actor thread (a constructor run, a mailbox drainer) runs on a virtual thread
 * of its own, a participant, made by newThread and numbered in creation order. At most one
 * participant runs at a time: the one in `running`, which holds the baton. A participant gives the
 * baton back when it ends (finish), when it waits for a future that is not done (await: a get, a
 * wait, a CPU reclaim, an actor's resource reservation, RuntimeContext.await) and between two calls
 * of an actor's mailbox (yieldTurn). A mailbox drainer also draws which caller's call it takes
 * next (drawIndex, from ActorMailbox.pollDrawn), keeping each caller's calls in order.
 *
 * Participant states, each in exactly one place, all guarded by `lock`:
 *   ready     in `ready`: a new thread not yet started, a waiter whose future completed, or a
 *             participant that yielded; it may be drawn
 *   waiting   in `waiting`: its future is not done
 *   running   in `running`
 *   ended     in none
 *
 * The driver
 * ----------
 * Threads that are not participants (the test's main thread: Ray's driver) draw. A driver that waits
 * for a future that is not done (driverAwait) repeats: wait until the baton is back; stop if its
 * future is done; else draw a ready participant with the seeded random generator, keyed by the
 * participants' numbers (a TreeMap, never identity hashes, thread ids or time), and hand it the
 * baton. Submitting runs nothing by itself: work runs only while a driver waits (or after close).
 * Since every draw happens on a fixed set of ready participants at a point fixed by the program,
 * the same seed gives the same draws, and so the same interleaving, results and timeline.
 *
 * When nothing is ready and the driver's future is not done, the run can only progress through a
 * timeout: the waiting participant with the lowest number that has one times out (it is made ready
 * with `timedOut`); if none has one, the driver's own get times out if it has a timeout, and
 * otherwise the driver fails with ScheduleDeadlockException naming every waiter. Timeouts thus
 * never read the wall clock.
 *
 * Not controlled: threads the user starts (a second driver draws too, in whatever order the JDK
 * runs the two), futures completed by such threads or by timers, real time and I/O.
 *
 * Close
 * -----
 * close sets `closed` and wakes every participant: from then on nothing holds a baton, threads run
 * as in the default mode, and the runtime's close interrupts and joins them as usual.
 *
 * The logical clock (now) replaces System.nanoTime for the timeline: each reading advances it by
 * one microsecond, so timestamps are reading counts and equal from run to run.
 */
public final class DeterministicSchedule {
  private static final ThreadLocal<Participant> CURRENT = new ThreadLocal<>();
  /** Timeline rows of participants start here, above pool workers' and actors' rows. */
  private static final int ROWS = 100_000;

  private final String prefix;
  private final long seed;
  private final SplittableRandom random;
  private final AtomicLong clock = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the baton comes back or a participant becomes ready. */
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final TreeMap<Long, Participant> ready = new TreeMap<>();
  private final TreeMap<Long, Participant> waiting = new TreeMap<>();
  private Participant running;
  private long participants;
  private long draws;
  private boolean closed;

  /** One thread under the schedule. Its fields other than {@code id} are guarded by lock. */
  private final class Participant {
    final long id;
    final Condition turn = lock.newCondition();
    /** What it waits for, for a deadlock report. */
    String waitsFor;
    /** Whether its current wait has a timeout, and whether that timeout was taken. */
    boolean timed;
    boolean timedOut;
    /** Whether it was interrupted while waiting: it throws once it has the baton back. */
    boolean interrupted;
    /** Counts waits, so that a late completion of an earlier wait's future wakes nothing. */
    long waitSeq;

    Participant(long id) {
      this.id = id;
    }

    DeterministicSchedule schedule() {
      return DeterministicSchedule.this;
    }
  }

  public DeterministicSchedule(String prefix, long seed) {
    this.prefix = prefix;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** The schedule the calling thread runs under as a participant, or null. */
  public static DeterministicSchedule ofCurrentThread() {
    Participant p = CURRENT.get();
    return p == null ? null : p.schedule();
  }

  public long seed() {
    return seed;
  }

  /** The logical time, in nanoseconds: one microsecond more at each reading. */
  public long now() {
    return clock.addAndGet(1_000);
  }

  /**
   * A virtual thread that runs {@code body} when drawn; it is ready from now on, so the caller
   * must start it.
   */
  public Thread newThread(Runnable body) {
    Participant p;
    lock.lock();
    try {
      p = new Participant(++participants);
      ready.put(p.id, p);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return Thread.ofVirtual().name(prefix + "-d" + p.id).unstarted(() -> {
      CURRENT.set(p);
      try {
        awaitTurn(p);
        body.run();
      } finally {
        finish(p);
      }
    });
  }

  /** The timeline row of {@code thread} if it is the calling participant, else -1. */
  int row(Thread thread) {
    Participant p = mine(thread);
    return p == null ? -1 : ROWS + (int) p.id;
  }

  /** The worker label of {@code thread} if it is the calling participant, else null. */
  String label(Thread thread) {
    Participant p = mine(thread);
    return p == null ? null : "d" + p.id;
  }

  private Participant mine(Thread thread) {
    Participant p = thread == Thread.currentThread() ? CURRENT.get() : null;
    return p != null && p.schedule() == this ? p : null;
  }

  /** Between two calls of an actor's mailbox: lets the schedule draw who runs next. */
  public void yieldTurn() {
    Participant p = mine(Thread.currentThread());
    if (p == null) {
      return;
    }
    lock.lock();
    try {
      if (closed || running != p) {
        return;
      }
      running = null;
      ready.put(p.id, p);
      changed.signalAll();
      awaitTurnLocked(p);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for {@code future} under the schedule.
   *
   * @param timeoutNanos negative for none; otherwise the wait may time out, but only when nothing
   *     else can run (see the overview), never by the clock
   * @param what what is waited for, for a deadlock report
   * @return true when the future is done, false when the wait timed out
   * @throws ScheduleDeadlockException when the calling driver waits and nothing can ever run
   */
  public boolean await(CompletableFuture<?> future, long timeoutNanos, String what) throws InterruptedException {
    if (future.isDone()) {
      return true;
    }
    Participant p = mine(Thread.currentThread());
    return p != null ? participantAwait(p, future, timeoutNanos, what) : driverAwait(future, timeoutNanos, what);
  }

  /** {@link CompletableFuture#get()} under the schedule, for waits that cannot time out. */
  public static <T> T get(DeterministicSchedule schedule, CompletableFuture<T> future, String what)
      throws InterruptedException, ExecutionException {
    if (schedule != null) {
      schedule.await(future, -1, what);
    }
    return future.get();
  }

  private boolean participantAwait(Participant p, CompletableFuture<?> future, long timeoutNanos, String what)
      throws InterruptedException {
    lock.lock();
    try {
      if (closed || running != p) {
        return plainAwaitUnlocking(future, timeoutNanos);
      }
      long seq = ++p.waitSeq;
      p.waitsFor = what;
      p.timed = timeoutNanos >= 0;
      p.timedOut = false;
      waiting.put(p.id, p);
      // Registered while this participant still holds the baton, so that a completion is seen at
      // the same point of every run; runs at once (reentrantly) if the future is done already.
      future.whenComplete((v, e) -> wake(p, seq));
      running = null;
      changed.signalAll();
      while (running != p && !closed) {
        try {
          p.turn.await();
        } catch (InterruptedException e) {
          if (closed) {
            waiting.remove(p.id);
            throw e;
          }
          p.interrupted = true;  // resumes when drawn, then throws: see the class comment
          wakeLocked(p, p.waitSeq);
        }
      }
      waiting.remove(p.id);
      ready.remove(p.id);
      p.waitsFor = null;
      boolean timedOut = p.timedOut;
      p.timedOut = false;
      if (p.interrupted) {
        p.interrupted = false;
        throw new InterruptedException("interrupted while waiting for " + what);
      }
      if (timedOut) {
        return false;
      }
      return future.isDone() || plainAwaitUnlocking(future, timeoutNanos);  // not done only after close
    } finally {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
  }

  /** Releases the lock, held once by the caller, and waits outside the schedule. */
  private boolean plainAwaitUnlocking(CompletableFuture<?> future, long timeoutNanos) throws InterruptedException {
    lock.unlock();
    return plainAwait(future, timeoutNanos);
  }

  private boolean driverAwait(CompletableFuture<?> future, long timeoutNanos, String what)
      throws InterruptedException {
    lock.lock();
    try {
      for (;;) {
        if (closed) {
          break;
        }
        if (running != null) {
          changed.awaitUninterruptibly();  // the participant gives the baton back soon enough
          continue;
        }
        if (future.isDone()) {
          return true;
        }
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for " + what);
        }
        Participant next = ready.isEmpty() ? null : draw();
        if (next == null) {
          next = firstTimed();
          if (next == null) {
            if (timeoutNanos >= 0) {
              return false;
            }
            throw deadlock(what);
          }
          waiting.remove(next.id);
          next.waitSeq++;
          next.timedOut = true;
        }
        running = next;
        next.turn.signal();
      }
    } finally {
      lock.unlock();
    }
    return plainAwait(future, timeoutNanos);
  }

  /** A wait outside the schedule, once it is closed. */
  private static boolean plainAwait(CompletableFuture<?> future, long timeoutNanos) throws InterruptedException {
    try {
      if (timeoutNanos < 0) {
        future.get();
      } else {
        future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException failed) {
      // done: the caller reads the failure
    } catch (TimeoutException e) {
      return false;
    }
    return true;
  }

  /** A number in [0, n), drawn with the seed, for a choice made by the baton's holder. */
  public int drawIndex(int n) {
    lock.lock();
    try {
      draws++;
      return random.nextInt(n);
    } finally {
      lock.unlock();
    }
  }

  /** Takes a ready participant, drawn with the seed. */
  private Participant draw() {
    int index = random.nextInt(ready.size());
    draws++;
    Iterator<Participant> it = ready.values().iterator();
    for (int i = 0; i < index; i++) {
      it.next();
    }
    Participant p = it.next();
    it.remove();
    return p;
  }

  private Participant firstTimed() {
    for (Participant p : waiting.values()) {
      if (p.timed) {
        return p;
      }
    }
    return null;
  }

  private ScheduleDeadlockException deadlock(String what) {
    List<String> waiters = new ArrayList<>();
    for (Map.Entry<Long, Participant> e : waiting.entrySet()) {
      waiters.add("d" + e.getKey() + " waits for " + e.getValue().waitsFor);
    }
    return new ScheduleDeadlockException("the deterministic schedule (seed " + seed + ") is stuck after "
        + draws + " draws: the driver waits for " + what + ", nothing else can run, and nothing can "
        + "complete it; " + (waiters.isEmpty() ? "no task or actor waits"
        : "waiting: " + String.join("; ", waiters)), waiters);
  }

  private void wake(Participant p, long seq) {
    lock.lock();
    try {
      wakeLocked(p, seq);
    } finally {
      lock.unlock();
    }
  }

  private void wakeLocked(Participant p, long seq) {
    if (p.waitSeq == seq && waiting.remove(p.id) != null) {
      ready.put(p.id, p);
      changed.signalAll();
    }
  }

  private void awaitTurn(Participant p) {
    lock.lock();
    try {
      awaitTurnLocked(p);
    } finally {
      lock.unlock();
    }
  }

  private void awaitTurnLocked(Participant p) {
    while (running != p && !closed) {
      p.turn.awaitUninterruptibly();
    }
    ready.remove(p.id);
  }

  private void finish(Participant p) {
    CURRENT.remove();
    lock.lock();
    try {
      ready.remove(p.id);
      waiting.remove(p.id);
      if (running == p) {
        running = null;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lets every participant run free, for the runtime's close; see the overview. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Participant p : ready.values()) {
        p.turn.signal();
      }
      for (Participant p : waiting.values()) {
        p.turn.signal();
      }
      if (running != null) {
        running.turn.signal();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
