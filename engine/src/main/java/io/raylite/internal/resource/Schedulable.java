package io.raylite.internal.resource;

/**
 * A task as the {@link Scheduler} sees it: a resource shape, the kind of thread it runs on, the
 * state changes the scheduler makes (queued, dispatched with an allocation) and the link through
 * which one drain hands its started tasks to the dispatcher. The scheduler calls these methods with
 * its lock held, except on the lock-free path for CPU-only shapes, where {@link #markQueued},
 * {@link #isQueued}, {@link #markDispatched} and the link are called without it (each task is
 * linked by one drain at a time, the one that dispatched it).
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

  /**
   * Whether the task may take the Scheduler's lock-free path: the one predicate that decides it.
   * Only CPU-only shapes may; a task that must be ordered by anything but its submission (a
   * priority, say) must answer false, and then waits in the lock path's queue of its shape.
   */
  default boolean mayTakeFastPath() {
    return priority() == 0 && shape().isCpuOnly();
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
