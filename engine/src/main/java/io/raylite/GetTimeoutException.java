package io.raylite;

/** {@code get} with a timeout gave up before the object was ready; the task goes on. */
public class GetTimeoutException extends RayliteException {
  /** Creates the exception with its message. */
  public GetTimeoutException(String message) {
    super(message);
  }
}
