package io.raylite.jmh;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.concurrent.ConcurrentHashMap;
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
 * Ray's "single client put gigabytes", with a 100 MiB {@code long[]} (Ray puts an 800 MiB NumPy
 * array), and the get of such an object. Each call counts as 100 operations of 1 MiB, so JMH's
 * "ops/s" are MiB/s; divide by 1,024 for GiB/s. Baselines: putting the array into a
 * {@link ConcurrentHashMap} (storing by reference, as the runtime does for objects in the heap)
 * and {@code clone()} (what storing a copy costs: the machine's copy bandwidth).
 *
 * <p>The heap is fixed at 4 GiB so that the runtime's default object-store capacity (30% of the
 * maximum heap) holds several such objects.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class LargeObjectBenchmark {
  static final int MIB = 100;
  private static final int LONGS = MIB * 1024 * 1024 / Long.BYTES;

  Raylite ray;
  long[] array;
  ObjectRef<long[]> stored;
  final ConcurrentHashMap<Long, long[]> map = new ConcurrentHashMap<>();
  long key;

  @Setup(Level.Trial)
  public void start() {
    ray = Raylite.builder().build();
    array = new long[LONGS];
    for (int i = 0; i < LONGS; i += 512) {
      array[i] = i;
    }
    stored = ray.put(array);
  }

  @TearDown(Level.Trial)
  public void stop() {
    ray.close();
  }

  @Benchmark
  @OperationsPerInvocation(MIB)
  public ObjectRef<long[]> raylite_put() {
    return ray.put(array);
  }

  @Benchmark
  @OperationsPerInvocation(MIB)
  public long[] raylite_get() {
    return ray.get(stored);
  }

  @Benchmark
  @OperationsPerInvocation(MIB)
  public long[] concurrentHashMap_put() {
    return map.put(key++ & 7, array);
  }

  @Benchmark
  @OperationsPerInvocation(MIB)
  public long[] arrayClone() {
    return array.clone();
  }
}
