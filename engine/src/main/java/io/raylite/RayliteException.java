package io.raylite;

/** The base of every exception Raylite throws for a task, an object or the runtime itself. */
public class RayliteException extends RuntimeException {
  /** Creates the exception with its message. */
  public RayliteException(String message) {
    super(message);
  }

  /** Creates the exception with its message and the failure that caused it. */
  public RayliteException(String message, Throwable cause) {
    super(message, cause);
  }
}
