package io.raylite.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small test classes that use {@link RayliteTest} (the static nested classes below, which
 * Surefire does not run by themselves) through the JUnit engine, and checks what they reported.
 */
class RayliteExtensionTest {
  /** Released after each test, so that whatever a fixture left blocked on it can end. */
  static CountDownLatch release = new CountDownLatch(1);
  static final List<Raylite> seen = new CopyOnWriteArrayList<>();
  static volatile ObjectRef<byte[]> heldRef;
  static volatile Map<String, Double> totals;

  @AfterEach
  void releaseFixtures() {
    release.countDown();
    release = new CountDownLatch(1);
    seen.clear();
    heldRef = null;
    totals = null;
  }

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
  }

  /** The one failure among the events, as the throwable the test (or class) failed with. */
  private static Throwable onlyFailure(Events events) {
    List<Throwable> failures = events.failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
        .toList();
    assertEquals(1, failures.size(), "failures: " + failures);
    return failures.getFirst();
  }

  private static String leakMessage(Class<?> fixture) {
    Throwable failure = onlyFailure(run(fixture));
    assertInstanceOf(AssertionError.class, failure);
    return failure.getMessage();
  }

  static int blockUntilReleased(CountDownLatch started) throws InterruptedException {
    started.countDown();
    release.await();
    return 1;
  }

  static int one() {
    return 1;
  }

  /** An actor for the fixtures. */
  public static class Counter {
    private int n;

    public int increment() {
      return ++n;
    }
  }

  /* ---------------- Leaks ---------------- */

  static class LeavesATaskRunning {
    @RayliteTest
    @Test
    void test(Raylite ray) throws InterruptedException {
      CountDownLatch started = new CountDownLatch(1);
      ray.task(RayliteExtensionTest::blockUntilReleased, started).remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aTaskStillRunning_failsTheTestNamingTheTaskAndWhereItIs() {
    String message = leakMessage(LeavesATaskRunning.class);
    assertTrue(message.contains("task ") && message.contains("RUNNING"), message);
    assertTrue(message.contains("now at:") && message.contains("RayliteExtensionTest.blockUntilReleased("), message);
  }

  static class LeavesATaskQueued {
    @RayliteTest(cpus = 1)
    @Test
    void test(Raylite ray) throws InterruptedException {
      CountDownLatch started = new CountDownLatch(1);
      ray.task(RayliteExtensionTest::blockUntilReleased, started).remote();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      ray.task(RayliteExtensionTest::one).remote();
    }
  }

  @Test
  void aTaskStillQueued_failsTheTestNamingTheTask() {
    String message = leakMessage(LeavesATaskQueued.class);
    assertTrue(message.contains("PENDING_NODE_ASSIGNMENT"), message);
  }

  static class LeavesAnActorAlive {
    @RayliteTest
    @Test
    void test(Raylite ray) {
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      assertEquals(1, ray.get(counter.task(Counter::increment).remote()));
    }
  }

  @Test
  void anActorAlive_failsTheTestNamingTheActor() {
    String message = leakMessage(LeavesAnActorAlive.class);
    assertTrue(message.contains("actor ") && message.contains("Counter") && message.contains("ALIVE"), message);
  }

  static class HoldsAnObject {
    @RayliteTest
    @Test
    void test(Raylite ray) {
      heldRef = ray.put(new byte[64 * 1024]);
    }
  }

  @Test
  void anObjectStillReferenced_failsTheTestNamingTheObject() {
    String message = leakMessage(HoldsAnObject.class);
    assertTrue(message.contains("object " + heldRef.id()) && message.contains("put by driver"), message);
  }

  static class LeavesAThreadRunning {
    @RayliteTest
    @Test
    void test(Raylite ray) {
      Thread.ofPlatform().name("left-behind").start(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
  }

  @Test
  void aThreadStartedByTheTestAndStillAlive_failsTheTestNamingTheThread() {
    String message = leakMessage(LeavesAThreadRunning.class);
    assertTrue(message.contains("thread 'left-behind'"), message);
  }

  /* ---------------- Clean tests ---------------- */

  static class CleansUp {
    @RayliteTest
    @Test
    void test(Raylite ray) {
      assertEquals(1, ray.get(ray.task(RayliteExtensionTest::one).remote()));
      ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
      assertEquals(1, ray.get(counter.task(Counter::increment).remote()));
      ray.kill(counter);
      ObjectRef<byte[]> large = ray.put(new byte[64 * 1024]);
      assertEquals(64 * 1024, ray.get(large).length);
      ray.free(List.of(large));
    }
  }

  @Test
  void aTestThatLeavesNothingBehind_passes() {
    Events events = run(CleansUp.class);
    assertEquals(0, events.failed().count(), () -> "failure: " + onlyFailure(events));
    assertEquals(1, events.succeeded().filter(e -> e.getTestDescriptor().isTest()).count());
  }

  static class FailsAnAssertion {
    @RayliteTest
    @Test
    void test(Raylite ray) {
      seen.add(ray);
      throw new AssertionError("the test's own failure");
    }
  }

  @Test
  void aFailingTest_keepsItsOwnFailureAndItsRuntimeIsClosed() {
    Throwable failure = onlyFailure(run(FailsAnAssertion.class));
    assertEquals("the test's own failure", failure.getMessage());
    assertTrue(seen.getFirst().isClosed());
  }

  /* ---------------- Configuration ---------------- */

  @RayliteTest(cpus = 3, gpus = 2, resources = {"accelerator=1.5", " licence = 4 "})
  static class AsksForResources {
    @Test
    void test(Raylite ray) {
      totals = ray.totalResources();
    }
  }

  @Test
  void theAnnotationsResources_areTheRuntimesTotals() {
    run(AsksForResources.class);
    assertEquals(3.0, totals.get("CPU"));
    assertEquals(2.0, totals.get("GPU"));
    assertEquals(1.5, totals.get("accelerator"));
    assertEquals(4.0, totals.get("licence"));
  }

  @RayliteTest
  static class TwoTestsPerTest {
    @Test
    void first(Raylite ray) {
      seen.add(ray);
    }

    @Test
    void second(Raylite ray) {
      seen.add(ray);
    }
  }

  @Test
  void byDefault_eachTestGetsItsOwnRuntime_closedAfterIt() {
    run(TwoTestsPerTest.class);
    assertEquals(2, seen.size());
    assertNotSame(seen.get(0), seen.get(1));
    assertTrue(seen.get(0).isClosed() && seen.get(1).isClosed());
  }

  @RayliteTest(perClass = true)
  static class TwoTestsPerClass {
    @Test
    void first(Raylite ray) {
      seen.add(ray);
      assertTrue(!ray.isClosed());
    }

    @Test
    void second(Raylite ray) {
      seen.add(ray);
      assertTrue(!ray.isClosed());
    }
  }

  @Test
  void perClass_sharesOneRuntimeAcrossTheClass_closedAfterIt() {
    Events events = run(TwoTestsPerClass.class);
    assertEquals(0, events.failed().count(), () -> "failure: " + onlyFailure(events));
    assertEquals(2, seen.size());
    assertSame(seen.get(0), seen.get(1));
    assertTrue(seen.getFirst().isClosed());
  }

  @RayliteTest(resources = "accelerator")
  static class MalformedResource {
    @Test
    void test(Raylite ray) {}
  }

  @Test
  void aResourceWithoutAnAmount_failsNamingTheAttributeAndTheFormat() {
    Throwable failure = onlyFailure(run(MalformedResource.class));
    assertInstanceOf(IllegalArgumentException.class, failure);
    assertTrue(failure.getMessage().contains("resources") && failure.getMessage().contains("name=amount"),
        failure.getMessage());
  }
}
