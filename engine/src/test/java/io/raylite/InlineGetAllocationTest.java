package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A nested get of a child that is still queued runs the child inline on the waiting thread (see
 * Blocking); that get itself allocates nothing. The child is submitted outside the measured span,
 * and its result is a cached Integer, so whatever the measured span allocates is the get's. The
 * thread's allocation counter is read around each of many gets, and the fewest bytes taken, so
 * that the interpreter's and the JIT's first rounds do not count. The timeline and the state API's
 * ring of finished tasks are off: each keeps one event per finished task, by design.
 */
class InlineGetAllocationTest {
  static final int ROUNDS = 20_000;

  static Integer seven() {
    return 7;
  }

  /** The fewest bytes one inline get allocated on this thread over ROUNDS gets. */
  static long fewestBytesPerInlineGet() {
    Raylite ray = Raylite.current();
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long fewest = Long.MAX_VALUE;
    for (int i = 0; i < ROUNDS; i++) {
      // The runtime's one CPU is this task's, so the child waits in its queue until got.
      ObjectRef<Integer> child = ray.task(InlineGetAllocationTest::seven).remote();
      long before = threads.getCurrentThreadAllocatedBytes();
      int value = ray.get(child);
      long bytes = threads.getCurrentThreadAllocatedBytes() - before;
      if (value != 7) {
        throw new AssertionError("the child returned " + value);
      }
      fewest = Math.min(fewest, bytes);
    }
    return fewest;
  }

  @Test
  void aNestedGetThatRunsAQueuedChildInlineAllocatesNothing() {
    try (Raylite ray = Raylite.builder().cpus(1).timelineCapacity(0).finishedTaskCapacity(0).build()) {
      long fewest = ray.get(ray.task(InlineGetAllocationTest::fewestBytesPerInlineGet).remote());
      assertEquals(0, fewest, "bytes allocated by the cheapest inline get");
    }
  }
}
