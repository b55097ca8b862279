package io.raylite.spi;

/**
 * The attempt number of a task that a cluster node runs for a driver. The driver's runtime counts
 * the attempts and retries; the node runs each one as a new task of its own runtime, which would
 * otherwise report attempt 0. A task submitted inside {@link #submitAs} starts at the given
 * attempt instead, so {@code Raylite.context().attempt()} on the node says what it says in one JVM.
 */
public final class RemoteAttempt {
  private static final ScopedValue<Integer> ATTEMPT = ScopedValue.newInstance();
  /**
   * Whether {@link #submitAs} was ever called in this JVM (only cluster nodes call it). Until then
   * {@link #current} answers 0 without looking the value up: a lookup that misses searches the
   * thread's bindings on every submit, and a submit from a task's thread always has some.
   */
  private static volatile boolean used;

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
    used = true;
    return ScopedValue.where(ATTEMPT, attempt).call(submit);
  }

  /** The attempt number a task submitted now on this thread starts at: 0 outside {@link #submitAs}. */
  public static int current() {
    return used ? ATTEMPT.orElse(0) : 0;
  }
}
