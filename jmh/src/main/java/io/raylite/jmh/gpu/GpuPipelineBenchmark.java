package io.raylite.jmh.gpu;

import io.raylite.gpu.GpuBuffer;
import io.raylite.gpu.GpuContext;
import io.raylite.gpu.GpuEvent;
import io.raylite.gpu.GpuKernel;
import io.raylite.gpu.GpuRange;
import io.raylite.gpu.OpenClDevices;
import java.util.ArrayList;
import java.util.List;
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
 * A copy-then-kernel-then-copy pipeline over {@code chunks} chunks of {@code chunkFloats} floats
 * on OpenCL GPU 0: each chunk is written to the device, transformed by a kernel of
 * {@code work} multiply-adds per element, and read back. Milliseconds per pipeline.
 *
 * <ul>
 *   <li>{@code blocking}, the baseline: one context, and each step waits for the one before
 *       ({@code write}, {@code run}, {@code read}), three host round trips per chunk.
 *   <li>{@code queued}: one context, every step queued with {@code writeAsync},
 *       {@code enqueue} and {@code readAsync}, then one wait for the last read. The in-order
 *       queue keeps the steps in order; what it saves is the host's waits between them.
 *   <li>{@code queuedTwoQueues}: as {@code queued}, chunks alternating between two contexts on
 *       the device (two queues), so one chunk's copies can overlap the other's kernel where the
 *       device runs two queues at once.
 * </ul>
 *
 * <p>On a machine without a GPU the device is PoCL's CPU device, whose "copies" are memcpy on the
 * same cores that run the kernels.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GpuPipelineBenchmark {
  private static final String KERNEL = """
      kernel void work(global float* x, const int rounds) {
        int i = get_global_id(0);
        float v = x[i];
        for (int r = 0; r < rounds; r++) {
          v = v * 0.999f + 0.5f;
        }
        x[i] = v;
      }
      """;

  @State(Scope.Benchmark)
  public static class Pipeline {
    @Param({"8"})
    int chunks;

    @Param({"262144"})
    int chunkFloats;

    @Param({"64"})
    int work;

    GpuContext[] contexts;
    /** Per context, per chunk: the device buffer and the kernel bound to it. */
    List<List<GpuBuffer<float[]>>> buffers;
    List<List<GpuKernel>> kernels;
    float[][] in;
    float[][] out;

    @Setup(Level.Trial)
    public void open() {
      contexts = new GpuContext[2];
      buffers = new ArrayList<>();
      kernels = new ArrayList<>();
      for (int c = 0; c < contexts.length; c++) {
        contexts[c] = GpuContext.open(OpenClDevices.system().gpu(0));
        List<GpuBuffer<float[]>> bs = new ArrayList<>();
        List<GpuKernel> ks = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
          GpuBuffer<float[]> b = contexts[c].allocateFloats(chunkFloats);
          bs.add(b);
          ks.add(contexts[c].program(KERNEL, "").kernel("work").arg(0, b).arg(1, work));
        }
        buffers.add(bs);
        kernels.add(ks);
      }
      in = new float[chunks][chunkFloats];
      out = new float[chunks][chunkFloats];
      for (int i = 0; i < chunks; i++) {
        for (int j = 0; j < chunkFloats; j++) {
          in[i][j] = i + j * 1e-6f;
        }
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      for (GpuContext c : contexts) {
        c.close();
      }
    }
  }

  @Benchmark
  public float[][] blocking(Pipeline p) {
    for (int i = 0; i < p.chunks; i++) {
      GpuBuffer<float[]> b = p.buffers.get(0).get(i);
      b.write(p.in[i]);
      p.kernels.get(0).get(i).run(p.chunkFloats);
      b.read(p.out[i]);
    }
    return p.out;
  }

  @Benchmark
  public float[][] queued(Pipeline p) {
    return pipelined(p, 1);
  }

  @Benchmark
  public float[][] queuedTwoQueues(Pipeline p) {
    return pipelined(p, 2);
  }

  private static float[][] pipelined(Pipeline p, int queues) {
    List<GpuEvent> events = new ArrayList<>(3 * p.chunks);
    for (int i = 0; i < p.chunks; i++) {
      int q = i % queues;
      GpuBuffer<float[]> b = p.buffers.get(q).get(i);
      events.add(b.writeAsync(p.in[i]));
      events.add(p.kernels.get(q).get(i).enqueue(GpuRange.of(p.chunkFloats)));
      events.add(b.readAsync(p.out[i]));
    }
    for (GpuEvent e : events) {
      e.await();
      e.close();
    }
    return p.out;
  }
}
