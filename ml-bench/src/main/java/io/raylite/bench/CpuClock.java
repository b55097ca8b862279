package io.raylite.bench;

import java.lang.management.ManagementFactory;

/** The CPU time this JVM has used, all threads together (JIT compiler and GC included). */
final class CpuClock {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private CpuClock() {}

  /** Process CPU time in nanoseconds; differences of two readings are meaningful, not the value. */
  static long processNanos() {
    long nanos = OS.getProcessCpuTime();
    if (nanos < 0) {
      throw new UnsupportedOperationException("this JVM cannot measure its process CPU time");
    }
    return nanos;
  }
}
