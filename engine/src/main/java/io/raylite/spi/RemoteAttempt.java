package io.raylite.spi;

/**
 * The attempt number of a task that a cluster node runs for a driver. The driver's runtime counts
 * the attempts and retries; the node runs each one as a new task of its own runtime, which would
 * otherwise report attempt 0. A task submitted inside {@link #submitAs} starts at the given
 * attempt instead, so {@code Raylite.context().attempt()} on the node says what it says in one JVM.
 */
public final class RemoteAttempt {
  private static final ScopedValue<Integer> ATTEMPT = ScopedValue.newInstance();

  private RemoteAttempt() {}

  /**
   * Runs {@code submit} (which submits the node's task) with {@code attempt} as the attempt number
   * of the tasks it submits on this thread.
   *
   * @throws IllegalArgumentException if attempt is negative
   */
  public static <T, X extends Throwable> T submitAs(int attempt, ScopedValue.CallableOp<T, X> submit) throws X {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    return ScopedValue.where(ATTEMPT, attempt).call(submit);
  }

  /** The attempt number a task submitted now on this thread starts at: 0 outside {@link #submitAs}. */
  public static int current() {
    return ATTEMPT.orElse(0);
  }
}
