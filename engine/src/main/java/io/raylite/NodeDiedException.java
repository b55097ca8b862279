package io.raylite;

/**
 * The node running a task died or left the cluster before the task finished. A task that fails with
 * it is retried on another node within its {@code maxRetries}, as Ray retries system failures,
 * whatever its {@code retryExceptions} say.
 */
public class NodeDiedException extends RayliteException {
  public NodeDiedException(String message) {
    super(message);
  }

  public NodeDiedException(String message, Throwable cause) {
    super(message, cause);
  }
}
