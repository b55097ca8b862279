package io.raylite.gpu;

import java.util.Arrays;

/**
 * The index space a kernel runs over: 1, 2 or 3 dimensions of global work-items, optionally cut
 * into work-groups of a given local size (otherwise the driver picks). As Aparapi's {@code Range}
 * and OpenCL's {@code clEnqueueNDRangeKernel}: {@code get_global_id(d)} runs over
 * {@code [0, global(d))}. Immutable.
 *
 * <pre>{@code
 * kernel.run(GpuRange.of(width, height).local(16, 16));
 * }</pre>
 */
public final class GpuRange {
  private final long[] global;
  private final long[] local;

  private GpuRange(long[] global, long[] local) {
    this.global = global;
    this.local = local;
  }

  /** A 1-D range of {@code x} work-items ({@code >= 1}). */
  public static GpuRange of(long x) {
    return new GpuRange(checkGlobal(new long[] {x}), null);
  }

  /** A 2-D range of {@code x * y} work-items. */
  public static GpuRange of(long x, long y) {
    return new GpuRange(checkGlobal(new long[] {x, y}), null);
  }

  /** A 3-D range of {@code x * y * z} work-items. */
  public static GpuRange of(long x, long y, long z) {
    return new GpuRange(checkGlobal(new long[] {x, y, z}), null);
  }

  /**
   * This range in work-groups of {@code sizes}, one per dimension, each dividing the global size
   * of its dimension.
   *
   * @throws IllegalArgumentException if the count of sizes is not the range's dimensions, or a
   *     size is below 1 or does not divide its global size
   */
  public GpuRange local(long... sizes) {
    if (sizes.length != global.length) {
      throw new IllegalArgumentException("local needs " + global.length + " size(s), one per"
          + " dimension of " + this + ", got " + sizes.length);
    }
    for (int d = 0; d < sizes.length; d++) {
      if (sizes[d] < 1 || global[d] % sizes[d] != 0) {
        throw new IllegalArgumentException("local size of dimension " + d + " must be >= 1 and"
            + " divide the global size " + global[d] + ", got " + sizes[d]);
      }
    }
    return new GpuRange(global, sizes.clone());
  }

  private static long[] checkGlobal(long[] sizes) {
    for (int d = 0; d < sizes.length; d++) {
      if (sizes[d] < 1) {
        throw new IllegalArgumentException(
            "global size of dimension " + d + " must be >= 1, got " + sizes[d]);
      }
    }
    return sizes;
  }

  /** 1, 2 or 3. */
  public int dimensions() {
    return global.length;
  }

  /** The global size of dimension {@code d}. */
  public long globalSize(int d) {
    return global[d];
  }

  /** The local size of dimension {@code d}, or 0 when the driver picks. */
  public long localSize(int d) {
    return local == null ? 0 : local[d];
  }

  /** Work-items per work-group (the product of the local sizes), or 0 when the driver picks. */
  public long workGroupSize() {
    if (local == null) {
      return 0;
    }
    long n = 1;
    for (long l : local) {
      n *= l;
    }
    return n;
  }

  long[] globalSizes() {
    return global;
  }

  /** The local sizes, or null when the driver picks. */
  long[] localSizes() {
    return local;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GpuRange r && Arrays.equals(global, r.global)
        && Arrays.equals(local, r.local);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(global) + Arrays.hashCode(local);
  }

  @Override
  public String toString() {
    return "GpuRange" + Arrays.toString(global)
        + (local == null ? "" : " local " + Arrays.toString(local));
  }
}
