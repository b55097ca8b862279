package io.raylite.jmh;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
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
 * Ray's actor cases, each against executors that give the same guarantees. Every figure is calls
 * per second.
 *
 * <ul>
 *   <li>"1:1 actor calls sync" (call one actor, get the result, repeat) and "1:1 actor calls
 *       async" (submit 1,000 calls to one actor, then get them all), against the same two patterns
 *       on a single-thread executor, which like a sequential actor runs one call at a time in
 *       submission order.
 *   <li>"1:1 actor calls concurrent": 1,000 calls to one actor created with
 *       {@code maxConcurrency(16)} (Ray's {@code max_concurrency=16}), then get them all, against
 *       a fixed pool of 16 threads.
 *   <li>"n:n actor calls async": 4 tasks each make 5,000 calls spread round-robin over
 *       {@code max(1, cpus / 2)} actors and get them (Ray's {@code work(actors)}), against 4 tasks
 *       on a {@link ForkJoinPool} as large as the runtime submitting to as many single-thread
 *       executors.
 * </ul>
 *
 * <p>Actors have the default options (0 CPU, as in Ray); the runtime has the default
 * configuration.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ActorBenchmark {
  static final int BATCH = 1_000;
  static final int CONCURRENCY = 16;
  static final int CLIENTS = 4;
  static final int CALLS_PER_CLIENT = 5_000;

  /** The actor's class: a counter, so that each call does a little work on actor state. */
  public static final class Counter {
    private long count;

    public long increment() {
      return ++count;
    }
  }

  /** Ray's microbenchmark actor: a method that returns {@code b"ok"}, safe to run concurrently. */
  public static final class SmallValueActor {
    public byte[] smallValue() {
      return SmallValue.get();
    }
  }

  @State(Scope.Benchmark)
  public static class Engine {
    Raylite ray;
    ActorHandle<Counter> counter;
    ActorHandle<SmallValueActor> concurrent;
    List<ActorHandle<SmallValueActor>> servers;

    @Setup(Level.Trial)
    public void start() {
      ray = Raylite.builder().build();
      counter = ray.actor(Counter::new).remote();
      concurrent = ray.actor(SmallValueActor::new).maxConcurrency(CONCURRENCY).remote();
      servers = new ArrayList<>();
      for (int i = 0; i < servers(); i++) {
        servers.add(ray.actor(SmallValueActor::new).remote());
      }
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

  /** Executors standing in for the concurrent actor and for the n:n case's actors and clients. */
  @State(Scope.Benchmark)
  public static class Pools {
    ExecutorService sixteenThreads;
    List<ExecutorService> servers;
    ForkJoinPool clients;

    @Setup(Level.Trial)
    public void start() {
      sixteenThreads = Executors.newFixedThreadPool(CONCURRENCY);
      servers = new ArrayList<>();
      for (int i = 0; i < servers(); i++) {
        servers.add(Executors.newSingleThreadExecutor());
      }
      clients = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void stop() {
      sixteenThreads.close();
      servers.forEach(ExecutorService::close);
      clients.close();
    }
  }

  /** How many actors the n:n case calls: half the processors, as Ray's {@code cpu_count() // 2}. */
  static int servers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private static <T> List<T> getAll(List<Future<T>> futures) throws InterruptedException, ExecutionException {
    List<T> values = new ArrayList<>(futures.size());
    for (Future<T> future : futures) {
      values.add(future.get());
    }
    return values;
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
    return getAll(futures);
  }

  /* ---------------- Concurrent: 1,000 calls to an actor running 16 at a time ---------------- */

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<byte[]> raylite_concurrent(Engine e) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      refs.add(e.concurrent.task(SmallValueActor::smallValue).remote());
    }
    return e.ray.get(refs);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<byte[]> fixedThreadPool16_concurrent(Pools p) throws InterruptedException, ExecutionException {
    List<Future<byte[]>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(p.sixteenThreads.submit(SmallValue::get));
    }
    return getAll(futures);
  }

  /* ---------------- n:n: 4 tasks, each 5,000 calls round-robin over the actors ---------------- */

  /** Ray's {@code work(actors)}, run as a task. */
  static int callRoundRobin(List<ActorHandle<SmallValueActor>> actors) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>(CALLS_PER_CLIENT);
    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
      refs.add(actors.get(i % actors.size()).task(SmallValueActor::smallValue).remote());
    }
    return Raylite.current().get(refs).size();
  }

  @Benchmark
  @OperationsPerInvocation(CLIENTS * CALLS_PER_CLIENT)
  public List<Integer> raylite_nToN(Engine e) {
    List<ObjectRef<Integer>> clients = new ArrayList<>(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(e.ray.task(ActorBenchmark::callRoundRobin, e.servers).remote());
    }
    return e.ray.get(clients);
  }

  @Benchmark
  @OperationsPerInvocation(CLIENTS * CALLS_PER_CLIENT)
  public List<Integer> singleThreadExecutors_nToN(Pools p) {
    List<ForkJoinTask<Integer>> clients = new ArrayList<>(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(p.clients.submit(() -> {
        List<Future<byte[]>> futures = new ArrayList<>(CALLS_PER_CLIENT);
        for (int i = 0; i < CALLS_PER_CLIENT; i++) {
          futures.add(p.servers.get(i % p.servers.size()).submit(SmallValue::get));
        }
        return getAll(futures).size();
      }));
    }
    List<Integer> counts = new ArrayList<>(CLIENTS);
    for (ForkJoinTask<Integer> client : clients) {
      counts.add(client.join());
    }
    return counts;
  }
}
