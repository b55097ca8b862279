package io.raylite.bench;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.Resources;
import io.raylite.gpu.forest.FlatForest;
import io.raylite.gpu.forest.ForestInference;
import java.util.Objects;
import smile.regression.RandomForest;

/**
 * Where a forest's test-set MSE is computed: on the CPU with Smile's {@code predict}, or with
 * {@code --gpu} by the gpu module's kernels in a GPU task. For the GPU the test rows are put in the
 * object store once; each forest is flattened, put once, and scored by a task of half a GPU (so two
 * models can share a device) and no CPU.
 *
 * <p>The GPU task asks for no CPU because the thread that waits for it may hold the model task's
 * CPU without lending it (in the parallel mode it is the model's private training thread, not an
 * engine worker); a scoring task that also wanted a CPU could then wait forever for one.
 *
 * <p>Predictions on the device are Smile's bit for bit (the gpu module's double kernel sums leaves
 * in tree order). The device adds the squared errors in a tree of partial sums instead of row
 * order, so the GPU MSE may differ from the CPU one in the last bits, far below the 4 printed
 * decimals; it is the same on every run on one device.
 */
final class Scoring implements java.io.Serializable {
  /** The name of the scoring task in logs and the timeline. */
  static final String GPU_TASK_NAME = "score_on_gpu";

  /** How much of a device one scoring task holds. */
  static final double GPU_SHARE = 0.5;

  private static final Scoring CPU = new Scoring(null, null, null);

  /** Only CPU scoring crosses to a cluster node; GPU scoring holds refs of its own runtime. */
  private final transient Raylite ray;
  private final ObjectRef<double[]> testRows;
  private final ObjectRef<double[]> testTargets;

  private Scoring(Raylite ray, ObjectRef<double[]> testRows, ObjectRef<double[]> testTargets) {
    this.ray = ray;
    this.testRows = testRows;
    this.testTargets = testTargets;
  }

  /** CPU scoring read back on a cluster node is the node's own CPU scoring. */
  private Object readResolve() {
    return testRows == null ? CPU : this;
  }

  /** Scoring on the CPU, on the thread that trained the forest. */
  static Scoring cpu() {
    return CPU;
  }

  /**
   * Scoring by GPU tasks of {@code ray}, which must offer a GPU.
   *
   * @throws IllegalStateException if the runtime has no GPU
   */
  static Scoring gpu(Raylite ray, HousingData test) {
    Objects.requireNonNull(ray, "ray");
    if (ray.totalResources().getOrDefault(Resources.GPU, 0.0) <= 0) {
      throw new IllegalStateException("--gpu needs an OpenCL device, and none was found. Install an "
          + "OpenCL driver: on Debian/Ubuntu 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd' "
          + "gives a CPU device, a GPU vendor's driver gives the GPU.");
    }
    int features = HousingData.FEATURE_NAMES.size();
    double[] rows = new double[test.size() * features];
    for (int r = 0; r < test.size(); r++) {
      System.arraycopy(test.features()[r], 0, rows, r * features, features);
    }
    return new Scoring(ray, ray.put(rows), ray.put(test.target().clone()));
  }

  boolean onGpu() {
    return ray != null;
  }

  /** The test-set MSE of {@code forest}. */
  double mse(RandomForest forest, HousingData test) {
    if (!onGpu()) {
      return Models.meanSquaredError(forest, test);
    }
    ObjectRef<FlatForest> flat = ray.put(SmileForests.flatten(forest));
    ObjectRef<Double> mse = ray.task(ForestInference::mseOnAssignedGpu, flat, testRows,
            HousingData.FEATURE_NAMES.size(), testTargets)
        .numCpus(0).numGpus(GPU_SHARE).name(GPU_TASK_NAME).remote();
    return ray.get(mse);
  }
}
