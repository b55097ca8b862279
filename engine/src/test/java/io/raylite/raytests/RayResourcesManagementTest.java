package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ResourcesManagementTest.java},
 * with the resource checks of {@code python/ray/tests/test_basic.py} and
 * {@code test_advanced.py} (negative, NaN, infinite and huge amounts, unknown resources). Where
 * Ray's test lets an infeasible request wait, Raylite refuses it at once (README, "Differences from
 * Ray": infeasible requests).
 */
@Timeout(60)
class RayResourcesManagementTest {
  private final Raylite ray = Raylite.builder().cpus(4).resource("RES-A", 4).build();

  @AfterEach
  void close() {
    ray.close();
  }

  static Integer echo(Integer number) {
    return number;
  }

  static final class Echo {
    Integer echo(Integer number) {
      return number;
    }
  }

  @Test
  void aTaskAskingForEveryCpu_runs() {
    assertEquals(100, ray.task(RayResourcesManagementTest::echo, 100).numCpus(4).remote().get());
    assertEquals(100, ray.task(RayResourcesManagementTest::echo, 100).resource("CPU", 4).remote().get());
  }

  @Test
  void aTaskAskingForMoreCpusThanExist_isInfeasible() {
    assertThrows(InfeasibleResourceException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 200).numCpus(5).remote());
  }

  @Test
  void aTaskAskingForACustomResource_runs_andOneAskingForMoreThanExists_isInfeasible() {
    assertEquals(1, ray.task(RayResourcesManagementTest::echo, 1).resource("RES-A", 4).remote().get());
    assertThrows(InfeasibleResourceException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).resource("RES-A", 5).remote());
    assertThrows(InfeasibleResourceException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).resource("RES-B", 1).remote());
  }

  @Test
  void anActorAskingForHalfTheCpus_runs_andOneAskingForTwiceThem_isInfeasible() {
    ActorHandle<Echo> echo1 = ray.actor(Echo::new).numCpus(2).remote();
    assertEquals(100, echo1.task(Echo::echo, 100).remote().get());
    assertThrows(InfeasibleResourceException.class, () -> ray.actor(Echo::new).numCpus(8).remote());
  }

  @Test
  void aTaskAskingForZeroCpus_runs() {
    ObjectRef<Integer> ref = ray.task(RayResourcesManagementTest::echo, 3).numCpus(0).remote();
    assertEquals(3, ref.get());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(doubles = {-1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void anAmountThatIsNegativeNanOrInfinite_isRefusedAtTheOptionsCall(double amount) {
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayResourcesManagementTest::echo, 1).numCpus(amount));
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayResourcesManagementTest::echo, 1).numGpus(amount));
    assertThrows(IllegalArgumentException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).resource("RES-A", amount));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Echo::new).numCpus(amount));
    assertThrows(IllegalArgumentException.class, () -> ray.actor(Echo::new).resource("RES-A", amount));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().numCpus(amount));
  }

  /** Ray lets such a request wait as infeasible; Raylite refuses an amount above 1e14 at the call. */
  @Test
  void aHugeAmount_isRefusedAtTheOptionsCall_notAnOverflow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).numCpus(1e300));
    assertTrue(e.getMessage().contains("CPU"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).resource("RES-A", 1e15));
  }

  @Test
  void aHugeMemoryRequest_isRefusedAtTheOptionsCall() {
    assertThrows(IllegalArgumentException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).memory(Long.MAX_VALUE));
  }

  @Test
  void aNegativeMemory_isRefusedAtTheOptionsCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayResourcesManagementTest::echo, 1).memory(-1));
  }

  @Test
  void anEmptyOrNullResourceName_isRefusedAtTheOptionsCall() {
    assertThrows(IllegalArgumentException.class, () -> ray.task(RayResourcesManagementTest::echo, 1).resource("", 1));
    assertThrows(NullPointerException.class, () -> ray.task(RayResourcesManagementTest::echo, 1).resource(null, 1));
  }

  @Test
  void aTaskAskingForGpusOnAGpulessRuntime_isInfeasible() {
    assertThrows(InfeasibleResourceException.class,
        () -> ray.task(RayResourcesManagementTest::echo, 1).numGpus(1).remote());
  }

  static int holdBriefly(int i) {
    return i;
  }

  /** test_basic.py's test_many_fractional_resources: odd fractions never leave a drift behind. */
  @Test
  void manyTasksOfOddFractionalAmounts_allRun_andEveryAmountComesBackExactly() {
    java.util.Random random = new java.util.Random(42);
    java.util.List<ObjectRef<Integer>> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      double cpus = Math.round(random.nextDouble() * 4 * 10_000) / 10_000.0;
      double custom = Math.round(random.nextDouble() * 4 * 10_000) / 10_000.0;
      refs.add(ray.task(RayResourcesManagementTest::holdBriefly, i).numCpus(cpus).resource("RES-A", custom).remote());
    }
    ray.get(refs);
    assertEquals(ray.totalResources(), ray.availableResources());
  }

  @Test
  void totalResources_showWhatTheRuntimeWasBuiltWith() {
    Map<String, Double> total = ray.totalResources();
    assertEquals(4.0, total.get("CPU"));
    assertEquals(4.0, total.get("RES-A"));
  }

  @Test
  void builderAmountsThatAreNegativeNanOrInfinite_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().cpus(-1));
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().cpus(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().cpus(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().gpus(-1));
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().resource("x", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Raylite.builder().resource("", 1));
  }
}
