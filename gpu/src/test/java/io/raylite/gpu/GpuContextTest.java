package io.raylite.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** GpuContext on the first offered device, outside any task. */
class GpuContextTest {
  private static final AtomicInteger UNIQUE = new AtomicInteger();

  static final String SCALE = """
      kernel void scale_d(global double* x, const double k) { x[get_global_id(0)] *= k; }
      kernel void scale_f(global float* x, const float k) { x[get_global_id(0)] *= k; }
      kernel void add_i(global int* x, const int k) { x[get_global_id(0)] += k; }
      kernel void add_l(global long* x, const long k) { x[get_global_id(0)] += k; }
      """;

  static OpenClDevice device() {
    return OpenClDevices.system().gpu(0);
  }

  /** A source no other test compiles, so cache counts start from zero. */
  static String uniqueSource() {
    return "// " + UNIQUE.incrementAndGet() + " " + System.nanoTime() + "\n" + SCALE;
  }

  @Test
  void buffersOfEveryType_roundTripThroughKernels() {
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuProgram p = gpu.program(SCALE, "");
      try (GpuBuffer<double[]> d = gpu.upload(new double[] {1.5, -2, 0.25});
           GpuBuffer<float[]> f = gpu.upload(new float[] {1.5f, -2f});
           GpuBuffer<int[]> i = gpu.upload(new int[] {1, 2, 3, 4});
           GpuBuffer<long[]> l = gpu.upload(new long[] {1L << 40})) {
        long nanos = p.kernel("scale_d").arg(0, d).arg(1, 2.0).run(3);
        p.kernel("scale_f").arg(0, f).arg(1, 3f).run(2);
        p.kernel("add_i").arg(0, i).arg(1, 10).run(4, 2);
        p.kernel("add_l").arg(0, l).arg(1, 5L).run(1);
        assertArrayEquals(new double[] {3, -4, 0.5}, d.read());
        assertArrayEquals(new float[] {4.5f, -6f}, f.read());
        assertArrayEquals(new int[] {11, 12, 13, 14}, i.read());
        assertArrayEquals(new long[] {(1L << 40) + 5}, l.read());
        assertTrue(nanos >= 0);
        assertTrue(gpu.kernelNanos() >= nanos);
        d.write(new double[] {7, 8, 9});
        assertArrayEquals(new double[] {7, 8, 9}, d.read());
      }
    }
  }

  @Test
  void buffers_checkLengths() {
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<double[]> d = gpu.allocateDoubles(3)) {
      assertThrows(IllegalArgumentException.class, () -> gpu.allocateInts(0));
      assertThrows(IllegalArgumentException.class, () -> gpu.upload(new float[0]));
      assertThrows(IllegalArgumentException.class, () -> d.write(new double[2]));
      assertThrows(IllegalArgumentException.class, () -> d.read(new double[4]));
      assertEquals(24, d.bytes());
    }
  }

  @Test
  void failingBuild_throwsWithTheBuildLog() {
    long programs = GpuStats.live().programs();
    String broken = "kernel void broken(global int* x) { x[0] = undeclared_thing_"
        + UNIQUE.incrementAndGet() + "; }";
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuBuildException e = assertThrows(GpuBuildException.class, () -> gpu.program(broken, ""));
      assertTrue(e.getMessage().contains("undeclared_thing_"), e.getMessage());
      assertTrue(e.getMessage().contains(e.buildLog()));
      assertTrue(e.buildLog().contains("error"), e.buildLog());
    }
    assertEquals(programs, GpuStats.live().programs(), "the failed program was released");
  }

  @Test
  void unknownKernelName_isAnIllegalArgument() {
    try (GpuContext gpu = GpuContext.open(device())) {
      GpuProgram p = gpu.program(SCALE, "");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> p.kernel("no_such_kernel"));
      assertTrue(e.getMessage().contains("no_such_kernel"), e.getMessage());
    }
  }

  @Test
  void programCache_compilesOncePerSourceOptionsAndDevice() {
    String source = uniqueSource();
    long before = GpuStats.programBuilds();
    try (GpuContext a = GpuContext.open(device()); GpuContext b = GpuContext.open(device())) {
      GpuProgram pa = a.program(source, "");
      assertSame(pa, a.program(source, ""), "one handle per context");
      GpuProgram pb = b.program(source, "");
      assertNotSame(pa, pb);
      assertSame(pa.clProgram(), pb.clProgram(), "one cl_program for the device");
      assertEquals(before + 1, GpuStats.programBuilds());
      b.program(source, "-DVARIANT=1");
      assertEquals(before + 2, GpuStats.programBuilds(), "other options, other build");
    }
    try (GpuContext c = GpuContext.open(device())) {
      c.program(source, "");
    }
    assertEquals(before + 2, GpuStats.programBuilds(), "still cached after the contexts closed");
  }

  @Test
  void programCache_concurrentFirstRequestsCompileOnce() throws Exception {
    String source = uniqueSource();
    long before = GpuStats.programBuilds();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Callable<Long>> calls = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      calls.add(() -> {
        try (GpuContext gpu = GpuContext.open(device())) {
          start.await(30, TimeUnit.SECONDS);
          return gpu.program(source, "").clProgram().getNativePointer();
        }
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Long> pointers = new ArrayList<>();
      for (Future<Long> f : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
        pointers.add(f.get());
      }
      assertEquals(1, pointers.stream().distinct().count());
      assertEquals(before + 1, GpuStats.programBuilds());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void close_releasesWhatTheTaskLeftOpen() {
    GpuStats.Live before = GpuStats.live();
    GpuContext gpu = GpuContext.open(device());
    gpu.upload(new double[] {1, 2});
    gpu.allocateInts(10);
    gpu.program(SCALE, "").kernel("add_i");
    GpuStats.Live open = GpuStats.live();
    assertEquals(before.buffers() + 2, open.buffers());
    assertEquals(before.kernels() + 1, open.kernels());
    assertEquals(before.queues() + 1, open.queues());
    gpu.close();
    gpu.close();
    assertEquals(before, GpuStats.live());
    assertThrows(IllegalStateException.class, () -> gpu.allocateDoubles(1));
  }

  @Test
  void releaseShared_refusesWhileAContextIsOpen_thenReleasesContextsAndPrograms() {
    try (GpuContext gpu = GpuContext.open(device())) {
      gpu.program(SCALE, "");
      assertThrows(IllegalStateException.class, GpuContext::releaseShared);
    }
    GpuContext.releaseShared();
    GpuStats.Live live = GpuStats.live();
    assertEquals(new GpuStats.Live(0, 0, 0, 0, 0, 0), live);
    try (GpuContext gpu = GpuContext.open(device());
         GpuBuffer<double[]> x = gpu.upload(new double[] {1, 2})) {
      assertEquals(1, GpuStats.live().contexts(), "created again on demand");
      gpu.program(SCALE, "").kernel("scale_d").arg(0, x).arg(1, -1.0).run(2);
      assertArrayEquals(new double[] {-1, -2}, x.read());
    }
  }
}
