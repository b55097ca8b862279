package io.raylite.internal.task;

import java.util.ArrayDeque;

/*
 * Implementation overview
 *
 * Runs the hand-overs from a completed object to the tasks that wait for it (a dependency's
 * failure, or its readiness) one after another on the completing thread, never nested.
 *
 * Why: a dependency callback completes its task's result, which runs the callbacks of the tasks
 * depending on that result, and so on. Done directly, a chain of n dependent tasks nests n
 * callbacks on one stack; a few hundred levels overflow it, and CompletableFuture captures the
 * StackOverflowError in a future nobody reads, leaving the rest of the chain pending for ever.
 *
 * How: the first hand-over on a thread becomes the drainer: it runs its action, and every
 * hand-over started meanwhile on the same thread (from inside that action, through a completion)
 * is queued instead of run; the drainer runs the queue until it is empty. A chain of any length
 * thus uses constant stack, and a wide fan-out is already iterative inside CompletableFuture.
 *
 * The other callbacks on an object's future do not nest this way: wait's counts down and wakes
 * one blocked thread, toCompletableFuture's completes a future that only the caller chains on,
 * and actor calls and constructors read their ObjectRef arguments with a blocking get.
 *
 * Threads: the queue is thread-confined (a ThreadLocal), so nothing here is shared. The order of
 * hand-overs changes from depth-first to breadth-first; nothing depends on that order.
 */
final class Propagation {
  private static final System.Logger LOG = System.getLogger("io.raylite");
  /** The hand-overs queued on this thread while its drainer runs; null when none runs. */
  private static final ThreadLocal<ArrayDeque<Runnable>> QUEUE = new ThreadLocal<>();

  private Propagation() {}

  /** Runs {@code handOver} now, or after the hand-over running on this thread, if any. */
  static void run(Runnable handOver) {
    ArrayDeque<Runnable> queue = QUEUE.get();
    if (queue != null) {
      queue.add(handOver);
      return;
    }
    queue = new ArrayDeque<>();
    QUEUE.set(queue);
    try {
      for (Runnable next = handOver; next != null; next = queue.poll()) {
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          // A hand-over fails its own task on error (see TaskRun); one that still throws must
          // not stop the others, and must not vanish in the CompletableFuture that called us.
          LOG.log(System.Logger.Level.ERROR, "a dependency hand-over failed", e);
        }
      }
    } finally {
      QUEUE.remove();
    }
  }
}
