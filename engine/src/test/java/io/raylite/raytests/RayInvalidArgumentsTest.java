package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * From Ray's {@code python/ray/tests/test_basic.py} ({@code test_invalid_arguments}, the checks of
 * {@code ray.init} and {@code .options}): out-of-range and huge arguments fail at the call with an
 * {@code IllegalArgumentException} naming the argument and its range, never with an
 * {@code OutOfMemoryError}, an overflow or a bare exception from the JDK; and a runtime built with a
 * huge timeout still closes.
 */
@Timeout(60)
class RayInvalidArgumentsTest {

  static int one() {
    return 1;
  }

  static List<Integer> two() {
    return List.of(1, 2);
  }

  static int plusOne(int x) {
    return x + 1;
  }

  private static void assertRefusedNaming(String argument, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage() != null && e.getMessage().contains(argument), e.getMessage());
  }

  @Test
  void aCpuCountAboveTheLargestPool_isRefusedNamingCpus() {
    assertRefusedNaming("cpus", () -> Raylite.builder().cpus(1e9));
    assertRefusedNaming("cpus", () -> Raylite.builder().cpus(40_000));
  }

  @Test
  void aHugeGpuCount_isRefusedNamingGpus() {
    assertRefusedNaming("gpus", () -> Raylite.builder().gpus(Integer.MAX_VALUE));
  }

  @Test
  void hugeTaskCapacities_areRefusedNamingThem() {
    assertRefusedNaming("timelineCapacity", () -> Raylite.builder().timelineCapacity(Integer.MAX_VALUE));
    assertRefusedNaming("finishedTaskCapacity", () -> Raylite.builder().finishedTaskCapacity(Integer.MAX_VALUE));
  }

  @Test
  void aHugeNumReturns_isRefusedNamingNumReturns() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      assertRefusedNaming("numReturns", () -> ray.task(RayInvalidArgumentsTest::two).numReturns(Integer.MAX_VALUE));
    }
  }

  @Test
  void aRuntimeWithAHugeShutdownTimeout_closes() {
    Raylite ray = Raylite.builder().cpus(1).shutdownTimeout(Duration.ofSeconds(Long.MAX_VALUE)).build();
    assertEquals(1, ray.task(RayInvalidArgumentsTest::one).remote().get());
    ray.close();
    assertTrue(ray.isClosed());
  }

  @Test
  void aRuntimeWithAHugeSlowGetWarning_waitsNormally() {
    try (Raylite ray = Raylite.builder().cpus(1).slowGetWarning(Duration.ofSeconds(Long.MAX_VALUE)).build()) {
      assertEquals(1, ray.task(RayInvalidArgumentsTest::one).remote().get());
    }
  }

  @Test
  void aResolutionBelowTheFixedPoint_isRefusedNamingTheResource() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      assertRefusedNaming("CPU", () -> ray.task(RayInvalidArgumentsTest::one).numCpus(1e-5));
    }
  }

  @Test
  void aTaskTakingAFreedObject_failsWithObjectLostException() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> freed = ray.put(5);
      ray.free(List.of(freed));
      ObjectRef<Integer> dependent = ray.task(RayInvalidArgumentsTest::plusOne, freed).remote();
      RuntimeException e = assertThrows(RuntimeException.class, () -> dependent.get(Duration.ofSeconds(30)));
      assertTrue(e instanceof ObjectLostException || e.getCause() instanceof ObjectLostException
          || e instanceof TaskFailedException && e.getCause() instanceof ObjectLostException, e.toString());
    }
  }
}
