package io.raylite.jmh.junit;

import io.raylite.Raylite;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an empty {@code @RayliteTest} pays for its runtime: building one as the extension does (2
 * CPUs, no dashboard, no GPU discovery) and closing it, each alone and together, against creating
 * and shutting down a bare {@link ForkJoinPool} of the same parallelism. Average time per
 * operation; the target is under 5 ms for each of build and close.
 *
 * <p>{@code build} closes its runtime, and {@code close} builds its runtime, in a per-invocation
 * setup outside the measurement; JMH's warning about per-invocation fixtures matters for
 * operations of microseconds, not for these.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RuntimeLifecycleBenchmark {
  static final int CPUS = 2;

  static Raylite newRuntime() {
    return Raylite.builder().cpus(CPUS).dashboard(false).discoverGpus(false).build();
  }

  /** A runtime built by {@code build}, closed after the invocation. */
  @State(Scope.Thread)
  public static class Built {
    Raylite ray;

    @TearDown(Level.Invocation)
    public void close() {
      ray.close();
    }
  }

  /** A runtime built before each invocation of {@code close}. */
  @State(Scope.Thread)
  public static class Open {
    Raylite ray;

    @Setup(Level.Invocation)
    public void build() {
      ray = newRuntime();
    }
  }

  @Benchmark
  public Raylite build(Built built) {
    built.ray = newRuntime();
    return built.ray;
  }

  @Benchmark
  public boolean close(Open open) {
    open.ray.close();
    return open.ray.isClosed();
  }

  @Benchmark
  public boolean buildAndClose() {
    Raylite ray = newRuntime();
    ray.close();
    return ray.isClosed();
  }

  /** Baseline: a pool of the same parallelism, started (one task) and shut down. */
  @Benchmark
  public boolean forkJoinPoolStartAndClose() {
    ForkJoinPool pool = new ForkJoinPool(CPUS);
    pool.submit(() -> 1).join();
    pool.close();
    return pool.isTerminated();
  }
}
