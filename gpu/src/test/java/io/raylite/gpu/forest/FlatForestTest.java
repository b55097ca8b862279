package io.raylite.gpu.forest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.gpu.forest.FlatForest.Leaf;
import io.raylite.gpu.forest.FlatForest.Node;
import io.raylite.gpu.forest.FlatForest.Split;
import io.raylite.gpu.forest.RandomForests.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlatForestTest {

  @Test
  void builder_laysOutBreadthFirstWithSiblingsSideBySide() {
    // root: x0 <= 0.5 ? (x1 <= 0.25 ? 1 : 2) : 3
    Node tree = new Split(0, 0.5, new Split(1, 0.25, new Leaf(1), new Leaf(2)), new Leaf(3));
    FlatForest f = FlatForest.builder(2).addTree(new Leaf(7)).addTree(tree).build();

    assertArrayEquals(new int[] {0, 1, 6}, f.treeOffsets());
    assertArrayEquals(new int[] {-1, 0, 1, -1, -1, -1}, f.features());
    assertArrayEquals(new int[] {-1, 2, 4, -1, -1, -1}, f.leftChildren());
    assertArrayEquals(new double[] {0, 0.5, 0.25, 0, 0, 0}, f.splits());
    assertArrayEquals(new double[] {7, 0, 0, 3, 1, 2}, f.leafValues());
    assertEquals(3, f.rightChild(1));
    assertEquals(FlatForest.LEAF, f.rightChild(0));
  }

  @Test
  void predict_sendsEqualValuesLeftAndNaNRight() {
    FlatForest f = FlatForest.builder(1)
        .addTree(new Split(0, 0.5, new Leaf(10), new Leaf(20))).build();
    assertEquals(10, f.predict(new double[] {0.5}));
    assertEquals(20, f.predict(new double[] {Math.nextUp(0.5)}));
    assertEquals(20, f.predict(new double[] {Double.NaN}));
  }

  @Test
  void predict_sumsInTreeOrderThenDivides() {
    // 0.1 + 0.2 + 0.3 differs from 0.3 + 0.2 + 0.1 in the last bit; the order must be the trees'.
    FlatForest f = FlatForest.builder(1)
        .addTree(new Leaf(0.1)).addTree(new Leaf(0.2)).addTree(new Leaf(0.3)).build();
    assertEquals((0.1 + 0.2 + 0.3) / 3, f.predict(new double[] {0}));
    assertTrue((0.1 + 0.2 + 0.3) / 3 != (0.3 + 0.2 + 0.1) / 3, "the example must tell orders apart");
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void predict_equalsWalkOverNodeObjects(Shape shape) {
    int nFeatures = 6;
    List<Node> trees = RandomForests.trees(shape, 25, nFeatures, 42);
    FlatForest f = RandomForests.flatten(trees, nFeatures);
    int nRows = 500;
    double[] rows = RandomForests.rows(f, nRows, nFeatures, 7);
    double[] got = f.predict(rows, nRows, nFeatures);
    for (int r = 0; r < nRows; r++) {
      assertEquals(RandomForests.walk(trees, rows, r, nFeatures), got[r], "row " + r);
    }
  }

  @Test
  void of_copiesArraysAndEqualsTheBuiltForest() {
    List<Node> trees = RandomForests.trees(Shape.MIXED, 9, 3, 1);
    FlatForest built = RandomForests.flatten(trees, 3);
    int[] features = built.features();
    FlatForest copy = FlatForest.of(3, built.treeOffsets(), features, built.splits(),
        built.leftChildren(), built.leafValues());
    features[0] = 2;
    assertEquals(built, copy);
    assertEquals(built.hashCode(), copy.hashCode());
  }

  @Test
  void deepChain_isLaidOutWithoutRecursion() {
    Node tree = new Leaf(1);
    for (int i = 0; i < 100_000; i++) {
      tree = new Split(0, i, tree, new Leaf(-i));
    }
    FlatForest f = FlatForest.builder(1).addTree(tree).build();
    assertEquals(200_001, f.numNodes());
    assertEquals(1, f.predict(new double[] {-1}));
  }

  @Test
  void validation_namesTheBrokenInvariant() {
    int[] offsets = {0, 3};
    double[] zeros = new double[3];
    double[] leaves = {0, 1, 2};
    assertMessage("feature 5", () -> FlatForest.of(2, offsets, new int[] {5, -1, -1}, zeros,
        new int[] {1, -1, -1}, leaves));
    assertMessage("must lie after the node", () -> FlatForest.of(2, offsets,
        new int[] {0, -1, -1}, zeros, new int[] {0, -1, -1}, leaves));
    assertMessage("before the tree's end", () -> FlatForest.of(2, offsets,
        new int[] {0, -1, -1}, zeros, new int[] {2, -1, -1}, leaves));
    assertMessage("is a leaf but has leftChild", () -> FlatForest.of(2, offsets,
        new int[] {0, -1, -1}, zeros, new int[] {1, 2, -1}, leaves));
    assertMessage("NaN split", () -> FlatForest.of(2, offsets, new int[] {0, -1, -1},
        new double[] {Double.NaN, 0, 0}, new int[] {1, -1, -1}, leaves));
    assertMessage("non-finite leaf", () -> FlatForest.of(2, offsets, new int[] {0, -1, -1},
        zeros, new int[] {1, -1, -1}, new double[] {0, Double.POSITIVE_INFINITY, 0}));
    assertMessage("tree 1 is empty", () -> FlatForest.of(2, new int[] {0, 1, 1},
        new int[] {-1}, new double[1], new int[] {-1}, new double[1]));
    assertMessage("same length", () -> FlatForest.of(2, offsets, new int[] {0, -1, -1},
        new double[2], new int[] {1, -1, -1}, leaves));
    assertMessage("at least one tree", () -> FlatForest.builder(2).build());
    assertMessage("numFeatures must be >= 1", () -> FlatForest.builder(0));
  }

  @Test
  void predictBatch_rejectsMismatchedShapes() {
    FlatForest f = FlatForest.builder(3).addTree(new Leaf(1)).build();
    assertMessage("nFeatures must be >= the forest's numFeatures = 3",
        () -> f.predict(new double[4], 2, 2));
    assertMessage("nRows * nFeatures = 6", () -> f.predict(new double[5], 2, 3));
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage()
        + "' should contain '" + expected + "'");
  }
}
