package io.raylite.spi;

import io.raylite.Raylite;

/**
 * Where the tasks a task submits go, for a backend that runs tasks it received on a cluster node:
 * inside {@link #submitThrough}, {@link Raylite#current()} is the given runtime (the node's own
 * connection to the cluster) instead of the node's local runtime the task runs in, so the task's
 * nested tasks are placed across the cluster as a driver's are.
 */
public final class NestedTasks {
  private static final ScopedValue<Raylite> SUBMITTER = ScopedValue.newInstance();

  private NestedTasks() {}

  /**
   * Runs {@code body} (a task's body) with {@code submitter} as what {@link Raylite#current()}
   * returns on this thread.
   */
  public static <T, X extends Throwable> T submitThrough(Raylite submitter, ScopedValue.CallableOp<T, X> body)
      throws X {
    return ScopedValue.where(SUBMITTER, java.util.Objects.requireNonNull(submitter, "submitter")).call(body);
  }

  /** The runtime {@link #submitThrough} bound on this thread, or null outside it. */
  public static Raylite submitter() {
    return SUBMITTER.isBound() ? SUBMITTER.get() : null;
  }
}
