package io.raylite;

/**
 * A task or actor call threw. {@link #getCause()} is the original exception, unwrapped; the message
 * names the task and repeats the start of the cause's message. A task whose argument failed fails with the argument's exception, as in Ray.
 */
public class TaskFailedException extends RayliteException {
  /** The name of the task that threw. */
  private final String taskName;

  /** Creates the exception for the task that threw {@code cause}. */
  public TaskFailedException(String taskName, String taskId, Throwable cause) {
    super("task '" + taskName + "' (" + taskId + ") failed: " + summary(cause), cause);
    this.taskName = taskName;
  }

  /** The name of the task that threw. */
  public String taskName() {
    return taskName;
  }
}
