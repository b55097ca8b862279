package io.raylite.jmh.forest;

import io.raylite.bench.CaliforniaHousing;
import io.raylite.bench.HousingData;
import io.raylite.bench.MlBenchInternals;
import io.raylite.bench.Models;
import io.raylite.bench.TrainTestSplit;
import io.raylite.gpu.GpuBuffer;
import io.raylite.gpu.GpuContext;
import io.raylite.gpu.GpuKernel;
import io.raylite.gpu.OpenClDevices;
import io.raylite.gpu.forest.DeviceForest;
import io.raylite.gpu.forest.FlatForest;
import io.raylite.gpu.forest.ForestInference.Precision;
import io.raylite.gpu.forest.ForestInference;
import io.raylite.gpu.forest.SquaredErrors;
import java.util.Arrays;
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
import smile.data.DataFrame;
import smile.regression.RandomForest;

/**
 * Forest inference on the reference test set (4,128 rows of 8 features) with one of the
 * reference's forests ({@code trees} trees, trained as ml-bench trains them on the reference
 * training set, or on its first {@code fitRows} rows for a smaller forest), on OpenCL GPU 0
 * against Smile on the CPU; and the test-set MSE reduction on the
 * device against a Java loop. Microseconds per call.
 *
 * <ul>
 *   <li>{@code smile_predict}: Smile's {@code RandomForest.predict(DataFrame)}, one thread, the
 *       baseline. {@code java_flatForestPredict}: the Java walk over the flattened forest.
 *   <li>{@code device_predictEndToEnd}: {@link ForestInference#predict} from host arrays to host
 *       predictions: the forest and the rows are copied to the device, the kernel runs, the
 *       predictions are read back (the program comes compiled from the per-device cache).
 *   <li>{@code device_predictResidentForest}: {@link DeviceForest#predict}, the forest already on
 *       the device: rows in, kernel, predictions out.
 *   <li>{@code device_predictKernelOnly}: the prediction kernel alone, rows and output resident.
 *   <li>{@code java_mseLoop}: the MSE of given predictions in a Java loop, the baseline of
 *       {@code device_mseEndToEnd} (both arrays copied in, the two-stage reduction, one number
 *       back) and {@code device_mseResident} (both arrays already on the device).
 *   <li>{@code smile_forestMse}: a forest's test-set MSE as ml-bench computes it on the CPU (data
 *       frame, Smile's predict, Java loop), against {@code device_forestMseEndToEnd}, the call
 *       ml-bench's {@code --gpu} GPU task makes: {@link ForestInference#mse}, predictions and
 *       squared errors on the device, one number back.
 * </ul>
 *
 * <p>This class lives in the kernels' package to run the prediction kernel on resident buffers
 * and the reduction on its own. The device is the first offered by OpenCL discovery: on a machine
 * without a GPU, that is PoCL's CPU device, which shares the CPU cores with the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ForestInferenceBenchmark {
  private static final int FEATURES = HousingData.FEATURE_NAMES.size();
  /** Work-items per group, as {@link DeviceForest} runs the prediction kernels. */
  private static final int GROUP = 64;

  /** The test set and a trained forest, in Smile's form and flattened. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"84"})
    int trees;

    /** The first rows of the reference training set the forest is trained on (all by default). */
    @Param({"16512"})
    int fitRows;

    HousingData test;
    RandomForest smileForest;
    DataFrame smileRows;
    FlatForest flatForest;
    double[] rows;
    double[] truth;
    int nRows;
    double[] predicted;

    @Setup(Level.Trial)
    public void load() {
      TrainTestSplit split = TrainTestSplit.reference(CaliforniaHousing.load());
      test = split.test();
      if (fitRows < 1 || fitRows > split.train().size()) {
        throw new IllegalArgumentException("fitRows must be between 1 and " + split.train().size()
            + ", got " + fitRows);
      }
      smileForest = Models.fit(split.train().head(fitRows), trees);
      smileRows = MlBenchInternals.frame(test);
      flatForest = MlBenchInternals.flatten(smileForest);
      nRows = test.size();
      rows = new double[nRows * FEATURES];
      for (int r = 0; r < nRows; r++) {
        System.arraycopy(test.features()[r], 0, rows, r * FEATURES, FEATURES);
      }
      truth = test.target().clone();
      predicted = smileForest.predict(smileRows);
      if (!Arrays.equals(predicted, flatForest.predict(rows, nRows, FEATURES))) {
        throw new IllegalStateException("the flattened forest does not predict what Smile predicts");
      }
    }
  }

  /** A context on GPU 0 with the Smile predictions and the truth resident, for the MSE. */
  @State(Scope.Benchmark)
  public static class Device {
    GpuContext gpu;
    GpuBuffer<double[]> residentPredicted;
    GpuBuffer<double[]> residentTruth;

    @Setup(Level.Trial)
    public void open(Data data) {
      OpenClDevices devices = OpenClDevices.system();
      if (devices.offered().isEmpty()) {
        throw new IllegalStateException("no OpenCL device: " + devices.noDeviceHint());
      }
      gpu = GpuContext.open(devices.gpu(0));
      residentPredicted = gpu.upload(data.predicted);
      residentTruth = gpu.upload(data.truth);
      double loop = javaMse(data.predicted, data.truth);
      double device = SquaredErrors.sum(gpu, residentPredicted, residentTruth, data.nRows) / data.nRows;
      if (Math.abs(device - loop) > (data.nRows + 1) * 0x1p-53 * loop) {
        throw new IllegalStateException("MSE: Java loop " + loop + ", device " + device);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      gpu.close();
    }
  }

  /**
   * The forest on the device in one precision, and the prediction kernel with its arguments set
   * to resident rows and output, as {@link DeviceForest} sets them.
   */
  @State(Scope.Benchmark)
  public static class Predictor {
    @Param({"DOUBLE", "SINGLE"})
    Precision precision;

    GpuContext gpu;
    DeviceForest deviceForest;
    GpuBuffer<?> residentOut;
    GpuKernel kernel;
    long globalSize;
    long groupSize;

    @Setup(Level.Trial)
    public void upload(Data data, Device device) {
      gpu = device.gpu;
      FlatForest forest = data.flatForest;
      boolean dbl = precision == Precision.DOUBLE;
      deviceForest = ForestInference.upload(gpu, forest, precision);
      GpuBuffer<int[]> roots = gpu.upload(Arrays.copyOf(forest.treeOffsets(), forest.numTrees()));
      GpuBuffer<?> nodes = dbl
          ? gpu.upload(DeviceForest.doubleNodes(forest)) : gpu.upload(DeviceForest.floatNodes(forest));
      GpuBuffer<?> rows = dbl ? gpu.upload(data.rows) : gpu.upload(floats(data.rows));
      residentOut = dbl ? gpu.allocateDoubles(data.nRows) : gpu.allocateFloats(data.nRows);
      kernel = gpu.program(dbl ? ForestInference.FOREST_DOUBLE : ForestInference.FOREST_FLOAT, "")
          .kernel(dbl ? "predict_double" : "predict_float");
      kernel.arg(0, nodes).arg(1, roots).arg(2, forest.numTrees()).arg(3, rows)
          .arg(4, data.nRows).arg(5, FEATURES).arg(6, residentOut);
      groupSize = Math.min(GROUP, kernel.maxWorkGroupSize());
      globalSize = Math.ceilDiv(data.nRows, groupSize) * groupSize;
      check(data);
    }

    /** Every way of predicting must agree with Smile before anything is timed. */
    private void check(Data data) {
      double[] endToEnd = ForestInference.predict(gpu, data.flatForest, data.rows, data.nRows, FEATURES, precision);
      double[] resident = deviceForest.predict(data.rows, data.nRows, FEATURES);
      kernel.run(globalSize, groupSize);
      Object out = residentOut.read();
      double[] kernelOnly = out instanceof double[] d ? d : widen((float[]) out);
      // DOUBLE is bit-for-bit Smile's arithmetic. SINGLE rounds the features to float, which may
      // send a row within one float ulp of a split down the other branch, so it is held to the
      // reference walk of the rounded rows, within its documented bound.
      boolean dbl = precision == Precision.DOUBLE;
      double bound = dbl ? 0 : ForestInference.singlePrecisionErrorBound(data.flatForest);
      double[] reference = dbl ? data.predicted
          : data.flatForest.predict(widen(floats(data.rows)), data.nRows, FEATURES);
      for (int r = 0; r < data.nRows; r++) {
        double expected = reference[r];
        if (Math.abs(endToEnd[r] - expected) > bound || Math.abs(resident[r] - expected) > bound
            || Math.abs(kernelOnly[r] - expected) > bound) {
          throw new IllegalStateException("row " + r + ": expected " + expected + ", the device "
              + endToEnd[r] + " / " + resident[r] + " / " + kernelOnly[r] + " (" + precision + ")");
        }
      }
    }

    private static float[] floats(double[] values) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = (float) values[i];
      }
      return out;
    }

    private static double[] widen(float[] values) {
      double[] out = new double[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = values[i];
      }
      return out;
    }
  }

  static double javaMse(double[] predicted, double[] truth) {
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      double error = truth[i] - predicted[i];
      sum += error * error;
    }
    return sum / truth.length;
  }

  /* ---------------- Prediction ---------------- */

  @Benchmark
  public double[] smile_predict(Data data) {
    return data.smileForest.predict(data.smileRows);
  }

  @Benchmark
  public double[] java_flatForestPredict(Data data) {
    return data.flatForest.predict(data.rows, data.nRows, FEATURES);
  }

  @Benchmark
  public double[] device_predictEndToEnd(Data data, Predictor p) {
    return ForestInference.predict(p.gpu, data.flatForest, data.rows, data.nRows, FEATURES, p.precision);
  }

  @Benchmark
  public double[] device_predictResidentForest(Data data, Predictor p) {
    return p.deviceForest.predict(data.rows, data.nRows, FEATURES);
  }

  @Benchmark
  public long device_predictKernelOnly(Predictor p) {
    return p.kernel.run(p.globalSize, p.groupSize);
  }

  /* ---------------- Test-set MSE ---------------- */

  @Benchmark
  public double java_mseLoop(Data data) {
    return javaMse(data.predicted, data.truth);
  }

  @Benchmark
  public double device_mseEndToEnd(Data data, Device device) {
    return ForestInference.sumOfSquaredErrors(device.gpu, data.predicted, data.truth) / data.nRows;
  }

  @Benchmark
  public double smile_forestMse(Data data) {
    return Models.meanSquaredError(data.smileForest, data.test);
  }

  @Benchmark
  public double device_forestMseEndToEnd(Data data, Device device) {
    return ForestInference.mse(device.gpu, data.flatForest, data.rows, data.nRows, FEATURES, data.truth);
  }

  @Benchmark
  public double device_mseResident(Data data, Device device) {
    return SquaredErrors.sum(device.gpu, device.residentPredicted, device.residentTruth, data.nRows) / data.nRows;
  }
}
