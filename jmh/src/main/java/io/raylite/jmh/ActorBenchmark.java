package io.raylite.jmh;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ray's "1:1 actor calls sync" (call one actor, get the result, repeat) and "1:1 actor calls
 * async" (submit 1,000 calls to one actor, then get them all; Ray manages about 8,700 per second),
 * against the same two patterns on a single-thread executor, which like a sequential actor runs
 * one call at a time in submission order. Every figure is calls per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ActorBenchmark {
  static final int BATCH = 1_000;

  /** The actor's class: a counter, so that each call does a little work on actor state. */
  public static final class Counter {
    private long count;

    public long increment() {
      return ++count;
    }
  }

  @State(Scope.Benchmark)
  public static class Engine {
    Raylite ray;
    ActorHandle<Counter> counter;

    @Setup(Level.Trial)
    public void start() {
      ray = Raylite.builder().build();
      counter = ray.actor(Counter::new).remote();
    }

    @TearDown(Level.Trial)
    public void stop() {
      ray.close();
    }
  }

  @State(Scope.Benchmark)
  public static class SingleThread {
    final Counter counter = new Counter();
    ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void stop() {
      executor.close();
    }
  }

  /* ---------------- Sync: call, get, repeat ---------------- */

  @Benchmark
  public long raylite_sync(Engine e) {
    return e.ray.get(e.counter.task(Counter::increment).remote());
  }

  @Benchmark
  public long singleThreadExecutor_sync(SingleThread s) throws InterruptedException, ExecutionException {
    return s.executor.submit(s.counter::increment).get();
  }

  /* ---------------- Async: submit 1,000, then get all ---------------- */

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Long> raylite_async(Engine e) {
    List<ObjectRef<Long>> refs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      refs.add(e.counter.task(Counter::increment).remote());
    }
    return e.ray.get(refs);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Long> singleThreadExecutor_async(SingleThread s) throws InterruptedException, ExecutionException {
    List<Future<Long>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(s.executor.submit(s.counter::increment));
    }
    List<Long> values = new ArrayList<>(BATCH);
    for (Future<Long> future : futures) {
      values.add(future.get());
    }
    return values;
  }
}
