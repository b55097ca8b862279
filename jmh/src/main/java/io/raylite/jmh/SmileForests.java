package io.raylite.jmh;

import io.raylite.gpu.forest.FlatForest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smile.model.cart.InternalNode;
import smile.model.cart.Node;
import smile.model.cart.OrdinalNode;
import smile.model.cart.RegressionNode;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;

/**
 * Converts a Smile regression forest into the {@link FlatForest} the inference kernels read: same
 * trees in the same order, same split values and leaf outputs, so that
 * {@link FlatForest#predict(double[])} returns exactly Smile's predictions.
 */
public final class SmileForests {
  /**
   * Smile keeps an ordinal node's split value in a package-private field with no accessor; the
   * jar is on the class path (an unnamed module), so a private lookup may read it.
   */
  private static final VarHandle SPLIT_VALUE;

  static {
    try {
      SPLIT_VALUE = MethodHandles.privateLookupIn(OrdinalNode.class, MethodHandles.lookup())
          .findVarHandle(OrdinalNode.class, "value", double.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private SmileForests() {}

  /**
   * The forest's trees, flattened. Feature indexes are the positions of the predictors in the
   * forest's formula, which for ml-bench's frames are the positions in a feature row.
   *
   * @throws IllegalArgumentException if a tree has a nominal split, which the kernels lack
   */
  public static FlatForest flatten(RandomForest forest, int numFeatures) {
    FlatForest.Builder builder = FlatForest.builder(numFeatures);
    for (RandomForest.Model model : forest.models()) {
      RegressionTree tree = model.tree();
      builder.addTree(convert(tree.root()));
    }
    return builder.build();
  }

  private static FlatForest.Node convert(Node node) {
    return switch (node) {
      case RegressionNode leaf -> new FlatForest.Leaf(leaf.output());
      case OrdinalNode split -> new FlatForest.Split(split.feature(),
          (double) SPLIT_VALUE.get(split), convert(split.trueChild()), convert(split.falseChild()));
      case InternalNode other -> throw new IllegalArgumentException(
          "only ordinal (<=) splits can be flattened, got " + other.getClass().getSimpleName());
      default -> throw new IllegalArgumentException(
          "unexpected node type " + node.getClass().getName());
    };
  }
}
