package io.raylite.spi;

import io.raylite.TaskCancelledException;

/**
 * The answer of an attempt that the runtime running it cancelled (a cancel that reached it, the
 * removal of its placement group, its submitter leaving), as opposed to a {@link
 * TaskCancelledException} that the task's own code threw. The runtime that submitted the attempt
 * finishes its task as cancelled, as a local cancel would, so that {@code get} throws a {@link
 * TaskCancelledException} rather than a {@link io.raylite.TaskFailedException}.
 */
public class CancelledThereException extends TaskCancelledException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the message of the cancel it reports. */
  public CancelledThereException(String message) {
    super(message);
  }
}
