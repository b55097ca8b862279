package io.raylite.gpu.forest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.gpu.GpuContext;
import io.raylite.gpu.OpenClDevices;
import io.raylite.gpu.forest.FlatForest.Leaf;
import io.raylite.gpu.forest.FlatForest.Node;
import io.raylite.gpu.forest.FlatForest.Split;
import io.raylite.gpu.forest.ForestInference.Precision;
import io.raylite.gpu.forest.RandomForests.Shape;
import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kernels against the Java tree walk, on the first offered device, outside any task. */
class ForestInferenceTest {
  private static final int N_FEATURES = 7;
  private static GpuContext gpu;

  @BeforeAll
  static void open() {
    gpu = GpuContext.open(OpenClDevices.system().gpu(0));
  }

  @AfterAll
  static void close() {
    gpu.close();
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void doublePath_equalsTheJavaTreeWalkBitForBit(Shape shape) {
    List<Node> trees = RandomForests.trees(shape, 37, N_FEATURES, shape.ordinal());
    FlatForest forest = RandomForests.flatten(trees, N_FEATURES);
    int nRows = 1_001; // not a multiple of the work-group size: padding work-items must do nothing
    double[] rows = RandomForests.rows(forest, nRows, N_FEATURES, 100 + shape.ordinal());
    double[] got = ForestInference.predict(gpu, forest, rows, nRows, N_FEATURES);
    for (int r = 0; r < nRows; r++) {
      int row = r;
      double expected = RandomForests.walk(trees, rows, row, N_FEATURES);
      assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got[row]),
          () -> "row " + row);
    }
  }

  @Test
  void doublePath_sumsInTreeOrder() {
    // The three orders of 0.1, 0.2, 0.3 give different bits; the device must pick the trees'.
    FlatForest forest = FlatForest.builder(1)
        .addTree(new Leaf(0.1)).addTree(new Leaf(0.2)).addTree(new Leaf(0.3)).build();
    double[] got = ForestInference.predict(gpu, forest, new double[] {0}, 1, 1);
    assertEquals((0.1 + 0.2 + 0.3) / 3, got[0]);
    assertNotEquals((0.3 + 0.2 + 0.1) / 3, got[0]);
  }

  @Test
  void deepChain_walksToTheBottom() {
    Node tree = new Leaf(1);
    for (int i = 0; i < 5_000; i++) {
      tree = new Split(0, i, tree, new Leaf(-i));
    }
    FlatForest forest = FlatForest.builder(1).addTree(tree).build();
    double[] got = ForestInference.predict(gpu, forest, new double[] {-1, 2.5, 1e9}, 3, 1);
    assertArrayEquals(forest.predict(new double[] {-1, 2.5, 1e9}, 3, 1), got);
    assertEquals(1, got[0]);
  }

  @Test
  void rowStrideWiderThanTheForest_isHonoured() {
    List<Node> trees = RandomForests.trees(Shape.WIDE, 5, 3, 9);
    FlatForest forest = RandomForests.flatten(trees, 3);
    int stride = 5;
    double[] rows = RandomForests.rows(forest, 50, stride, 10);
    assertArrayEquals(forest.predict(rows, 50, stride),
        ForestInference.predict(gpu, forest, rows, 50, stride));
  }

  @Test
  void emptyBatch_givesNoPredictions() {
    FlatForest forest = FlatForest.builder(2).addTree(new Leaf(1)).build();
    assertEquals(0, ForestInference.predict(gpu, forest, new double[0], 0, 2).length);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void singlePath_staysWithinTheStatedBound(Shape shape) {
    List<Node> trees = RandomForests.trees(shape, 64, N_FEATURES, 50 + shape.ordinal());
    FlatForest forest = RandomForests.flatten(trees, N_FEATURES);
    int nRows = 777;
    double[] rows = RandomForests.floatRows(forest, nRows, N_FEATURES, 60 + shape.ordinal());
    double bound = ForestInference.singlePrecisionErrorBound(forest);
    double[] single = ForestInference.predict(gpu, forest, rows, nRows, N_FEATURES,
        Precision.SINGLE);
    double[] reference = forest.predict(rows, nRows, N_FEATURES);
    double worst = 0;
    for (int r = 0; r < nRows; r++) {
      worst = Math.max(worst, Math.abs(single[r] - reference[r]));
    }
    assertTrue(worst <= bound, "worst error " + worst + " > bound " + bound);
  }

  @Test
  void singlePath_roundsSplitsDownSoFloatFeaturesTakeTheDoublePath() {
    // x is a float; the split lies just below it, closer to x than to the float below x. Rounding
    // the split to nearest would give x itself and send x left; the double walk sends it right.
    float x = 0.7f;
    double split = (double) x - Math.ulp(x) / 4.0;
    assertTrue(split < x);
    assertEquals(x, (float) split, "to-nearest rounding would land on x");
    FlatForest forest = FlatForest.builder(1)
        .addTree(new Split(0, split, new Leaf(-1000), new Leaf(1000))).build();
    double[] rows = {x, Math.nextDown(x), split};
    double[] single = ForestInference.predict(gpu, forest, new double[] {x, Math.nextDown(x)}, 2,
        1, Precision.SINGLE);
    assertArrayEquals(new double[] {1000, -1000}, single);
    assertEquals(1000, forest.predict(rows, 3, 1)[0]);
    assertEquals(Math.nextDown(x), ForestInference.floatSplit(split));
    assertEquals(x, ForestInference.floatSplit(x), "float splits stay as they are");
    assertEquals(Float.MAX_VALUE, ForestInference.floatSplit(1e300));
    assertEquals(Float.NEGATIVE_INFINITY, ForestInference.floatSplit(-1e300));
  }

  @Test
  void singlePath_rejectsLeafSumsBeyondTheFloatRange() {
    FlatForest forest = FlatForest.builder(1).addTree(new Leaf(1e38)).addTree(new Leaf(1e38))
        .addTree(new Leaf(1e38)).addTree(new Leaf(1e38)).build();
    assertThrows(IllegalArgumentException.class,
        () -> ForestInference.upload(gpu, forest, Precision.SINGLE));
  }

  @Test
  void sumOfSquaredErrors_agreesWithAJavaLoopWithinTheRoundingBound() {
    SplittableRandom random = new SplittableRandom(3);
    for (int n : new int[] {1, 2, 255, 256, 257, 10_000, 100_003}) {
      double[] predicted = random.doubles(n, -50, 50).toArray();
      double[] truth = random.doubles(n, -50, 50).toArray();
      double loop = 0;
      BigDecimal exact = BigDecimal.ZERO;
      double magnitude = 0;
      for (int i = 0; i < n; i++) {
        double e = predicted[i] - truth[i];
        loop += e * e;
        magnitude += e * e;
        exact = exact.add(new BigDecimal(e).multiply(new BigDecimal(e)));
      }
      double device = ForestInference.sumOfSquaredErrors(gpu, predicted, truth);
      // Any order of n additions of the rounded squares is within (n + 1) 2^-53 of the exact sum.
      double bound = (n + 1) * 0x1p-53 * magnitude;
      assertTrue(Math.abs(device - exact.doubleValue()) <= bound, "n=" + n + ": device " + device
          + " vs exact " + exact.doubleValue());
      assertTrue(Math.abs(device - loop) <= 2 * bound, "n=" + n);
      assertEquals(device, ForestInference.sumOfSquaredErrors(gpu, predicted, truth),
          "deterministic");
    }
  }

  @Test
  void sumOfSquaredErrors_isExactWhenEveryPartialSumIs() {
    int n = 50_000;
    double[] predicted = new double[n];
    double[] truth = new double[n];
    long expected = 0;
    for (int i = 0; i < n; i++) {
      predicted[i] = i % 17;
      truth[i] = i % 5;
      long e = i % 17 - i % 5;
      expected += e * e;
    }
    assertEquals((double) expected, ForestInference.sumOfSquaredErrors(gpu, predicted, truth));
  }

  @Test
  void mse_onDevice_matchesTheJavaComputation() {
    List<Node> trees = RandomForests.trees(Shape.MIXED, 20, N_FEATURES, 77);
    FlatForest forest = RandomForests.flatten(trees, N_FEATURES);
    int nRows = 3_000;
    double[] rows = RandomForests.rows(forest, nRows, N_FEATURES, 78);
    double[] truth = new SplittableRandom(79).doubles(nRows, -100, 100).toArray();
    double[] predicted = forest.predict(rows, nRows, N_FEATURES);
    double sse = 0;
    for (int i = 0; i < nRows; i++) {
      sse += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
    }
    double javaMse = sse / nRows;
    double deviceMse = ForestInference.mse(gpu, forest, rows, nRows, N_FEATURES, truth);
    assertEquals(javaMse, deviceMse, (nRows + 1) * 0x1p-52 * javaMse);
    try (DeviceForest single = ForestInference.upload(gpu, forest, Precision.SINGLE)) {
      // Float predictions and a float sum: a few float ulps of relative error, not more.
      assertEquals(javaMse, single.mse(rows, nRows, N_FEATURES, truth), 1e-4 * javaMse);
      assertTrue(single.lastKernelNanos() > 0);
    }
  }

  @Test
  void deviceForest_predictsManyBatchesFromOneUpload() {
    List<Node> trees = RandomForests.trees(Shape.WIDE, 10, N_FEATURES, 5);
    FlatForest forest = RandomForests.flatten(trees, N_FEATURES);
    try (DeviceForest onDevice = ForestInference.upload(gpu, forest, Precision.DOUBLE)) {
      for (int batch = 0; batch < 3; batch++) {
        double[] rows = RandomForests.rows(forest, 100 + batch, N_FEATURES, batch);
        assertArrayEquals(forest.predict(rows, 100 + batch, N_FEATURES),
            onDevice.predict(rows, 100 + batch, N_FEATURES));
      }
    }
  }
}
