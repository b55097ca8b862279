package io.raylite.bench;

import io.raylite.gpu.forest.FlatForest;
import java.lang.reflect.Field;
import java.util.Objects;
import smile.model.cart.InternalNode;
import smile.model.cart.Node;
import smile.model.cart.OrdinalNode;
import smile.model.cart.RegressionNode;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;

/**
 * Converts a Smile regression forest into the gpu module's {@link FlatForest}, which the
 * forest-inference kernels read. The gpu module must not depend on Smile (GPL), so the converter
 * lives here.
 *
 * <p>Smile sends a row to an ordinal node's true child when {@code x[feature] <= value}, which is
 * FlatForest's left child; leaves carry {@link RegressionNode#output()}. Trees keep their order, so
 * FlatForest's prediction (leaf outputs summed in tree order, then divided by the tree count) is
 * Smile's, bit for bit.
 */
final class SmileForests {
  /**
   * {@code OrdinalNode.value}, the split value, has no accessor in Smile 6; it is package-private
   * and read by reflection, which the class path allows.
   */
  private static final Field ORDINAL_VALUE;

  static {
    try {
      ORDINAL_VALUE = OrdinalNode.class.getDeclaredField("value");
      ORDINAL_VALUE.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(
          "smile.model.cart.OrdinalNode has no field 'value': this Smile version is not supported");
    }
  }

  private SmileForests() {}

  /** The forest as plain arrays, trees in Smile's order. */
  static FlatForest flatten(RandomForest forest) {
    Objects.requireNonNull(forest, "forest");
    FlatForest.Builder builder = FlatForest.builder(forest.schema().length());
    for (RegressionTree tree : forest.trees()) {
      builder.addTree(convert(tree.root()));
    }
    return builder.build();
  }

  /** One subtree; recursion depth is the tree's depth, a few dozen levels on this data. */
  private static FlatForest.Node convert(Node node) {
    return switch (node) {
      case RegressionNode leaf -> new FlatForest.Leaf(leaf.output());
      case OrdinalNode split -> new FlatForest.Split(split.feature(), splitValue(split),
          convert(split.trueChild()), convert(split.falseChild()));
      case InternalNode other -> throw new IllegalArgumentException(
          "only ordinal (<=) splits can be flattened, got " + other.getClass().getSimpleName()
              + " on feature " + other.feature());
      default -> throw new IllegalArgumentException(
          "not a regression tree node: " + node.getClass().getName());
    };
  }

  private static double splitValue(OrdinalNode node) {
    try {
      return ORDINAL_VALUE.getDouble(node);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read OrdinalNode.value", e);
    }
  }
}
