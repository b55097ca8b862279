package io.raylite.internal.actor;

import io.raylite.internal.task.DeterministicSchedule;
import io.raylite.internal.task.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The virtual threads that run a runtime's actors: constructors and mailbox drains. Each is
 * started through {@link #start} and stays in {@code threads} until it is known to have
 * terminated, so that {@link #interruptAndJoinAll} can join every one, including a thread that has
 * finished its work but not yet terminated.
 *
 * <p>A thread cannot remove itself without opening exactly that window, so threads retire each
 * other: the last thing a thread does is swap itself into {@code lastRetired}, join the thread it
 * displaced (which is past its own last step, so the join is brief) and remove that one from the
 * set. The set thus holds the live threads plus at most one retired thread, with no pruning pass.
 * The swap orders retiring threads, so the joins form chains, never cycles.
 */
final class ActorThreads {
  private final ThreadFactory factory;
  /** A deterministic run's schedule, which then makes the threads; or null. */
  private final DeterministicSchedule schedule;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Thread> lastRetired = new AtomicReference<>();

  ActorThreads(String prefix, DeterministicSchedule schedule) {
    this.schedule = schedule;
    this.factory = Thread.ofVirtual().name(prefix + "-actor-", 0).factory();
  }

  /** Starts {@code body} on a new virtual thread and returns the thread. */
  Thread start(Runnable body) {
    Runnable retiring = () -> {
      try {
        body.run();
      } finally {
        retire();
      }
    };
    Thread thread = schedule != null ? schedule.newThread(retiring) : factory.newThread(retiring);
    threads.add(thread);
    thread.start();
    return thread;
  }

  /**
   * Starts {@code body} on a new platform daemon thread named {@code name}, for an actor with a
   * dedicated thread (see {@link DedicatedThread}); joined on close like the virtual ones.
   */
  Thread startPlatform(String name, Runnable body) {
    Thread thread = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
      try {
        body.run();
      } finally {
        retire();
      }
    });
    threads.add(thread);
    thread.start();
    return thread;
  }

  private void retire() {
    Thread previous = lastRetired.getAndSet(Thread.currentThread());
    if (previous != null) {
      joinUninterruptibly(previous);
      threads.remove(previous);
    }
  }

  /**
   * Interrupts every thread and waits until each ends or the {@code deadline} (a System.nanoTime
   * value) passes. The caller must first make sure no new thread can start (every actor dead).
   *
   * @return the threads still alive at the deadline; they are virtual, so daemon threads
   */
  List<Thread> interruptAndJoinAll(long deadline) {
    Thread self = Thread.currentThread();
    for (Thread t : threads) {
      if (t != self) {
        t.interrupt();
      }
    }
    List<Thread> left = new ArrayList<>();
    for (Thread t : threads) {
      if (t != self && !Workers.joinUntil(t, deadline)) {
        left.add(t);
      }
    }
    threads.clear();
    return left;
  }

  /**
   * Waits, without interrupting anything, until every thread started so far has ended or the
   * {@code deadline} (a System.nanoTime value) passes; returns those still alive. For callers that
   * know every actor is idle, such as a test that measures what idle actors retain.
   */
  List<Thread> joinAll(long deadline) {
    Thread self = Thread.currentThread();
    List<Thread> left = new ArrayList<>();
    for (Thread t : List.copyOf(threads)) {
      if (t != self && !Workers.joinUntil(t, deadline)) {
        left.add(t);
      }
    }
    return left;
  }

  /** Joins {@code thread}, waiting on through interrupts; returns whether one arrived. */
  private static boolean joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    for (;;) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
