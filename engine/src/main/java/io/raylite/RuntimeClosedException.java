package io.raylite;

/** The runtime was closed; it accepts no more calls. */
public class RuntimeClosedException extends RayliteException {
  /** Creates the exception with its message. */
  public RuntimeClosedException(String message) {
    super(message);
  }
}
