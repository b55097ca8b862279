package io.raylite;

/**
 * The object is gone: it was freed with {@link Raylite#free}, or its spill file could not be read
 * back. The message names the object and why.
 */
public class ObjectLostException extends RayliteException {
  public ObjectLostException(String message) {
    super(message);
  }

  public ObjectLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
