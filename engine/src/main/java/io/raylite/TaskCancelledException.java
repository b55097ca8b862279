package io.raylite;

/** The task was cancelled with {@link Raylite#cancel} or by closing the runtime before it finished. */
public class TaskCancelledException extends RayliteException {
  /** Creates the exception with its message. */
  public TaskCancelledException(String message) {
    super(message);
  }
}
