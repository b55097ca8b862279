package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raylite.Raylite;
import io.raylite.Resources;
import io.raylite.gpu.DeviceKind;
import io.raylite.gpu.OpenClDevices;
import io.raylite.gpu.forest.FlatForest;
import io.raylite.gpu.forest.ForestInference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smile.regression.RandomForest;

/**
 * The Smile-to-FlatForest converter, and scoring on a GPU (or PoCL's CPU device, where there is no
 * GPU) against scoring on the CPU. The GPU tests need an OpenCL driver, as the gpu module's do;
 * without one they fail with the install hint rather than skip.
 */
class GpuScoringTest {
  private static HousingData train;
  private static HousingData test;
  private static RandomForest forest;

  @BeforeAll
  static void trainASmallForest() {
    TrainTestSplit split = TrainTestSplit.reference(CaliforniaHousing.load());
    train = split.train().head(3_000);
    test = split.test();
    try (ForkJoinPool one = new ForkJoinPool(1)) {
      forest = one.submit(() -> Models.fit(train, 6)).join();
    }
  }

  private static double[] smilePredictions() {
    return forest.predict(Models.frame(test));
  }

  @Test
  void flatten_keepsEveryTreeAndPredictsSmilesBits() {
    FlatForest flat = SmileForests.flatten(forest);
    assertEquals(6, flat.numTrees());
    assertEquals(8, flat.numFeatures());
    int smileNodes = 0;
    for (var tree : forest.trees()) {
      smileNodes += tree.size();
    }
    assertEquals(smileNodes, flat.numNodes());
    double[] expected = smilePredictions();
    for (int r = 0; r < test.size(); r++) {
      assertEquals(expected[r], flat.predict(test.features()[r]), "row " + r);
    }
  }

  private static Raylite gpuRuntime() {
    Raylite ray = Raylite.builder().cpus(2).logStream(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)).build();
    if (ray.totalResources().getOrDefault(Resources.GPU, 0.0) <= 0) {
      ray.close();
      fail("no OpenCL device: install ocl-icd-libopencl1 and pocl-opencl-icd (.ci/run does), or a GPU driver");
    }
    return ray;
  }

  @Test
  void gpuKernel_predictsSmilesBits() {
    try (Raylite ray = gpuRuntime()) {
      double[] rows = new double[test.size() * 8];
      for (int r = 0; r < test.size(); r++) {
        System.arraycopy(test.features()[r], 0, rows, r * 8, 8);
      }
      double[] onGpu = ray.get(ray.task(ForestInference::predictOnAssignedGpu, SmileForests.flatten(forest), rows, 8)
          .numCpus(0).numGpus(1).remote());
      assertArrayEquals(smilePredictions(), onGpu);
    }
  }

  @Test
  void gpuScoring_givesTheCpuMse() {
    try (Raylite ray = gpuRuntime()) {
      double onGpu = Scoring.gpu(ray, test).mse(forest, test);
      double onCpu = Scoring.cpu().mse(forest, test);
      // Same predictions; only the order in which the squared errors are added differs.
      assertEquals(onCpu, onGpu, 1e-12 * onCpu);
      assertEquals(String.format("%.4f", onCpu), String.format("%.4f", onGpu));
    }
  }

  @Test
  void everyMode_withGpuScoring_givesTheCpuMses() {
    List<Integer> sizes = List.of(2, 3);
    ModeResult cpu = new SequentialRunner().run(train, test, sizes, run -> {});
    try (Raylite ray = gpuRuntime()) {
      ModeResult sequential = new SequentialRunner().run(train, test, sizes, Scoring.gpu(ray, test), run -> {});
      ModeResult parallel = EngineRunner.run(ray, Mode.PARALLEL, train, test, sizes, true, run -> {});
      ModeResult nested = EngineRunner.run(ray, Mode.NESTED, train, test, sizes, true, run -> {});
      for (ModeResult gpu : List.of(sequential, parallel, nested)) {
        for (int i = 0; i < sizes.size(); i++) {
          double expected = cpu.runs().get(i).mse();
          assertEquals(expected, gpu.runs().get(i).mse(), 1e-12 * expected, gpu.mode().label());
          // One device adds in one order: every mode gets the same bits.
          assertEquals(sequential.runs().get(i).mse(), gpu.runs().get(i).mse(), gpu.mode().label());
        }
      }
    }
  }

  @Test
  void gpuScoring_onACpuDevice_runsOnTheModelsThread_andOnAGpu_inATask() {
    try (Raylite ray = gpuRuntime()) {
      boolean cpuDevice = OpenClDevices.system().gpu(0).kind() == DeviceKind.CPU;
      assertEquals(cpuDevice ? Scoring.Where.CPU_DEVICE : Scoring.Where.GPU_TASK, Scoring.gpu(ray, test).where());
    }
  }

  @Test
  void parallelMode_scoringInGpuTasks_givesTheCpuMses() {
    // What a GPU or accelerator gets; forced here so that a machine with only PoCL runs it too.
    List<Integer> sizes = List.of(2, 3);
    ModeResult cpu = new SequentialRunner().run(train, test, sizes, run -> {});
    ModeResult parallel;
    try (Raylite ray = gpuRuntime()) {
      Scoring inTasks = Scoring.inTasks(ray, test);
      assertEquals(Scoring.Where.GPU_TASK, inTasks.where());
      parallel = EngineRunner.run(ray, Mode.PARALLEL, train, test, sizes, inTasks, run -> {});
    }
    for (int i = 0; i < sizes.size(); i++) {
      double expected = cpu.runs().get(i).mse();
      assertEquals(expected, parallel.runs().get(i).mse(), 1e-12 * expected);
    }
  }

  @Test
  void nestedMode_scoringOnTheModelsThread_startsNoSpareWorker_andGivesTheCpuMses() {
    List<Integer> sizes = List.of(2, 3, 4, 5);
    ModeResult cpu = new SequentialRunner().run(train, test, sizes, run -> {});
    Scoring onDevice = Scoring.onDevice(OpenClDevices.system().gpu(0), test);
    ModeResult nested;
    try (Raylite ray = gpuRuntime()) {
      nested = EngineRunner.run(ray, Mode.NESTED, train, test, sizes, onDevice, run -> {});
    }
    // Nothing waits in get, so no CPU is lent and the engine's two workers are the only ones.
    assertTrue(nested.runs().stream().map(ModelRun::worker).distinct().count() <= 2, nested.runs().toString());
    for (int i = 0; i < sizes.size(); i++) {
      double expected = cpu.runs().get(i).mse();
      assertEquals(expected, nested.runs().get(i).mse(), 1e-12 * expected);
    }
  }

  @Test
  void gpuScoring_withoutADevice_failsWithAnInstallHint() {
    try (Raylite ray = Raylite.builder().cpus(1).gpus(0).build()) {
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> Scoring.gpu(ray, test));
      assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
    }
  }
}
