package io.raylite.gpu.forest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.gpu.forest.RandomForests.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Forest inference and test-set MSE as ordinary GPU tasks of a runtime. */
class ForestTasksTest {
  private static final int N_FEATURES = 5;

  @Test
  void predictAndMse_runAsFractionalGpuTasks() {
    FlatForest forest = RandomForests.flatten(
        RandomForests.trees(Shape.MIXED, 30, N_FEATURES, 11), N_FEATURES);
    int nRows = 2_000;
    double[] rows = RandomForests.rows(forest, nRows, N_FEATURES, 12);
    double[] truth = new SplittableRandom(13).doubles(nRows, -100, 100).toArray();
    double[] expected = forest.predict(rows, nRows, N_FEATURES);
    double sse = 0;
    for (int i = 0; i < nRows; i++) {
      sse += (truth[i] - expected[i]) * (truth[i] - expected[i]);
    }

    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ObjectRef<FlatForest> forestRef = ray.put(forest);
      ObjectRef<double[]> rowsRef = ray.put(rows);
      List<ObjectRef<double[]>> predictions = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        predictions.add(ray.task(ForestInference::predictOnAssignedGpu, forestRef, rowsRef,
            N_FEATURES).numGpus(0.5).remote());
      }
      ObjectRef<Double> mse = ray.task(ForestInference::mseOnAssignedGpu, forestRef, rowsRef,
          N_FEATURES, truth).numGpus(0.5).name("device_mse").remote();
      for (double[] p : ray.get(predictions)) {
        assertArrayEquals(expected, p);
      }
      assertEquals(sse / nRows, ray.get(mse), (nRows + 1) * 0x1p-52 * sse / nRows);
    }
  }
}
