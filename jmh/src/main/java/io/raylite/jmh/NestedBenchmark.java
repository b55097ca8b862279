package io.raylite.jmh;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nested tasks: recursive Fibonacci where every call above the leaves submits {@code fib(n - 1)}
 * as a task, computes {@code fib(n - 2)} itself and then gets the task's result; with a plain
 * executor such nested blocking gets deadlock once every thread waits. The baseline is the
 * {@link RecursiveTask} of {@code ForkJoinPool}'s documentation, the same graph ({@code fork},
 * {@code compute}, {@code join}) on a pool as large as the runtime. Both spawn
 * {@code fib(n + 1) - 1} tasks per call (10,945 for n = 20). Microseconds per whole
 * {@code fib(n)}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class NestedBenchmark {
  @Param({"20"})
  int n;

  Raylite ray;
  ForkJoinPool pool;

  @Setup(Level.Trial)
  public void start() {
    ray = Raylite.builder().build();
    pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    long expected = new Fibonacci(n).compute();
    long got = ray.get(ray.task(NestedBenchmark::fib, n).remote());
    if (got != expected) {
      throw new IllegalStateException("fib(" + n + ") = " + expected + ", the tasks computed " + got);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    ray.close();
    pool.close();
  }

  /** The task: fib(n - 1) as a nested task, fib(n - 2) on this thread, then a nested get. */
  static long fib(int n) {
    if (n < 2) {
      return n;
    }
    Raylite ray = Raylite.current();
    ObjectRef<Long> first = ray.task(NestedBenchmark::fib, n - 1).remote();
    long second = fib(n - 2);
    return ray.get(first) + second;
  }

  static final class Fibonacci extends RecursiveTask<Long> {
    private final int n;

    Fibonacci(int n) {
      this.n = n;
    }

    @Override
    protected Long compute() {
      if (n < 2) {
        return (long) n;
      }
      Fibonacci first = new Fibonacci(n - 1);
      first.fork();
      long second = new Fibonacci(n - 2).compute();
      return first.join() + second;
    }
  }

  @Benchmark
  public long raylite_nestedGets() {
    return ray.get(ray.task(NestedBenchmark::fib, n).remote());
  }

  @Benchmark
  public long forkJoinPool_recursiveTask() {
    return pool.invoke(new Fibonacci(n));
  }
}
