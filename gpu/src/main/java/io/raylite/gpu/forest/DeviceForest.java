package io.raylite.gpu.forest;

import io.raylite.gpu.GpuBuffer;
import io.raylite.gpu.GpuContext;
import io.raylite.gpu.GpuKernel;
import io.raylite.gpu.GpuProgram;
import io.raylite.gpu.forest.ForestInference.Precision;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link FlatForest} copied to a device in the layout of the kernels, ready to predict batch
 * after batch. Created by {@link ForestInference#upload}; holds device buffers of its
 * {@link GpuContext} until closed (or until the context closes). Not thread-safe.
 */
public final class DeviceForest implements AutoCloseable {
  /** Work-items per group for the prediction kernels; the global size is padded to a multiple. */
  private static final int GROUP = 64;

  private final GpuContext gpu;
  private final FlatForest forest;
  private final Precision precision;
  private final GpuBuffer<?> nodes;
  private final GpuBuffer<int[]> roots;
  private final GpuProgram program;
  private long lastKernelNanos;

  DeviceForest(GpuContext gpu, FlatForest forest, Precision precision) {
    this.gpu = gpu;
    this.forest = forest;
    this.precision = precision;
    if (precision == Precision.DOUBLE && !gpu.device().supportsDouble()) {
      throw new IllegalArgumentException("precision DOUBLE needs double support, which "
          + gpu.device().describe() + " lacks: use Precision.SINGLE");
    }
    if (precision == Precision.SINGLE) {
      checkFloatRange(forest);
    }
    // Compile first: a build failure then leaves no buffer behind.
    this.program = precision == Precision.DOUBLE
        ? gpu.program(ForestInference.FOREST_DOUBLE, "")
        : gpu.program(ForestInference.FOREST_FLOAT, "");
    this.roots = gpu.upload(Arrays.copyOf(forest.treeOffsets(), forest.numTrees()));
    try {
      this.nodes = precision == Precision.DOUBLE
          ? gpu.upload(doubleNodes(forest)) : gpu.upload(floatNodes(forest));
    } catch (RuntimeException e) {
      roots.close();
      throw e;
    }
  }

  /** The forest this copy was made from. */
  public FlatForest forest() {
    return forest;
  }

  /** Whether the device copy holds doubles or floats. */
  public Precision precision() {
    return precision;
  }

  /** Device nanoseconds of the kernels of the last {@link #predict} or {@link #mse} call. */
  public long lastKernelNanos() {
    return lastKernelNanos;
  }

  /**
   * Predicts {@code nRows} rows of {@code nFeatures} values each ({@code nFeatures >=
   * forest().numFeatures()}). In {@link Precision#SINGLE}, the features are rounded to float.
   */
  public double[] predict(double[] rowsRowMajor, int nRows, int nFeatures) {
    forest.checkRows(rowsRowMajor, nRows, nFeatures);
    if (nRows == 0) {
      return new double[0];
    }
    if (precision == Precision.DOUBLE) {
      try (GpuBuffer<double[]> rows = gpu.upload(rowsRowMajor);
           GpuBuffer<double[]> out = gpu.allocateDoubles(nRows)) {
        lastKernelNanos = run(rows, nRows, nFeatures, out);
        return out.read();
      }
    }
    try (GpuBuffer<float[]> rows = gpu.upload(toFloats(rowsRowMajor));
         GpuBuffer<float[]> out = gpu.allocateFloats(nRows)) {
      lastKernelNanos = run(rows, nRows, nFeatures, out);
      float[] predicted = out.read();
      double[] widened = new double[nRows];
      for (int i = 0; i < nRows; i++) {
        widened[i] = predicted[i];
      }
      return widened;
    }
  }

  /**
   * The mean squared error of the predictions against {@code truth} (one value per row), all on
   * the device: the sum of squared errors divided by {@code nRows}. In {@link Precision#SINGLE}
   * the truth is rounded to float and the sum accumulates in float.
   */
  public double mse(double[] rowsRowMajor, int nRows, int nFeatures, double[] truth) {
    forest.checkRows(rowsRowMajor, nRows, nFeatures);
    Objects.requireNonNull(truth, "truth");
    if (nRows < 1) {
      throw new IllegalArgumentException("nRows must be >= 1 for an MSE, got " + nRows);
    }
    if (truth.length != nRows) {
      throw new IllegalArgumentException(
          "truth must have nRows = " + nRows + " values, got " + truth.length);
    }
    long before = gpu.kernelNanos();
    double sse;
    if (precision == Precision.DOUBLE) {
      try (GpuBuffer<double[]> rows = gpu.upload(rowsRowMajor);
           GpuBuffer<double[]> out = gpu.allocateDoubles(nRows);
           GpuBuffer<double[]> y = gpu.upload(truth)) {
        run(rows, nRows, nFeatures, out);
        sse = SquaredErrors.sum(gpu, out, y, nRows);
      }
    } else {
      try (GpuBuffer<float[]> rows = gpu.upload(toFloats(rowsRowMajor));
           GpuBuffer<float[]> out = gpu.allocateFloats(nRows);
           GpuBuffer<float[]> y = gpu.upload(toFloats(truth))) {
        run(rows, nRows, nFeatures, out);
        sse = SquaredErrors.sumFloat(gpu, out, y, nRows);
      }
    }
    lastKernelNanos = gpu.kernelNanos() - before;
    return sse / nRows;
  }

  private long run(GpuBuffer<?> rows, int nRows, int nFeatures, GpuBuffer<?> out) {
    String name = precision == Precision.DOUBLE ? "predict_double" : "predict_float";
    try (GpuKernel kernel = program.kernel(name)) {
      long group = Math.min(GROUP, kernel.maxWorkGroupSize());
      long global = Math.ceilDiv(nRows, group) * group;
      return kernel.arg(0, nodes).arg(1, roots).arg(2, forest.numTrees()).arg(3, rows)
          .arg(4, nRows).arg(5, nFeatures).arg(6, out).run(global, group);
    }
  }

  @Override
  public void close() {
    try {
      nodes.close();
    } finally {
      roots.close();
    }
  }

  /* ---------------- Device layouts ---------------- */

  /**
   * Two longs per node: the value's bits, then feature in the low and left child in the high half.
   * Public for the benchmarks' kernel-only row, as are the float layout and the kernel sources.
   */
  public static long[] doubleNodes(FlatForest f) {
    int n = f.numNodes();
    long[] nodes = new long[2 * n];
    for (int i = 0; i < n; i++) {
      double value = f.isLeaf(i) ? f.leafValue(i) : f.split(i);
      nodes[2 * i] = Double.doubleToRawLongBits(value);
      nodes[2 * i + 1] = ((long) f.leftChild(i) << 32) | (f.feature(i) & 0xFFFF_FFFFL);
    }
    return nodes;
  }

  /** Four ints per node: value as float bits (splits rounded down), feature, left child, 0. */
  public static int[] floatNodes(FlatForest f) {
    int n = f.numNodes();
    int[] nodes = new int[4 * n];
    for (int i = 0; i < n; i++) {
      float value = f.isLeaf(i) ? (float) f.leafValue(i) : ForestInference.floatSplit(f.split(i));
      nodes[4 * i] = Float.floatToRawIntBits(value);
      nodes[4 * i + 1] = f.feature(i);
      nodes[4 * i + 2] = f.leftChild(i);
    }
    return nodes;
  }

  private static void checkFloatRange(FlatForest f) {
    if (f.numTrees() > ForestInference.MAX_TREES_FOR_BOUND) {
      throw new IllegalArgumentException("precision SINGLE supports at most "
          + ForestInference.MAX_TREES_FOR_BOUND + " trees, got " + f.numTrees());
    }
    // The leaf sum must stay finite in float: n leaves of at most max each.
    if (f.maxAbsLeafValue() * f.numTrees() > Float.MAX_VALUE) {
      throw new IllegalArgumentException("precision SINGLE needs numTrees * max |leaf| <= "
          + Float.MAX_VALUE + ", got " + f.numTrees() + " * " + f.maxAbsLeafValue());
    }
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
