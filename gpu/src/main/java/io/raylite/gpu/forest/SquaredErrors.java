package io.raylite.gpu.forest;

import io.raylite.gpu.GpuBuffer;
import io.raylite.gpu.GpuContext;
import io.raylite.gpu.GpuKernel;
import io.raylite.gpu.GpuProgram;

/**
 * Runs the two-stage sum-of-squared-errors reduction of {@code sse.cl}. Public for the benchmarks,
 * which time it on buffers already resident on the device.
 */
public final class SquaredErrors {
  /** Work-items per group; enough to hide latency on a GPU, few enough for any device. */
  private static final int MAX_GROUP = 256;
  /** Partial sums from the first stage; the second stage adds them in one work-group. */
  private static final int MAX_GROUPS = 64;

  private SquaredErrors() {}

  /** The sum over the first {@code n} elements, double precision. */
  public static double sum(GpuContext gpu, GpuBuffer<double[]> predicted, GpuBuffer<double[]> truth,
      int n) {
    GpuProgram program = gpu.program(ForestInference.SSE, "-DREAL=double -DREAL_IS_DOUBLE");
    try (GpuKernel partial = program.kernel("sse_partial");
         GpuKernel total = program.kernel("sum_partial")) {
      int local = groupSize(gpu, partial, total);
      int groups = Math.min(MAX_GROUPS, Math.ceilDiv(n, local));
      try (GpuBuffer<double[]> partials = gpu.allocateDoubles(groups);
           GpuBuffer<double[]> result = gpu.allocateDoubles(1)) {
        partial.arg(0, predicted).arg(1, truth).arg(2, n).arg(3, partials)
            .localMemory(4, (long) local * Double.BYTES).run((long) groups * local, local);
        total.arg(0, partials).arg(1, groups).arg(2, result)
            .localMemory(3, (long) local * Double.BYTES).run(local, local);
        return result.read()[0];
      }
    }
  }

  /** As {@link #sum(GpuContext, GpuBuffer, GpuBuffer, int)} in single precision. */
  static double sumFloat(GpuContext gpu, GpuBuffer<float[]> predicted, GpuBuffer<float[]> truth,
      int n) {
    GpuProgram program = gpu.program(ForestInference.SSE, "-DREAL=float");
    try (GpuKernel partial = program.kernel("sse_partial");
         GpuKernel total = program.kernel("sum_partial")) {
      int local = groupSize(gpu, partial, total);
      int groups = Math.min(MAX_GROUPS, Math.ceilDiv(n, local));
      try (GpuBuffer<float[]> partials = gpu.allocateFloats(groups);
           GpuBuffer<float[]> result = gpu.allocateFloats(1)) {
        partial.arg(0, predicted).arg(1, truth).arg(2, n).arg(3, partials)
            .localMemory(4, (long) local * Float.BYTES).run((long) groups * local, local);
        total.arg(0, partials).arg(1, groups).arg(2, result)
            .localMemory(3, (long) local * Float.BYTES).run(local, local);
        return result.read()[0];
      }
    }
  }

  /** The largest power of 2 both kernels can run as one work-group, at most MAX_GROUP. */
  private static int groupSize(GpuContext gpu, GpuKernel a, GpuKernel b) {
    long limit = Math.min(MAX_GROUP, Math.min(gpu.device().maxWorkGroupSize(),
        Math.min(a.maxWorkGroupSize(), b.maxWorkGroupSize())));
    return Integer.highestOneBit((int) Math.max(1, limit));
  }
}
