package io.raylite.gpu.forest;

import io.raylite.gpu.GpuContext;
import io.raylite.gpu.GpuProgram;
import java.util.Objects;

/**
 * Random-forest batch inference and test-set error on an OpenCL device, for use inside GPU tasks.
 *
 * <pre>{@code
 * ObjectRef<Double> mse = ray.task(ForestInference::mseOnAssignedGpu, forest, rows, nFeatures, y)
 *     .numGpus(0.5).remote();
 * }</pre>
 *
 * <h2>Precision</h2>
 *
 * {@link Precision#DOUBLE} returns exactly {@link FlatForest#predict(double[])}: the same walk,
 * the same additions in the same order, one division. {@link Precision#SINGLE} is for devices
 * without fast doubles: features, split values and leaves are floats, with split values rounded
 * toward -infinity ({@link #floatSplit}) so that for float-representable features every row takes
 * the same path through every tree as in double precision. The prediction then differs from the
 * double one only by rounding of the leaf sum, at most {@link #singlePrecisionErrorBound}.
 */
public final class ForestInference {
  /** Which arithmetic the kernels use. */
  public enum Precision {
    /** Bit-for-bit the Java reference; needs a device with double support. */
    DOUBLE,
    /** Floats throughout; within {@link #singlePrecisionErrorBound} of the reference. */
    SINGLE
  }

  /** The kernels' sources; public for the benchmarks' kernel-only row (see DeviceForest.doubleNodes). */
  public static final String FOREST_DOUBLE = GpuProgram.loadSource(ForestInference.class,
      "forest_double.cl");
  public static final String FOREST_FLOAT = GpuProgram.loadSource(ForestInference.class,
      "forest_float.cl");
  static final String SSE = GpuProgram.loadSource(ForestInference.class, "sse.cl");

  /** The single-precision bound holds for forests up to this many trees. */
  static final int MAX_TREES_FOR_BOUND = 1 << 20;

  private ForestInference() {}

  /**
   * Copies the forest to the device, to predict many batches without copying it again.
   *
   * @throws IllegalArgumentException for {@link Precision#DOUBLE} on a device without doubles,
   *     or for {@link Precision#SINGLE} when a leaf or leaf sum exceeds the float range
   */
  public static DeviceForest upload(GpuContext gpu, FlatForest forest, Precision precision) {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(forest, "forest");
    Objects.requireNonNull(precision, "precision");
    return new DeviceForest(gpu, forest, precision);
  }

  /** Predicts {@code nRows} rows of {@code nFeatures} values each in double precision. */
  public static double[] predict(GpuContext gpu, FlatForest forest, double[] rowsRowMajor,
      int nRows, int nFeatures) {
    return predict(gpu, forest, rowsRowMajor, nRows, nFeatures, Precision.DOUBLE);
  }

  /** Predicts {@code nRows} rows of {@code nFeatures} values each in the given precision. */
  public static double[] predict(GpuContext gpu, FlatForest forest, double[] rowsRowMajor,
      int nRows, int nFeatures, Precision precision) {
    try (DeviceForest onDevice = upload(gpu, forest, precision)) {
      return onDevice.predict(rowsRowMajor, nRows, nFeatures);
    }
  }

  /**
   * The mean squared error of the double-precision predictions against {@code truth}, computed on
   * the device: predictions and squared errors never leave it, one number comes back.
   */
  public static double mse(GpuContext gpu, FlatForest forest, double[] rowsRowMajor, int nRows,
      int nFeatures, double[] truth) {
    try (DeviceForest onDevice = upload(gpu, forest, Precision.DOUBLE)) {
      return onDevice.mse(rowsRowMajor, nRows, nFeatures, truth);
    }
  }

  /**
   * {@code sum((predicted[i] - truth[i])^2)} on the device, in double precision. The additions
   * are grouped differently from a sequential loop, so the result may differ from one in the last
   * bits (both are within {@code n * 2^-53 * sum} of the exact value); it is the same on every run
   * on one device.
   */
  public static double sumOfSquaredErrors(GpuContext gpu, double[] predicted, double[] truth) {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(truth, "truth");
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException("predicted and truth must have the same length, got "
          + predicted.length + " and " + truth.length);
    }
    if (predicted.length == 0) {
      return 0;
    }
    try (var p = gpu.upload(predicted); var t = gpu.upload(truth)) {
      return SquaredErrors.sum(gpu, p, t, predicted.length);
    }
  }

  /* ---------------- Task bodies ---------------- */

  /**
   * A GPU task's body: predicts the rows (row-major, {@code nFeatures} each) in double precision
   * on the first GPU assigned to the task.
   */
  public static double[] predictOnAssignedGpu(FlatForest forest, double[] rowsRowMajor,
      int nFeatures) {
    int nRows = rowCount(rowsRowMajor, nFeatures);
    try (GpuContext gpu = GpuContext.open()) {
      return predict(gpu, forest, rowsRowMajor, nRows, nFeatures);
    }
  }

  /** A GPU task's body: the test-set mean squared error, computed on the assigned GPU. */
  public static double mseOnAssignedGpu(FlatForest forest, double[] rowsRowMajor, int nFeatures,
      double[] truth) {
    int nRows = rowCount(rowsRowMajor, nFeatures);
    try (GpuContext gpu = GpuContext.open()) {
      return mse(gpu, forest, rowsRowMajor, nRows, nFeatures, truth);
    }
  }

  private static int rowCount(double[] rowsRowMajor, int nFeatures) {
    Objects.requireNonNull(rowsRowMajor, "rowsRowMajor");
    if (nFeatures < 1 || rowsRowMajor.length % nFeatures != 0) {
      throw new IllegalArgumentException("nFeatures must be >= 1 and divide rowsRowMajor.length = "
          + rowsRowMajor.length + ", got " + nFeatures);
    }
    return rowsRowMajor.length / nFeatures;
  }

  /* ---------------- Single precision ---------------- */

  /**
   * The largest float not above {@code split}. For every float {@code x}, {@code x <= split}
   * exactly when {@code x <= floatSplit(split)}: rounding to nearest instead could move the
   * threshold above a float lying between the two and send it left when it belongs right.
   */
  public static float floatSplit(double split) {
    float f = (float) split;
    return f > split ? Math.nextDown(f) : f;
  }

  /**
   * The most a {@link Precision#SINGLE} prediction may differ from the double one for rows of
   * float-representable features: {@code (nTrees + 6) * 2^-24 * maxAbsLeafValue}.
   *
   * <p>Why: each leaf rounded to float errs by at most {@code u = 2^-24} relative; summing the
   * {@code n} floats in order adds at most {@code (n - 1) u} relative to the sum of magnitudes,
   * so the sum is within {@code n u (1 + n u)} of the exact one; the OpenCL float division may
   * err by 2.5 ulp (5u relative); the double reference itself is within {@code n 2^-53}. Dividing
   * by {@code n}, the mean of the leaf magnitudes is at most the largest leaf magnitude, and the
   * {@code 6u} covers the division and the second-order terms while {@code n <= 2^20}. On devices
   * that flush float denormals to zero, feature values below {@code 2^-126} in magnitude compare
   * as 0 and may take another path.
   */
  public static double singlePrecisionErrorBound(FlatForest forest) {
    Objects.requireNonNull(forest, "forest");
    return (forest.numTrees() + 6) * 0x1p-24 * forest.maxAbsLeafValue();
  }
}
