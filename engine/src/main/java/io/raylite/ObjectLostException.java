package io.raylite;

/**
 * The object is gone: it was freed with {@link Raylite#free}, or its spill file could not be read
 * back. The message names the object and why.
 */
public class ObjectLostException extends RayliteException {
  /** Creates the exception with its message. */
  public ObjectLostException(String message) {
    super(message);
  }

  /** Creates the exception with its message and the failure that lost the object. */
  public ObjectLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
