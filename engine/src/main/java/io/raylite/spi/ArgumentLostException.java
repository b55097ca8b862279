package io.raylite.spi;

import io.raylite.RayliteException;

/**
 * An attempt of a task could not read an argument because the node that owned it left while the
 * attempt's node fetched it. It is not the task's failure: the runtime that submitted the attempt
 * runs it again, without counting it against {@code maxRetries} (as Ray waits for a lost argument
 * to be rebuilt), and that run first rebuilds the argument from its lineage, or fails with its
 * loss (see {@link TaskBackend.RemoteValue#lost}).
 */
public class ArgumentLostException extends RayliteException {
  private static final long serialVersionUID = 1L;

  /** The member id of the owner that left, for the backend that learns of it from this. */
  private final String ownerId;

  /** Creates the exception naming the owner that left, with the loss it caused. */
  public ArgumentLostException(String ownerId, String message, Throwable cause) {
    super(message, cause);
    this.ownerId = ownerId;
  }

  /** The backend's id of the owner that left. */
  public String ownerId() {
    return ownerId;
  }
}
