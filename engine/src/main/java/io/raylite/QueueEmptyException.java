package io.raylite;

/**
 * A {@link RayQueue} had no item to give: {@link RayQueue#getNowait} found it empty, or a timed
 * {@link RayQueue#get(java.time.Duration) get} found no item in time. Ray's
 * {@code ray.util.queue.Empty}.
 */
public class QueueEmptyException extends RayliteException {
  /** Creates the exception with its message. */
  public QueueEmptyException(String message) {
    super(message);
  }
}
