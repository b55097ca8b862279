package io.raylite;

/** The base of every exception Raylite throws for a task, an object or the runtime itself. */
public class RayliteException extends RuntimeException {
  public RayliteException(String message) {
    super(message);
  }

  public RayliteException(String message, Throwable cause) {
    super(message, cause);
  }
}
