package io.raylite.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh {@link io.raylite.Raylite} runtime as a parameter, and fails the test if
 * it leaves work, actors, objects or threads behind.
 *
 * <pre>{@code
 * @RayliteTest(cpus = 2, resources = "accelerator=1")
 * class PipelineTest {
 *   static int square(int x) {
 *     return x * x;
 *   }
 *
 *   @Test
 *   void squares(Raylite ray) {
 *     assertEquals(9, ray.get(ray.task(PipelineTest::square, 3).remote()));
 *   }
 * }
 * }</pre>
 *
 * <p>The runtime runs without its dashboard and, unless {@link #gpus()} asks for some, without
 * looking for GPUs. After each test the extension lists, through {@link io.raylite.StateApi}, the
 * tasks not yet finished, the actors not dead and the objects still in the store, then closes the
 * runtime, then lists the platform threads started during the test that are still alive; if any
 * list is not empty, the test fails with an {@link AssertionError} that names each leak. The runtime
 * is closed whether the test passed or not. Threads are compared with those alive when the runtime
 * was built, so tests run in parallel in one JVM may see each other's threads: run them in the same
 * thread, or one class at a time.
 *
 * <p>On a method, the annotation replaces the one on its class for that method's runtime ({@link
 * #perClass()} is read from the class only).
 *
 * <p>Deterministic runs: with {@link #schedules()} the test runs once per seed, each time with a
 * fresh runtime built with {@link io.raylite.Raylite.Builder#deterministic(long)}, checked for
 * leaks and closed before the next seed; the first failure stops it and names its seed, which
 * {@link #seed()} replays exactly. {@code @BeforeEach} and {@code @AfterEach} methods run once
 * around all the seeds, and see the first seed's runtime.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RayliteExtension.class)
public @interface RayliteTest {
  /** Processor capacity, as {@link io.raylite.Raylite.Builder#cpus}; 0 (the default) means 2. */
  double cpus() default 0;

  /**
   * GPU devices to declare, as {@link io.raylite.Raylite.Builder#gpus}; 0 (the default) declares
   * none and turns GPU discovery off, so a test does not depend on the machine's devices.
   */
  int gpus() default 0;

  /** Custom resources, each {@code "name=amount"}, as {@link io.raylite.Raylite.Builder#resource}. */
  String[] resources() default {};

  /**
   * One runtime for every test of the class instead of one per test (read on the class only).
   * Tasks, actors and objects are still checked after each test; threads once, after the class,
   * when the shared runtime is closed.
   */
  boolean perClass() default false;

  /** The value of {@link #seed()} that means none. */
  long NO_SEED = Long.MIN_VALUE;

  /**
   * Runs the test under this many deterministic schedules, with seeds {@code 0, 1, ...} (or from
   * {@link #seed()} on, when it is set); 0 (the default) runs it once. A failure names the seed.
   */
  int schedules() default 0;

  /**
   * Runs the test once, deterministically, with this seed (as a failure under {@link #schedules()}
   * names it), to replay that schedule exactly; with {@code schedules}, the first seed.
   */
  long seed() default NO_SEED;
}
