package io.raylite.jmh;

/**
 * The task body of Ray's microbenchmark, {@code small_value}: returns {@code b"ok"} and does
 * nothing else, so that a benchmark measures the cost of running a task, not the task.
 */
final class SmallValue {
  private static final byte[] OK = {'o', 'k'};

  private SmallValue() {}

  static byte[] get() {
    return OK;
  }
}
