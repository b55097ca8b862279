package io.raylite;

/** The runtime was closed; it accepts no more calls. */
public class RuntimeClosedException extends RayliteException {
  public RuntimeClosedException(String message) {
    super(message);
  }
}
