package io.raylite.internal.task;

import io.raylite.DeadlockException;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.resource.Allocation;

/**
 * One {@code get} in progress by a task or an actor call: the wait-for edge from the node to the
 * object, for {@link Deadlocks}, and the way to fail that get when it is found in a deadlock.
 *
 * <p>The blocked thread creates it, publishes it through {@link WaitNode#blockedGet(BlockedGet)}
 * and ends it when its wait returns ({@link #end}). Deadlock detection on another thread breaks it
 * ({@link #breakWith}): under the monitor, so that the interrupt it sends reaches the thread only
 * while it still waits, and {@code end} can tell the thread to clear an interrupt that arrived
 * after its wait had returned (a detection that raced with the object becoming ready).
 */
public final class BlockedGet {
  final WaitNode node;
  final ObjectEntry entry;
  /** The resources the waiter keeps while it waits (its GPUs and custom resources), or null. */
  final Allocation held;
  /** Whether the get has a timeout: then it ends by itself and is never part of a deadlock. */
  final boolean timed;
  private final Thread thread;
  // Guarded by this.
  private boolean ended;
  private DeadlockException deadlock;

  BlockedGet(WaitNode node, ObjectEntry entry, Allocation held, boolean timed) {
    this.node = node;
    this.entry = entry;
    this.held = held;
    this.timed = timed;
    this.thread = Thread.currentThread();
  }

  /** The object it waits for. */
  public ObjectEntry entry() {
    return entry;
  }

  /** Fails the get with {@code e} by interrupting its thread; false if it had ended already. */
  synchronized boolean breakWith(DeadlockException e) {
    if (ended || deadlock != null) {
      return false;
    }
    deadlock = e;
    if (thread != Thread.currentThread()) {
      thread.interrupt();
    }
    return true;
  }

  /** The deadlock that broke this get, or null. */
  synchronized DeadlockException deadlock() {
    return deadlock;
  }

  /**
   * Ends the get; afterwards it cannot be broken.
   *
   * @return whether it was broken meanwhile (its interrupt has been sent)
   */
  synchronized boolean end() {
    ended = true;
    return deadlock != null;
  }
}
