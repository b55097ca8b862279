package io.raylite.jmh;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Ray's "single client tasks and get batch" (submit 1,000 empty tasks, get them with one call) and
 * "single client wait 1k refs" (submit 1,000, then 1,000 times wait for one of those not yet
 * returned, as {@code ray.wait(not_ready)} does), against the same with
 * {@link CompletableFuture#supplyAsync} on a fixed pool as large as the runtime: one
 * {@code allOf(...).join()}, and 1,000 rounds of {@code anyOf(...).join()}. Every figure is
 * batches of 1,000 per second, as Ray reports these two.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class BatchBenchmark {
  static final int BATCH = 1_000;

  Raylite ray;
  ExecutorService fixed;

  @Setup(Level.Trial)
  public void start() {
    ray = Raylite.builder().build();
    fixed = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
  }

  @TearDown(Level.Trial)
  public void stop() {
    ray.close();
    fixed.close();
  }

  private List<ObjectRef<byte[]>> submitBatch() {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      refs.add(ray.task(SmallValue::get).remote());
    }
    return refs;
  }

  private List<CompletableFuture<byte[]>> supplyBatch() {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(CompletableFuture.supplyAsync(SmallValue::get, fixed));
    }
    return futures;
  }

  /* ---------------- Tasks and get batch ---------------- */

  @Benchmark
  public List<byte[]> raylite_tasksAndGetBatch() {
    return ray.get(submitBatch());
  }

  @Benchmark
  public Object completableFuture_tasksAndAllOf() {
    return CompletableFuture.allOf(supplyBatch().toArray(CompletableFuture[]::new)).join();
  }

  /* ---------------- Wait 1k refs ---------------- */

  @Benchmark
  public int raylite_wait1kRefs() {
    List<ObjectRef<byte[]>> notReady = submitBatch();
    for (int i = 0; i < BATCH; i++) {
      notReady = ray.wait(notReady, 1, null).unready();
    }
    return notReady.size();
  }

  @Benchmark
  public int completableFuture_anyOf1k() {
    List<CompletableFuture<byte[]>> notReady = supplyBatch();
    for (int i = 0; i < BATCH; i++) {
      CompletableFuture.anyOf(notReady.toArray(CompletableFuture[]::new)).join();
      // As ray.wait with num_returns=1: the first done future in input order is returned, the
      // rest stay in the list.
      List<CompletableFuture<byte[]>> rest = new ArrayList<>(notReady.size() - 1);
      boolean taken = false;
      for (CompletableFuture<byte[]> f : notReady) {
        if (!taken && f.isDone()) {
          taken = true;
        } else {
          rest.add(f);
        }
      }
      notReady = rest;
    }
    return notReady.size();
  }
}
