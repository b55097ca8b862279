package io.raylite.jmh;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Ray's "single client put calls" ({@code ray.put(0)}) and "single client get calls" (get of one
 * put object), and a put followed by a get of the same object, against a
 * {@link ConcurrentHashMap} used as an object store: keys from an {@link AtomicLong} as the
 * runtime draws object ids, wrapped into 1,024 slots so that the map stays the same size (the
 * runtime's put objects become garbage once their ref is dropped). Calls per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class ObjectBenchmark {
  private static final Integer SMALL = 0;
  private static final long SLOTS = 1_024;

  Raylite ray;
  ObjectRef<Integer> stored;

  final ConcurrentHashMap<Long, Integer> map = new ConcurrentHashMap<>();
  final AtomicLong ids = new AtomicLong();
  Long storedKey;

  @Setup(Level.Trial)
  public void start() {
    ray = Raylite.builder().build();
    stored = ray.put(SMALL);
    for (long k = 0; k < SLOTS; k++) {
      map.put(k, SMALL);
    }
    storedKey = 7L;
  }

  @TearDown(Level.Trial)
  public void stop() {
    ray.close();
  }

  private Long nextKey() {
    return ids.getAndIncrement() & (SLOTS - 1);
  }

  @Benchmark
  public ObjectRef<Integer> raylite_put() {
    return ray.put(SMALL);
  }

  @Benchmark
  public Integer concurrentHashMap_put() {
    return map.put(nextKey(), SMALL);
  }

  @Benchmark
  public Integer raylite_get() {
    return ray.get(stored);
  }

  @Benchmark
  public Integer concurrentHashMap_get() {
    return map.get(storedKey);
  }

  @Benchmark
  public Integer raylite_putGet() {
    return ray.get(ray.put(SMALL));
  }

  @Benchmark
  public Integer concurrentHashMap_putGet() {
    Long key = nextKey();
    map.put(key, SMALL);
    return map.get(key);
  }
}
