package io.raylite.internal.object;

/**
 * How a ref's {@code get} waits for its object: implemented by the runtime, which knows the task
 * running on the calling thread and lends its resources while it waits (see {@code task.Blocking}).
 */
@FunctionalInterface
public interface Awaiter {
  /**
   * Waits for {@code entry} and returns its value, or throws its failure.
   *
   * @param timeoutNanos the timeout, or negative for none
   */
  Object await(ObjectEntry entry, long timeoutNanos);
}
