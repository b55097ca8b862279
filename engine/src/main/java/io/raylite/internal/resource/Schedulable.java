package io.raylite.internal.resource;

/**
 * A task as the {@link Scheduler} sees it: a resource shape, the kind of thread it runs on, the
 * state changes the scheduler makes (queued, dispatched with an allocation) and the link through
 * which one drain hands its started tasks to the dispatcher. The scheduler calls these methods with
 * its lock held, except {@link #markDispatched} on the fast path of submit.
 *
 * @param <T> the task type, so that the link and the dispatcher need no casts
 */
public interface Schedulable<T extends Schedulable<T>> {
  /** The canonical shape of the resources the task needs (see {@link Scheduler#shapeOf}). */
  ResourceShape shape();

  /**
   * The task's priority: higher starts first among tasks that could start; 0, the default, keeps
   * the task on the shape queues (see {@link Scheduler}).
   */
  default int priority() {
    return 0;
  }

  /** Whether the task runs on a virtual thread rather than a pool thread. */
  boolean onVirtualThread();

  /** Notes that the task now waits in its shape's queue. */
  void markQueued();

  /** Whether the task still waits in its queue (not claimed inline or cancelled since). */
  boolean isQueued();

  /** Takes the allocation unless the task was cancelled; false hands it back to the scheduler. */
  boolean markDispatched(Allocation granted);

  /** The next task started by the same drain, or null. */
  T nextReady();

  /** Sets the link written by a drain and cleared at dispatch. */
  void nextReady(T next);
}
