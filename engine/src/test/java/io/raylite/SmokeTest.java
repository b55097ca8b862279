package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  static int add(int a, int b) { return a + b; }

  static long fib(int n) {
    if (n < 2) return n;
    Raylite ray = Raylite.current();
    ObjectRef<Long> a = ray.task(SmokeTest::fib, n - 1).remote();
    ObjectRef<Long> b = ray.task(SmokeTest::fib, n - 2).remote();
    return ray.get(a) + ray.get(b);
  }

  @Test
  void basics() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      ObjectRef<Integer> x = ray.put(20);
      ObjectRef<Integer> r = ray.task(SmokeTest::add, x, 22).remote();
      assertEquals(42, ray.get(r));
      assertEquals(6765L, ray.get(ray.task(SmokeTest::fib, 20).remote()));
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 10000; i++) refs.add(ray.task(SmokeTest::add, i, 1).remote());
      assertEquals(10000, ray.get(refs).get(9999));
    }
  }
}
