package io.raylite.internal.task;

import io.raylite.DeadlockException;
import io.raylite.GetTimeoutException;
import io.raylite.RayliteException;
import io.raylite.RuntimeContext;
import io.raylite.internal.LocalRuntime;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.Producer;
import io.raylite.internal.resource.Allocation;
import io.raylite.internal.resource.ResourceWaits;
import io.raylite.internal.resource.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * Implementation overview
 *
 * How a thread waits for objects without deadlocking the runtime.
 *
 * 1. Help: a task that waits for an object whose producing task is still QUEUED, needs only CPU,
 *    and fits in the waiter's own resources, claims it and runs it inline on its own thread with
 *    its own resources, as ForkJoinTask.join does. Recursive task graphs (fib(n) with nested gets)
 *    then run depth-first on one thread instead of parking a thread per level.
 * 2. Lend: otherwise a waiting task lends its CPUs back to the scheduler, which starts other tasks
 *    with them, and blocks on the object's future. CompletableFuture.get blocks through
 *    ForkJoinPool.managedBlock when called on a pool thread, so the pool adds a spare thread to run
 *    what the lent CPUs started.
 * 3. Reclaim: when the object is ready the task takes its CPUs back before it continues, ahead of
 *    any queued task, waiting for them if needed. If it is interrupted while waiting, it keeps
 *    waiting and restores the interrupt afterwards, so the allocation stays consistent.
 *
 * Lending is bounded: every task that lends while blocked may make the pool add a thread, so once
 * Workers.MAX_SPARES tasks are blocked with their CPUs lent, further waiters keep their CPUs and
 * just block, which bounds the threads at the cost of parallelism in such extreme graphs.
 *
 * Threads outside any task (the driver) simply block.
 *
 * Under a deterministic run (Engine.schedule), every wait goes through DeterministicSchedule.await
 * instead of the future's get: a task or actor thread gives the baton back while it waits, and the
 * driver draws who runs until its object is ready. Helping, lending and reclaiming are unchanged.
 *
 * Diagnosis: a get by a task or an actor call publishes its wait-for edge (a BlockedGet) before it
 * blocks and checks whether that edge closes a cycle that can never resolve (Deadlocks); if so, it
 * throws DeadlockException instead of blocking, and the other gets on the cycle are interrupted
 * and throw it too. A get without a timeout, or with one longer than the runtime's slow-get
 * threshold, waits in two phases: up to the threshold, then it logs the explanation of the object
 * once (the runtime's explainer) and waits for the rest. No thread watches waiting gets.
 */
public final class Blocking {
  private Blocking() {}

  /** Waits for {@code entry} (helping or lending as above) and returns its value or throws. */
  public static Object await(ObjectEntry entry, long timeoutNanos) {
    return await(null, entry, timeoutNanos);
  }

  /** As {@link #await(ObjectEntry, long)}, for a waiter of {@code engine}'s runtime (null: unknown). */
  public static Object await(Engine engine, ObjectEntry entry, long timeoutNanos) {
    if (!entry.isDone()) {
      TaskRun current = TaskRun.current();
      if (current != null) {
        help(current, entry);
      }
      if (!entry.isDone()) {
        block(engine, current, entry.ready, timeoutNanos, entry);
      }
    }
    return entry.valueOrThrow();
  }

  /**
   * As {@link #await(Engine, ObjectEntry, long)}, but returns without the value as soon as
   * {@code wake} completes, if that comes first: a get of several objects wakes so when another
   * of them fails.
   */
  public static void awaitOrWake(Engine engine, ObjectEntry entry, CompletableFuture<?> wake, long timeoutNanos) {
    TaskRun current = TaskRun.current();
    if (current != null && !wake.isDone()) {
      help(current, entry);
    }
    if (!entry.isDone() && !wake.isDone()) {
      block(engine, current, CompletableFuture.anyOf(entry.ready, wake), timeoutNanos, entry);
    }
  }

  /** Waits for {@code future} as {@link #block} does, for the calling thread of {@code engine}'s runtime. */
  public static boolean awaitFuture(Engine engine, CompletableFuture<?> future, long timeoutNanos) {
    return block(engine, TaskRun.current(), future, timeoutNanos, null);
  }

  /** The actor call running on this thread, or null; installed by the actor room (see ActorCallRun). */
  private static volatile java.util.function.Supplier<WaitNode> actorCalls = () -> null;

  /** Installs how to find the actor call running on the calling thread. */
  public static void actorCalls(java.util.function.Supplier<WaitNode> current) {
    actorCalls = current;
  }

  private static void help(TaskRun current, ObjectEntry entry) {
    Allocation held = current.allocation;
    Producer producer = entry.producer;
    if (held != null && producer != null) {
      producer.tryRunInline(held);
    }
  }

  /**
   * {@link #block} for {@code wait}, with no object to name in a timeout: meanwhile the state API
   * shows the current task waiting for {@code entries}.
   */
  public static boolean blockWaiting(Engine engine, TaskRun current, CompletableFuture<?> future,
      long timeoutNanos, ObjectEntry[] entries) {
    if (current != null) {
      current.waitingFor = entries;
    }
    try {
      return block(engine, current, future, timeoutNanos, null);
    } finally {
      if (current != null) {
        current.waitingFor = null;
      }
    }
  }

  /**
   * Blocks until {@code future} completes or the timeout passes, lending the current task's CPUs
   * meanwhile.
   *
   * @param timeoutNanos the timeout, or negative for none
   * @param what the object waited for, named in the timeout message (may be null)
   * @return whether the future completed (false only on timeout when {@code what} is null)
   */
  public static boolean block(TaskRun current, CompletableFuture<?> future, long timeoutNanos, ObjectEntry what) {
    return block(null, current, future, timeoutNanos, what);
  }

  /**
   * As above, for a waiter of {@code engine}'s runtime (null: the current task's, or unknown): the
   * runtime whose deterministic schedule, deadlock detection and slow-get warning apply.
   */
  private static boolean block(Engine engine, TaskRun current, CompletableFuture<?> future, long timeoutNanos,
      ObjectEntry what) {
    DeterministicSchedule schedule = engine != null ? engine.schedule
        : current != null ? current.runtime.schedule : DeterministicSchedule.ofCurrentThread();
    Engine runtime = current != null ? current.runtime : engine;
    Allocation held = current == null ? null : current.allocation;
    WaitNode node = what == null ? null : current != null ? current : actorCalls.get();
    BlockedGet edge = null;
    // Under a deterministic run no edge: the schedule reports a wait that can never end itself
    // (ScheduleDeadlockException, a DeadlockException), and breaking a get by interrupt would not.
    if (node != null && runtime != null && schedule == null) {
      Allocation kept = current != null ? held : node.keptWhileBlocked();
      edge = new BlockedGet(node, what, kept, timeoutNanos >= 0);
      node.blockedGet(edge);
      boolean keeping = kept != null && !edge.timed && ResourceWaits.keepsMoreThanCpu(kept);
      if (keeping) {
        runtime.keepingWaits.add(edge);  // before the check, so that a task queued meanwhile sees it
      }
      DeadlockException deadlock = Deadlocks.check(runtime.scheduler.ledger(), edge);
      if (deadlock != null) {
        edge.end();
        runtime.keepingWaits.remove(edge);
        node.blockedGet(null);
        throw deadlock;
      }
    }
    boolean lend = held != null && !held.cpuLent && held.request.cpu() > 0;
    // Only pool threads need a spare to replace them; a blocked virtual thread costs nothing.
    boolean counted = lend && !current.onVirtualThread;
    if (counted && !current.runtime.workers.tryEnterLentBlock()) {
      lend = counted = false;
    }
    if (current != null && what != null && edge == null) {
      current.waitingFor = what;  // for the state API; set before the CPUs are lent to others
    }
    if (lend) {
      current.scheduler.lendCpu(held);
    }
    try {
      boolean completed = waitFor(future, timeoutNanos, what, runtime, edge, schedule);
      if (edge != null && edge.end()) {
        // Found on a cycle as the object came: the gets of a cycle all fail alike. The interrupt
        // that broke the get came after its wait had returned: not the caller's.
        Thread.interrupted();
        throw edge.deadlock();
      }
      return completed;
    } finally {
      if (edge != null) {
        runtime.keepingWaits.remove(edge);
        if (edge.end()) {
          // Broken: its interrupt was consumed by the wait (and the deadlock thrown above), or it
          // came after the object did; either way it is not the caller's.
          Thread.interrupted();
        }
        node.blockedGet(null);
      }
      if (current != null && what != null) {
        current.waitingFor = null;
      }
      if (counted) {
        current.runtime.workers.exitLentBlock();
      }
      if (lend) {
        reclaim(current.scheduler, held, schedule);
      }
    }
  }

  /**
   * The waiting part of {@link #block}: through the deterministic schedule if there is one, else in
   * two phases when the slow-get warning applies.
   */
  private static boolean waitFor(CompletableFuture<?> future, long timeoutNanos, ObjectEntry what, Engine engine,
      BlockedGet edge, DeterministicSchedule schedule) {
    try {
      if (schedule != null) {
        // No slow-get warning here: the schedule's waits are logical, the wall clock says nothing.
        if (!schedule.await(future, timeoutNanos, waitDescription(what))) {
          throw new TimeoutException();  // nothing else could run: see DeterministicSchedule
        }
        return true;
      }
      long left = timeoutNanos;
      long slow = engine == null || what == null ? 0 : engine.slowGetNanos;
      if (slow > 0 && (left < 0 || left > slow)) {
        try {
          future.get(slow, TimeUnit.NANOSECONDS);
          return true;
        } catch (TimeoutException stillWaiting) {
          engine.warnSlowGet(what, slow);
          if (left >= 0) {
            left -= slow;
          }
        }
      }
      if (left < 0) {
        future.get();
      } else {
        future.get(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (ExecutionException failed) {
      return true;  // the caller reads the failure from the entry
    } catch (TimeoutException e) {
      if (what == null) {
        return false;
      }
      throw new GetTimeoutException("object " + what.idString() + (schedule != null
          ? " could not be ready under the deterministic schedule: nothing else could run"
          : " was not ready within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    } catch (InterruptedException e) {
      DeadlockException deadlock = edge == null ? null : edge.deadlock();
      if (deadlock != null) {
        throw deadlock;  // the interrupt was the deadlock's: consumed
      }
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while waiting for "
          + (what == null ? "objects" : "object " + what.idString()), e);
    }
  }

  /** What a waiter waits for, as a deadlock under a deterministic schedule names it. */
  private static String waitDescription(ObjectEntry what) {
    RuntimeContext context = LocalRuntime.currentContext();
    TaskRun current = TaskRun.current();
    String waited = what != null ? "object " + what.idString()
        : current != null && current.waitingFor instanceof ObjectEntry[] entries ? entries.length + " objects (wait)"
        : "a future";
    return waited + (context == null ? "" : " in " + context);
  }

  private static void reclaim(Scheduler<?> scheduler, Allocation held, DeterministicSchedule schedule) {
    CompletableFuture<Void> granted = scheduler.reclaimCpu(held);
    if (granted == null) {
      return;
    }
    boolean interrupted = false;
    for (;;) {
      try {
        DeterministicSchedule.get(schedule, granted, "its CPUs back");
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        throw new IllegalStateException("reclaim futures never fail", e);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
