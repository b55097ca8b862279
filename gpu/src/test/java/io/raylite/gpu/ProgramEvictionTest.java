package io.raylite.gpu;

import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clReleaseKernel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.junit.jupiter.api.Test;

/**
 * The program cache under eviction, on an instance of its own with room for two programs: a
 * program evicted while held stays usable until its holder lets go, and every cl_program is
 * released exactly once.
 */
class ProgramEvictionTest {

  private static String source(int n) {
    return "kernel void k(global int* x) { x[get_global_id(0)] += " + n + "; }";
  }

  /** Creating and releasing a kernel proves the program object is still alive and built. */
  private static void use(SharedDevices.CachedProgram program) {
    cl_kernel kernel = clCreateKernel(program.program, "k", null);
    clReleaseKernel(kernel);
  }

  @Test
  void heldProgram_outlivesItsEviction_andIsReleasedByItsLastHolder() {
    long baseline = GpuStats.live().programs();
    long contexts = GpuStats.live().contexts();
    OpenClDevice device = OpenClDevices.system().gpu(0);
    SharedDevices shared = new SharedDevices(2);
    cl_context context = shared.openContext(device);
    try {
      SharedDevices.CachedProgram held = shared.acquireProgram(device, context, source(0), "");
      for (int i = 1; i <= 6; i++) {
        shared.acquireProgram(device, context, source(i), "").release();
      }
      shared.cleanUp();
      long live = GpuStats.live().programs() - baseline;
      assertTrue(live <= 3, "at most 2 cached plus the held one, got " + live);
      use(held);
      held.release();
      shared.cleanUp();
      assertTrue(GpuStats.live().programs() - baseline <= 2);
      assertEquals(7, shared.builds(), "each distinct source built once so far");
    } finally {
      shared.closeContext();
      shared.releaseAll();
    }
    assertEquals(baseline, GpuStats.live().programs());
    assertEquals(contexts, GpuStats.live().contexts());
  }

  @Test
  void concurrentAcquireAndRelease_underConstantEviction_releaseEveryProgramOnce()
      throws Exception {
    long baseline = GpuStats.live().programs();
    OpenClDevice device = OpenClDevices.system().gpu(0);
    SharedDevices shared = new SharedDevices(2);
    cl_context context = shared.openContext(device);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        calls.add(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          for (int i = 0; i < 10; i++) {
            SharedDevices.CachedProgram p =
                shared.acquireProgram(device, context, source(random.nextInt(4)), "");
            try {
              use(p);
            } finally {
              p.release();
            }
          }
          return 10;
        });
      }
      for (Future<Integer> f : pool.invokeAll(calls, 120, TimeUnit.SECONDS)) {
        assertEquals(10, f.get());
      }
      shared.cleanUp();
      assertTrue(GpuStats.live().programs() - baseline <= 2,
          "only the cached programs are alive: " + (GpuStats.live().programs() - baseline));
    } finally {
      pool.shutdownNow();
      shared.closeContext();
      shared.releaseAll();
    }
    assertEquals(baseline, GpuStats.live().programs());
  }
}
