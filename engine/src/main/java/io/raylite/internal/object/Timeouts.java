package io.raylite.internal.object;

import java.time.Duration;
import java.util.Objects;

/** The timeouts of the public waits ({@code get}, {@code wait}, queues, pools) in nanoseconds. */
public final class Timeouts {
  /** The longest timeout counted in nanoseconds (about 292 years); a longer one is no limit. */
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  private Timeouts() {}

  /**
   * {@code timeout} in nanoseconds, or -1 (no limit) for one too long to count in nanoseconds, as
   * {@code Duration.ofSeconds(Long.MAX_VALUE)} is: such a wait ends only with its object.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
    }
    return timeout.compareTo(LONGEST) > 0 ? -1 : timeout.toNanos();
  }

  /** {@code timeout} in nanoseconds, at most {@code max}: a deadline that cannot overflow. */
  public static long cappedNanos(Duration timeout, long max) {
    return timeout.compareTo(Duration.ofNanos(max)) > 0 ? max : timeout.toNanos();
  }
}
