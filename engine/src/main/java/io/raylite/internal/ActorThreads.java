package io.raylite.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The virtual threads that run a runtime's actors: constructors and mailbox drains. Each is
 * started through {@link #start} and remembered until it is seen terminated, so that
 * {@link #interruptAndJoinAll} can join every one, including a thread that has finished its work
 * but not yet terminated. Threads never remove themselves (that would open exactly that window);
 * instead the set is pruned of terminated threads whenever it has doubled since the last pruning,
 * which keeps it near the number of live threads at amortized constant cost per start.
 */
final class ActorThreads {
  private static final int MIN_PRUNE_SIZE = 1_024;

  private final ThreadFactory factory;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pruning = new AtomicBoolean();
  /** The set size at which the next start prunes; racy by design, a late or early prune is harmless. */
  private volatile int pruneAt = MIN_PRUNE_SIZE;

  ActorThreads(String prefix) {
    this.factory = Thread.ofVirtual().name(prefix + "-actor-", 0).factory();
  }

  /** Starts {@code body} on a new virtual thread and returns the thread. */
  Thread start(Runnable body) {
    Thread thread = factory.newThread(body);
    threads.add(thread);
    if (threads.size() >= pruneAt) {
      prune();
    }
    thread.start();
    return thread;
  }

  private void prune() {
    if (pruning.compareAndSet(false, true)) {
      try {
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * threads.size());
      } finally {
        pruning.set(false);
      }
    }
  }

  /**
   * Interrupts every thread and waits for each to end. The caller must first make sure no new
   * thread can start (every actor dead). A thread that ignores interrupts is waited for.
   */
  void interruptAndJoinAll() {
    Thread self = Thread.currentThread();
    for (Thread t : threads) {
      if (t != self) {
        t.interrupt();
      }
    }
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t != self) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    threads.clear();
    if (interrupted) {
      self.interrupt();
    }
  }
}
