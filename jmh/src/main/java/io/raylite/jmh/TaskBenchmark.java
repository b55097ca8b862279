package io.raylite.jmh;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ray's "single client tasks sync" (submit one empty task, get it, repeat) and "single client
 * tasks async" (submit 1,000, then get them all), against the same two patterns on a bare
 * {@link ForkJoinPool} ({@code submit}/{@code join}) and with
 * {@link CompletableFuture#supplyAsync} on a fixed thread pool, both as large as the runtime.
 * Every figure is tasks per second.
 *
 * <p>The runtime has the default configuration except for {@code timelineCapacity}, a parameter:
 * 100,000 is the default (every finished task is recorded), 0 turns recording off; and
 * {@code finishedTaskCapacity}, the state API's task tracking (10,000 is the default, 0 turns it off).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TaskBenchmark {
  static final int BATCH = 1_000;

  @State(Scope.Benchmark)
  public static class Engine {
    @Param({"100000", "0"})
    int timelineCapacity;

    /** The state API's ring of finished tasks; 0 turns task tracking off (see BENCHMARKS.md). */
    @Param({"10000"})
    int finishedTaskCapacity;

    Raylite ray;

    @Setup(Level.Trial)
    public void start() {
      ray = Raylite.builder().timelineCapacity(timelineCapacity).finishedTaskCapacity(finishedTaskCapacity).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
      ray.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Pools {
    static final Callable<byte[]> SMALL_VALUE = SmallValue::get;

    ForkJoinPool forkJoin;
    ExecutorService fixed;

    @Setup(Level.Trial)
    public void start() {
      int cpus = Runtime.getRuntime().availableProcessors();
      forkJoin = new ForkJoinPool(cpus);
      fixed = Executors.newFixedThreadPool(cpus);
    }

    @TearDown(Level.Trial)
    public void stop() {
      forkJoin.close();
      fixed.close();
    }
  }

  /* ---------------- Sync: submit, get, repeat ---------------- */

  @Benchmark
  public byte[] raylite_sync(Engine e) {
    return e.ray.get(e.ray.task(SmallValue::get).remote());
  }

  @Benchmark
  public byte[] forkJoinPool_sync(Pools p) {
    return p.forkJoin.submit(Pools.SMALL_VALUE).join();
  }

  @Benchmark
  public byte[] completableFuture_sync(Pools p) {
    return CompletableFuture.supplyAsync(SmallValue::get, p.fixed).join();
  }

  /* ---------------- Async: submit 1,000, then get all ---------------- */

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<byte[]> raylite_async(Engine e) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      refs.add(e.ray.task(SmallValue::get).remote());
    }
    return e.ray.get(refs);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<byte[]> forkJoinPool_async(Pools p) {
    List<ForkJoinTask<byte[]>> tasks = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      tasks.add(p.forkJoin.submit(Pools.SMALL_VALUE));
    }
    List<byte[]> values = new ArrayList<>(BATCH);
    for (ForkJoinTask<byte[]> task : tasks) {
      values.add(task.join());
    }
    return values;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<byte[]> completableFuture_async(Pools p) {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(CompletableFuture.supplyAsync(SmallValue::get, p.fixed));
    }
    List<byte[]> values = new ArrayList<>(BATCH);
    for (CompletableFuture<byte[]> future : futures) {
      values.add(future.join());
    }
    return values;
  }
}
