package io.raylite.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raylite.ActorHandle;
import io.raylite.Raylite;
import org.junit.jupiter.api.Test;

// The user guide's "Testing your Raylite code" snippet (docs/guide/testing.md), run as a test.
// region raylite-test
@RayliteTest(cpus = 2, resources = "accelerator=1")
class ReadmeExampleTest {
  public static class Counter {
    private int n;

    public int add(int k) {
      return n += k;
    }
  }

  static int square(int x) {
    return x * x;
  }

  @Test
  void squaresOnTheAccelerator(Raylite ray) {         // a fresh runtime per test, no dashboard
    assertEquals(9, ray.get(ray.task(ReadmeExampleTest::square, 3).resource("accelerator", 1).remote()));
  }

  @Test
  void countsThenKillsTheActor(Raylite ray) {
    ActorHandle<Counter> counter = ray.actor(Counter::new).remote();
    assertEquals(5, ray.get(counter.task(Counter::add, 5).remote()));
    ray.kill(counter);                                  // an actor left alive fails the test
  }
}
// endregion raylite-test
