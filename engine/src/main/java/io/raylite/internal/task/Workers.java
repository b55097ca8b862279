package io.raylite.internal.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run tasks: a work-stealing {@link ForkJoinPool} of platform threads, one per
 * CPU of capacity, for CPU work; and a virtual thread per task for tasks that ask for no CPU or
 * say they block. Every thread is tracked so that {@link #close} can interrupt and join it, within
 * the runtime's shutdown timeout; a thread still running past it is reported with the task it runs
 * (see {@link ShutdownReport}). Pool threads are daemon threads and virtual threads always are, so
 * a thread left behind never keeps the JVM alive.
 *
 * <p>The pool may add spare threads while tasks block in get or wait (ForkJoinPool's managed
 * blocking compensates); spares count against a limit of MAX_SPARES beyond the parallelism, past which
 * a blocked worker simply blocks. Inline execution of queued dependencies (see
 * {@link Blocking}) keeps blocking, and so spares, rare.
 */
public final class Workers {
  static final int MAX_SPARES = 1024;

  private final String prefix;
  private final ForkJoinPool pool;
  private final Set<Thread> platformThreads = ConcurrentHashMap.newKeySet();
  /** Each live virtual thread, with the task it was started for. */
  private final Map<Thread, TaskRun> virtualThreads = new ConcurrentHashMap<>();
  private final AtomicInteger workerIndex = new AtomicInteger();
  private final ThreadFactory virtualFactory;
  /** A deterministic run's schedule, which then starts every task on a thread of its own; or null. */
  private final DeterministicSchedule schedule;
  /** Tasks blocked in get or wait with their CPUs lent; bounded by MAX_SPARES. */
  private final AtomicInteger lentBlocks = new AtomicInteger();

  /** A pool thread that knows its index, for log prefixes and timeline rows. */
  static final class WorkerThread extends ForkJoinWorkerThread {
    final int index;
    /** {@link #label}'s answer, made once rather than per task. */
    public final String label;
    /**
     * The task running on this thread, for the shutdown report only. Written by the thread itself
     * without a fence and read by close: racy, but the race is benign (a stale read names the
     * task that ran just before, and the report also shows the stack).
     */
    TaskRun running;
    /** The frame each task started on this thread binds; touched by this thread only. */
    private TaskRun.Frame frame;

    WorkerThread(ForkJoinPool pool, String name, int index) {
      super(null, pool, true);
      this.index = index;
      this.label = Integer.toString(index);
      setName(name);
    }

    /**
     * This thread's frame, made over to {@code owner}; called by this thread, only when no frame of
     * its own is bound on it.
     */
    TaskRun.Frame frame(TaskRun owner) {
      if (frame == null) {
        frame = new TaskRun.Frame(owner);
      } else {
        frame.owner = owner;
        frame.task = owner;
      }
      return frame;
    }
  }

  Workers(String prefix, int parallelism, DeterministicSchedule schedule) {
    this.schedule = schedule;
    this.prefix = prefix;
    this.virtualFactory = Thread.ofVirtual().name(prefix + "-virtual-", 0).factory();
    this.pool = new ForkJoinPool(parallelism, this::newWorker, null, true,
        0, parallelism + MAX_SPARES, 1, p -> true, 30, TimeUnit.SECONDS);
  }

  private ForkJoinWorkerThread newWorker(ForkJoinPool p) {
    platformThreads.removeIf(t -> !t.isAlive() && t.getState() == Thread.State.TERMINATED);
    int index = workerIndex.getAndIncrement();
    WorkerThread t = new WorkerThread(p, prefix + "-worker-" + index, index);
    platformThreads.add(t);
    return t;
  }

  /** Reserves a place for one more task blocked with its CPUs lent; false when all are taken. */
  boolean tryEnterLentBlock() {
    for (;;) {
      int n = lentBlocks.get();
      if (n >= MAX_SPARES) {
        return false;
      }
      if (lentBlocks.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void exitLentBlock() {
    lentBlocks.decrementAndGet();
  }

  ForkJoinPool pool() {
    return pool;
  }

  /** Starts a dispatched task on the kind of thread it asked for. */
  void dispatch(TaskRun task) {
    if (task.onVirtualThread || schedule != null) {
      Thread[] self = new Thread[1];
      Runnable body = () -> {
        try {
          task.run();
        } finally {
          virtualThreads.remove(self[0]);
        }
      };
      Thread t = schedule != null ? schedule.newThread(body) : virtualFactory.newThread(body);
      self[0] = t;
      virtualThreads.put(t, task);
      t.start();
    } else {
      try {
        pool.execute(task);
      } catch (RejectedExecutionException closing) {
        task.run();  // the pool is shutting down: run() sees the runtime closed and cancels the task
      }
    }
  }

  /** The labels of the pool's live threads, by index, for the state API. */
  public java.util.List<String> poolLabels() {
    return platformThreads.stream()
        .filter(t -> t.isAlive() && t instanceof WorkerThread)
        .map(t -> (WorkerThread) t)
        .sorted(java.util.Comparator.comparingInt(w -> w.index))
        .map(w -> w.label)
        .toList();
  }

  /** The worker label shown in log prefixes: the pool index, or {@code v<id>} for virtual threads. */
  public String label(Thread thread) {
    if (thread instanceof WorkerThread w) {
      return w.label;
    }
    String stable = schedule == null ? null : schedule.label(thread);
    if (stable != null) {
      return stable;
    }
    return thread.isVirtual() ? "v" + thread.threadId() : thread.getName();
  }

  /** The timeline row of a thread. */
  int tid(Thread thread) {
    int row = schedule == null ? -1 : schedule.row(thread);
    if (row >= 0) {
      return row;
    }
    return thread instanceof WorkerThread w ? w.index : (int) (100_000 + thread.threadId());
  }

  /** The task {@code thread} runs now, as far as the shutdown report can tell, or null. */
  public TaskRun runningOn(Thread thread) {
    return thread instanceof WorkerThread w ? w.running : virtualThreads.get(thread);
  }

  /**
   * Stops the pool, interrupts every task thread and waits until all of them end or the
   * {@code deadline} (a System.nanoTime value) passes.
   *
   * @return the threads still alive at the deadline
   */
  public List<Thread> close(long deadline) {
    pool.shutdown();
    for (Thread t : platformThreads) {
      t.interrupt();
    }
    for (Thread t : virtualThreads.keySet()) {
      t.interrupt();
    }
    boolean interrupted = false;
    for (;;) {
      try {
        pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    List<Thread> left = new ArrayList<>();
    for (Set<Thread> threads : List.of(platformThreads, virtualThreads.keySet())) {
      for (Thread t : threads) {
        if (!joinUntil(t, deadline)) {
          left.add(t);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return left;
  }

  /**
   * Joins {@code thread} until {@code deadline}, waiting on through interrupts (the caller's
   * interrupt is restored by the caller); returns whether it ended.
   */
  public static boolean joinUntil(Thread thread, long deadline) {
    boolean interrupted = false;
    try {
      for (;;) {
        try {
          return thread.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
