package io.raylite;

/**
 * A {@link RayQueue} had no room for an item: {@link RayQueue#putNowait} found it full, or a timed
 * {@link RayQueue#put(Object, java.time.Duration) put} found no room in time. Ray's
 * {@code ray.util.queue.Full}.
 */
public class QueueFullException extends RayliteException {
  /** Creates the exception with its message. */
  public QueueFullException(String message) {
    super(message);
  }
}
