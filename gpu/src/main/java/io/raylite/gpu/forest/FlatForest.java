package io.raylite.gpu.forest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A regression forest flattened into plain arrays, the format the forest-inference kernels read.
 * Immutable; build one from node objects with {@link #builder(int)} or from arrays with
 * {@link #of}. Both check every invariant below and fail with {@link IllegalArgumentException}
 * naming the node that breaks it.
 *
 * <h2>Layout</h2>
 *
 * Every node of every tree has an index {@code i} into four parallel arrays:
 *
 * <ul>
 *   <li>{@code feature[i]}: the feature (column) an internal node tests, {@code 0 <= feature <
 *       numFeatures}; {@link #LEAF} ({@code -1}) marks a leaf.
 *   <li>{@code split[i]}: an internal node's split value. A row goes to the <em>left</em> (true)
 *       child when {@code x[feature] <= split}, else to the right child, as Smile's ordinal
 *       splits do; so a NaN feature value goes right. 0 for a leaf.
 *   <li>{@code leftChild[i]}: the index of an internal node's left child; the right child is always
 *       {@code leftChild[i] + 1}. {@link #LEAF} for a leaf.
 *   <li>{@code leafValue[i]}: a leaf's output. 0 for an internal node.
 * </ul>
 *
 * Tree {@code t} owns the index range {@code [treeOffset(t), treeOffset(t + 1))} and its root is
 * the first node of that range. Within a tree, a child always comes after its parent, so a walk
 * always moves forward and ends. The builder lays each tree out breadth-first with siblings
 * side by side, as the sparse layout of cuML's Forest Inference Library does: the two nodes a walk
 * may visit next share a cache line, and the top levels that every row visits sit together at the
 * start of the tree.
 *
 * <h2>Prediction</h2>
 *
 * {@link #predict(double[])} is the reference: the leaf outputs of the trees are added in tree
 * order to a sum that starts at 0, and the sum is divided by the number of trees, the arithmetic
 * of Smile's {@code smile.regression.RandomForest.predict}. The double-precision kernel performs
 * exactly these operations in this order and so returns the same bits.
 *
 * <p>Only numeric ({@code <=}) splits exist; a converter must reject nominal ({@code ==}) splits.
 */
public final class FlatForest {
  /** The {@code feature} and {@code leftChild} value of a leaf. */
  public static final int LEAF = -1;

  private final int numFeatures;
  private final int[] treeOffsets;
  private final int[] feature;
  private final double[] split;
  private final int[] leftChild;
  private final double[] leafValue;

  private FlatForest(int numFeatures, int[] treeOffsets, int[] feature, double[] split,
      int[] leftChild, double[] leafValue) {
    this.numFeatures = numFeatures;
    this.treeOffsets = treeOffsets;
    this.feature = feature;
    this.split = split;
    this.leftChild = leftChild;
    this.leafValue = leafValue;
    validate();
  }

  /**
   * A forest from arrays laid out as described in the class comment; the arrays are copied.
   *
   * @param numFeatures how many features a row has at least, {@code >= 1}
   * @param treeOffsets {@code numTrees + 1} ascending node offsets, from 0 to the node count
   * @throws IllegalArgumentException if any invariant of the layout does not hold
   */
  public static FlatForest of(int numFeatures, int[] treeOffsets, int[] feature, double[] split,
      int[] leftChild, double[] leafValue) {
    Objects.requireNonNull(treeOffsets, "treeOffsets");
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(leftChild, "leftChild");
    Objects.requireNonNull(leafValue, "leafValue");
    return new FlatForest(numFeatures, treeOffsets.clone(), feature.clone(), split.clone(),
        leftChild.clone(), leafValue.clone());
  }

  /** A builder for a forest over rows of {@code numFeatures} features ({@code >= 1}). */
  public static Builder builder(int numFeatures) {
    checkNumFeatures(numFeatures);
    return new Builder(numFeatures);
  }

  /* ---------------- Accessors ---------------- */

  /** How many features a row must have at least: every split tests a feature below this. */
  public int numFeatures() {
    return numFeatures;
  }

  /** How many trees the forest has. */
  public int numTrees() {
    return treeOffsets.length - 1;
  }

  /** The number of nodes of all trees together. */
  public int numNodes() {
    return feature.length;
  }

  /** The index of tree {@code tree}'s root; {@code treeOffset(numTrees())} is {@link #numNodes()}. */
  public int treeOffset(int tree) {
    Objects.checkIndex(tree, treeOffsets.length);
    return treeOffsets[tree];
  }

  /** Whether {@code node} is a leaf. */
  public boolean isLeaf(int node) {
    return feature[node] == LEAF;
  }

  /** The feature an internal node tests, or {@link #LEAF}. */
  public int feature(int node) {
    return feature[node];
  }

  /** An internal node's split value: {@code x <= split} goes left. 0 for a leaf. */
  public double split(int node) {
    return split[node];
  }

  /** An internal node's left (true) child, or {@link #LEAF}. */
  public int leftChild(int node) {
    return leftChild[node];
  }

  /** An internal node's right (false) child, {@code leftChild(node) + 1}, or {@link #LEAF}. */
  public int rightChild(int node) {
    return feature[node] == LEAF ? LEAF : leftChild[node] + 1;
  }

  /** A leaf's output; 0 for an internal node. */
  public double leafValue(int node) {
    return leafValue[node];
  }

  /** Copies of the arrays, in the order of {@link #of}. */
  public int[] treeOffsets() {
    return treeOffsets.clone();
  }

  /** A copy of the feature each node tests. */
  public int[] features() {
    return feature.clone();
  }

  /** A copy of the value each split node compares its feature with. */
  public double[] splits() {
    return split.clone();
  }

  /** A copy of the index of each split node's left child. */
  public int[] leftChildren() {
    return leftChild.clone();
  }

  /** A copy of each leaf's predicted value. */
  public double[] leafValues() {
    return leafValue.clone();
  }

  /** The largest absolute leaf output, the scale of the single-precision error bound. */
  public double maxAbsLeafValue() {
    double max = 0;
    for (int i = 0; i < feature.length; i++) {
      if (feature[i] == LEAF) {
        max = Math.max(max, Math.abs(leafValue[i]));
      }
    }
    return max;
  }

  /* ---------------- Reference prediction ---------------- */

  /**
   * Predicts one row by walking every tree: the sum of the leaf outputs in tree order, divided by
   * the number of trees (Smile's arithmetic).
   *
   * @param row at least {@link #numFeatures()} feature values
   */
  public double predict(double[] row) {
    if (row.length < numFeatures) {
      throw new IllegalArgumentException(
          "row must have at least numFeatures = " + numFeatures + " values, got " + row.length);
    }
    return predictAt(row, 0);
  }

  /**
   * Predicts {@code nRows} rows stored row after row, {@code nFeatures} values each.
   *
   * @param nFeatures the row stride, {@code >= numFeatures()}
   */
  public double[] predict(double[] rowsRowMajor, int nRows, int nFeatures) {
    checkRows(rowsRowMajor, nRows, nFeatures);
    double[] out = new double[nRows];
    for (int r = 0; r < nRows; r++) {
      out[r] = predictAt(rowsRowMajor, r * nFeatures);
    }
    return out;
  }

  private double predictAt(double[] x, int base) {
    int trees = numTrees();
    double sum = 0;
    for (int t = 0; t < trees; t++) {
      int node = treeOffsets[t];
      while (feature[node] != LEAF) {
        node = x[base + feature[node]] <= split[node] ? leftChild[node] : leftChild[node] + 1;
      }
      sum += leafValue[node];
    }
    return sum / trees;
  }

  /** Checks a row-major batch against this forest; fails naming the bad argument. */
  void checkRows(double[] rowsRowMajor, int nRows, int nFeatures) {
    Objects.requireNonNull(rowsRowMajor, "rowsRowMajor");
    if (nRows < 0) {
      throw new IllegalArgumentException("nRows must be >= 0, got " + nRows);
    }
    if (nFeatures < numFeatures) {
      throw new IllegalArgumentException("nFeatures must be >= the forest's numFeatures = "
          + numFeatures + ", got " + nFeatures);
    }
    if ((long) nRows * nFeatures != rowsRowMajor.length) {
      throw new IllegalArgumentException("rowsRowMajor must hold nRows * nFeatures = "
          + ((long) nRows * nFeatures) + " values, got " + rowsRowMajor.length);
    }
  }

  /* ---------------- Validation ---------------- */

  private static void checkNumFeatures(int numFeatures) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be >= 1, got " + numFeatures);
    }
  }

  private void validate() {
    checkNumFeatures(numFeatures);
    int nodes = feature.length;
    if (split.length != nodes || leftChild.length != nodes || leafValue.length != nodes) {
      throw new IllegalArgumentException("feature, split, leftChild and leafValue must have the same"
          + " length, got " + nodes + ", " + split.length + ", " + leftChild.length + ", "
          + leafValue.length);
    }
    if (treeOffsets.length < 2) {
      throw new IllegalArgumentException("a forest needs at least one tree: treeOffsets must have"
          + " numTrees + 1 >= 2 entries, got " + treeOffsets.length);
    }
    if (treeOffsets[0] != 0 || treeOffsets[treeOffsets.length - 1] != nodes) {
      throw new IllegalArgumentException("treeOffsets must run from 0 to the node count " + nodes
          + ", got " + treeOffsets[0] + " .. " + treeOffsets[treeOffsets.length - 1]);
    }
    for (int t = 0; t + 1 < treeOffsets.length; t++) {
      int start = treeOffsets[t];
      int end = treeOffsets[t + 1];
      if (end <= start) {
        throw new IllegalArgumentException(
            "tree " + t + " is empty: treeOffsets[" + t + "] = " + start + " >= treeOffsets["
                + (t + 1) + "] = " + end);
      }
      for (int i = start; i < end; i++) {
        validateNode(t, i, end);
      }
    }
  }

  private void validateNode(int tree, int i, int end) {
    if (feature[i] == LEAF) {
      if (leftChild[i] != LEAF) {
        throw new IllegalArgumentException("node " + i + " (tree " + tree + ") is a leaf but has"
            + " leftChild " + leftChild[i] + " instead of LEAF");
      }
      if (!Double.isFinite(leafValue[i])) {
        throw new IllegalArgumentException(
            "node " + i + " (tree " + tree + ") has a non-finite leaf value " + leafValue[i]);
      }
      return;
    }
    if (feature[i] < 0 || feature[i] >= numFeatures) {
      throw new IllegalArgumentException("node " + i + " (tree " + tree + ") tests feature "
          + feature[i] + ", outside 0.." + (numFeatures - 1) + " (or LEAF)");
    }
    if (Double.isNaN(split[i])) {
      throw new IllegalArgumentException("node " + i + " (tree " + tree + ") has a NaN split value");
    }
    // Children after the parent and inside the tree: every walk moves forward and stops.
    if (leftChild[i] <= i || leftChild[i] + 1 >= end) {
      throw new IllegalArgumentException("node " + i + " (tree " + tree + ") has children "
          + leftChild[i] + " and " + (leftChild[i] + 1L) + "; both must lie after the node and"
          + " before the tree's end " + end);
    }
  }

  /* ---------------- Object methods ---------------- */

  @Override
  public boolean equals(Object o) {
    return o instanceof FlatForest f && numFeatures == f.numFeatures
        && Arrays.equals(treeOffsets, f.treeOffsets) && Arrays.equals(feature, f.feature)
        && Arrays.equals(split, f.split) && Arrays.equals(leftChild, f.leftChild)
        && Arrays.equals(leafValue, f.leafValue);
  }

  @Override
  public int hashCode() {
    int h = numFeatures;
    h = 31 * h + Arrays.hashCode(treeOffsets);
    h = 31 * h + Arrays.hashCode(feature);
    h = 31 * h + Arrays.hashCode(split);
    h = 31 * h + Arrays.hashCode(leftChild);
    return 31 * h + Arrays.hashCode(leafValue);
  }

  @Override
  public String toString() {
    return "FlatForest[trees=" + numTrees() + ", nodes=" + numNodes() + ", features="
        + numFeatures + "]";
  }

  /* ---------------- Tree nodes and the builder ---------------- */

  /** A tree node as a converter produces it; {@link Builder#addTree} flattens it. */
  public sealed interface Node permits Split, Leaf {}

  /**
   * An internal node: rows with {@code x[feature] <= value} go to {@code left}, others (NaN
   * included) to {@code right}.
   */
  public record Split(int feature, double value, Node left, Node right) implements Node {
    /** Checks that both children are given. */
    public Split {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** A leaf with its output. */
  public record Leaf(double value) implements Node {}

  /**
   * Lays out trees given as {@link Node} objects, breadth-first with siblings side by side. Not
   * thread-safe. Argument checks happen in {@link #build()}, which names the offending node.
   */
  public static final class Builder {
    private final int numFeatures;
    private final List<Node> roots = new ArrayList<>();

    private Builder(int numFeatures) {
      this.numFeatures = numFeatures;
    }

    /** Appends a tree; trees keep the order in which they were added. */
    public Builder addTree(Node root) {
      roots.add(Objects.requireNonNull(root, "root"));
      return this;
    }

    /** The forest of the trees added so far (at least one). */
    public FlatForest build() {
      if (roots.isEmpty()) {
        throw new IllegalArgumentException("a forest needs at least one tree: call addTree first");
      }
      int total = 0;
      for (Node root : roots) {
        total = Math.addExact(total, countNodes(root));
      }
      int[] offsets = new int[roots.size() + 1];
      int[] feature = new int[total];
      double[] split = new double[total];
      int[] left = new int[total];
      double[] leaf = new double[total];
      int next = 0;
      ArrayDeque<Node> queue = new ArrayDeque<>();
      for (int t = 0; t < roots.size(); t++) {
        offsets[t] = next;
        // Breadth-first: a node's index is fixed when it is queued; its children are queued
        // together and so receive adjacent indices.
        queue.add(roots.get(t));
        int at = next++;
        while (!queue.isEmpty()) {
          Node node = queue.poll();
          switch (node) {
            case Leaf l -> {
              feature[at] = LEAF;
              left[at] = LEAF;
              leaf[at] = l.value();
            }
            case Split s -> {
              feature[at] = s.feature();
              split[at] = s.value();
              left[at] = next;
              next += 2;
              queue.add(s.left());
              queue.add(s.right());
            }
          }
          at++;
        }
      }
      offsets[roots.size()] = next;
      return new FlatForest(numFeatures, offsets, feature, split, left, leaf);
    }

    private static int countNodes(Node root) {
      int count = 0;
      ArrayDeque<Node> stack = new ArrayDeque<>();
      stack.push(root);
      while (!stack.isEmpty()) {
        Node node = stack.pop();
        count = Math.addExact(count, 1);
        if (node instanceof Split s) {
          stack.push(s.left());
          stack.push(s.right());
        }
      }
      return count;
    }
  }
}
