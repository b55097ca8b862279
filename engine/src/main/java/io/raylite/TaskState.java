package io.raylite;

/**
 * Where a task is in its life, as {@link StateApi#tasks} reports it. The names are Ray's, for the
 * states that mean the same thing as in {@code ray list tasks}.
 */
public enum TaskState {
  /** Submitted; waiting for the objects of its {@link ObjectRef} arguments to be ready. */
  PENDING_ARGS_AVAIL,
  /** Its arguments are ready; waiting in the scheduler's queue for its resources (CPUs, GPUs, custom). */
  PENDING_NODE_ASSIGNMENT,
  /** It holds its resources and was handed to a worker thread, which has not started it yet. */
  SUBMITTED_TO_WORKER,
  /**
   * Its function is running on a worker. A task blocked in {@code get} or {@code wait} is still
   * running; {@link TaskInfo#waitingFor()} then names the objects it waits for.
   */
  RUNNING,
  /** Its function returned; the result is stored. Terminal. */
  FINISHED,
  /**
   * Its function threw (after every retry), or an argument's task failed; {@code get} throws the
   * failure. Terminal.
   */
  FAILED,
  /** Cancelled with {@link Raylite#cancel}, or because the runtime closed. Terminal. */
  CANCELLED;

  /** Whether the task is done: finished, failed or cancelled. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == CANCELLED;
  }
}
