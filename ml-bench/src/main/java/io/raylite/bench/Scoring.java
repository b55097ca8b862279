package io.raylite.bench;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.Resources;
import io.raylite.gpu.DeviceKind;
import io.raylite.gpu.GpuContext;
import io.raylite.gpu.OpenClDevice;
import io.raylite.gpu.OpenClDevices;
import io.raylite.gpu.forest.FlatForest;
import io.raylite.gpu.forest.ForestInference;
import java.util.Objects;
import smile.regression.RandomForest;

/**
 * Where a forest's test-set MSE is computed: on the CPU with Smile's {@code predict}, or with
 * {@code --gpu} by the gpu module's kernels on the runtime's GPU 0. The test rows are flattened
 * once; each forest is flattened once and scored with one kernel launch (predictions) and one
 * reduction.
 *
 * <p>On a real GPU (or accelerator) each forest is put in the object store and scored by a task
 * of half a GPU (so two models can share a device) and no CPU. The task asks for no CPU because
 * the thread that waits for it may hold the model task's CPU without lending it (in the parallel
 * mode it is the model's private training thread, not an engine worker); a scoring task that also
 * wanted a CPU could then wait forever for one.
 *
 * <p>On a CPU device (PoCL's, which the gpu module offers as GPU 0 when there is no GPU) the
 * kernels run on the very cores the engine hands out as CPUs. A separate task of no CPU would run
 * them beside the training tasks, unaccounted; and in the nested mode a model task waiting for it
 * lends its CPU, so the engine starts a spare worker and a third forest grows on two cores. So on
 * a CPU device the model's own thread runs the kernels, under the CPU its task holds: nothing
 * waits, nothing is lent, and the device's work counts against the CPU it uses. PoCL still spreads
 * one kernel over its own threads, one per core, for the tenth of a second a forest's scoring
 * takes; {@code POCL_MAX_PTHREAD_COUNT=1} in the environment keeps it to one.
 *
 * <p>Predictions on the device are Smile's bit for bit (the gpu module's double kernel sums leaves
 * in tree order). The device adds the squared errors in a tree of partial sums instead of row
 * order, so the GPU MSE may differ from the CPU one in the last bits, far below the 4 printed
 * decimals; it is the same on every run on one device.
 */
final class Scoring implements java.io.Serializable {
  /** The name of the scoring task in logs and the timeline. */
  static final String GPU_TASK_NAME = "score_on_gpu";

  /** Why {@code --gpu} cannot run here, and what to install. */
  static final String NO_DEVICE = "--gpu needs an OpenCL device, and none was found. Install an "
      + "OpenCL driver: on Debian/Ubuntu 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd' "
      + "gives a CPU device, a GPU vendor's driver gives the GPU.";

  /** How much of a device one scoring task holds. */
  static final double GPU_SHARE = 0.5;

  private static final Scoring CPU = new Scoring(null, null, null, null, null, null);

  /** Where to score: Smile on the CPU, a GPU task, or the model's own thread on a CPU device. */
  enum Where {
    /** Smile's predict on the calling thread. */
    CPU,
    /** The gpu module's kernels in a task of half a GPU and no CPU. */
    GPU_TASK,
    /** The gpu module's kernels on a CPU OpenCL device, run by the calling thread. */
    CPU_DEVICE
  }

  /**
   * Only CPU scoring crosses to a cluster node; GPU scoring holds refs of its own runtime. The
   * device is transient too, as it is null there: the cluster's codec refuses a class whose fields
   * are of a type that is not serializable, even when they hold null.
   */
  private final transient Raylite ray;
  private final ObjectRef<double[]> testRows;
  private final ObjectRef<double[]> testTargets;
  private final transient OpenClDevice device;
  private final double[] rows;
  private final double[] targets;

  private Scoring(Raylite ray, ObjectRef<double[]> testRows, ObjectRef<double[]> testTargets, OpenClDevice device,
      double[] rows, double[] targets) {
    this.ray = ray;
    this.testRows = testRows;
    this.testTargets = testTargets;
    this.device = device;
    this.rows = rows;
    this.targets = targets;
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
      throw new IllegalStateException(NO_DEVICE);
    }
    OpenClDevice gpu0 = OpenClDevices.system().gpu(0);
    if (gpu0.kind() == DeviceKind.CPU) {
      return onDevice(gpu0, test);
    }
    return inTasks(ray, test);
  }

  /** Scoring by GPU tasks of {@code ray} whatever the device: how a GPU or accelerator is used. */
  static Scoring inTasks(Raylite ray, HousingData test) {
    return new Scoring(ray, ray.put(rowMajor(test)), ray.put(test.target().clone()), null, null, null);
  }

  /** Scoring on {@code device} by the calling thread, with no task: how a CPU device is used. */
  static Scoring onDevice(OpenClDevice device, HousingData test) {
    return new Scoring(null, null, null, Objects.requireNonNull(device, "device"), rowMajor(test),
        test.target().clone());
  }

  private static double[] rowMajor(HousingData test) {
    int features = HousingData.FEATURE_NAMES.size();
    double[] rows = new double[test.size() * features];
    for (int r = 0; r < test.size(); r++) {
      System.arraycopy(test.features()[r], 0, rows, r * features, features);
    }
    return rows;
  }

  Where where() {
    return device != null ? Where.CPU_DEVICE : ray != null ? Where.GPU_TASK : Where.CPU;
  }

  boolean onGpu() {
    return where() != Where.CPU;
  }

  /** The test-set MSE of {@code forest}. */
  double mse(RandomForest forest, HousingData test) {
    return switch (where()) {
      case CPU -> Models.meanSquaredError(forest, test);
      case CPU_DEVICE -> {
        int features = HousingData.FEATURE_NAMES.size();
        try (GpuContext gpu = GpuContext.open(device)) {
          yield ForestInference.mse(gpu, SmileForests.flatten(forest), rows, rows.length / features, features,
              targets);
        }
      }
      case GPU_TASK -> {
        ObjectRef<FlatForest> flat = ray.put(SmileForests.flatten(forest));
        ObjectRef<Double> mse = ray.task(ForestInference::mseOnAssignedGpu, flat, testRows,
                HousingData.FEATURE_NAMES.size(), testTargets)
            .numCpus(0).numGpus(GPU_SHARE).name(GPU_TASK_NAME).remote();
        yield ray.get(mse);
      }
    };
  }
}
