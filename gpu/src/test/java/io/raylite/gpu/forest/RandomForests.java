package io.raylite.gpu.forest;

import io.raylite.gpu.forest.FlatForest.Leaf;
import io.raylite.gpu.forest.FlatForest.Node;
import io.raylite.gpu.forest.FlatForest.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random forests of chosen shapes for tests, and a walk over the node objects that does not use
 * the flat layout, so the layout and the kernels are checked against something independent.
 */
public final class RandomForests {
  /** How the trees of a generated forest look. */
  public enum Shape {
    /** Balanced trees of depth 8: many leaves, short walks. */
    WIDE,
    /** Trees of depth up to 40 that mostly grow on one side: long walks. */
    DEEP,
    /** Trees that are a single leaf. */
    SINGLE_LEAF,
    /** A mix of the three in one forest. */
    MIXED
  }

  private RandomForests() {}

  public static List<Node> trees(Shape shape, int nTrees, int nFeatures, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Node> trees = new ArrayList<>();
    for (int t = 0; t < nTrees; t++) {
      Shape s = shape == Shape.MIXED ? Shape.values()[t % 3] : shape;
      trees.add(switch (s) {
        case WIDE -> balanced(random, 8, nFeatures);
        case DEEP -> lopsided(random, 40, nFeatures);
        case SINGLE_LEAF -> leaf(random);
        case MIXED -> throw new AssertionError();
      });
    }
    return trees;
  }

  public static FlatForest flatten(List<Node> trees, int nFeatures) {
    FlatForest.Builder b = FlatForest.builder(nFeatures);
    trees.forEach(b::addTree);
    return b.build();
  }

  /**
   * Rows of values in [-1, 1). About 5% of the values are NaN and about a third of the rows have a
   * feature set to exactly the split value of a node testing it, so the {@code <=} edge and the
   * NaN-goes-right rule are exercised.
   */
  public static double[] rows(FlatForest forest, int nRows, int nFeatures, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] rows = new double[nRows * nFeatures];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextInt(20) == 0 ? Double.NaN : random.nextDouble(-1, 1);
    }
    for (int r = 0; r < nRows; r++) {
      int node = random.nextInt(forest.numNodes());
      if (random.nextInt(3) == 0 && !forest.isLeaf(node)) {
        rows[r * nFeatures + forest.feature(node)] = forest.split(node);
      }
    }
    return rows;
  }

  /** As {@link #rows} with every value rounded to float, so it is float-representable. */
  public static double[] floatRows(FlatForest forest, int nRows, int nFeatures, long seed) {
    double[] rows = rows(forest, nRows, nFeatures, seed);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) rows[i];
    }
    return rows;
  }

  /** Smile's arithmetic over node objects: leaf outputs summed in tree order, then divided. */
  public static double walk(List<Node> trees, double[] rows, int row, int nFeatures) {
    double sum = 0;
    for (Node tree : trees) {
      Node node = tree;
      while (node instanceof Split s) {
        node = rows[row * nFeatures + s.feature()] <= s.value() ? s.left() : s.right();
      }
      sum += ((Leaf) node).value();
    }
    return sum / trees.size();
  }

  private static Node leaf(SplittableRandom random) {
    return new Leaf(random.nextDouble(-100, 100));
  }

  private static Node balanced(SplittableRandom random, int depth, int nFeatures) {
    if (depth == 0) {
      return leaf(random);
    }
    return new Split(random.nextInt(nFeatures), random.nextDouble(-1, 1),
        balanced(random, depth - 1, nFeatures), balanced(random, depth - 1, nFeatures));
  }

  private static Node lopsided(SplittableRandom random, int depth, int nFeatures) {
    if (depth == 0 || random.nextInt(10) == 0) {
      return leaf(random);
    }
    // Thresholds near the edges keep most rows going down the long side.
    boolean longLeft = random.nextBoolean();
    double value = longLeft ? random.nextDouble(0.6, 1) : random.nextDouble(-1, -0.6);
    Node deep = lopsided(random, depth - 1, nFeatures);
    Node shallow = leaf(random);
    return new Split(random.nextInt(nFeatures), value, longLeft ? deep : shallow,
        longLeft ? shallow : deep);
  }
}
