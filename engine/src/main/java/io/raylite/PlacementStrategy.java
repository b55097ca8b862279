package io.raylite;

/**
 * How a placement group's bundles are placed across nodes, as Ray's {@code strategy}. A local
 * runtime is one node, so every bundle lands on it: {@code PACK}, {@code SPREAD} and
 * {@code STRICT_PACK} are all satisfied there, and {@code STRICT_SPREAD} only by a group of one
 * bundle (a larger one is infeasible, and refused at creation).
 */
public enum PlacementStrategy {
  /** Bundles on as few nodes as possible (best effort). */
  PACK,
  /** Bundles on as many nodes as possible (best effort). */
  SPREAD,
  /** All bundles on one node. */
  STRICT_PACK,
  /** Each bundle on a different node. */
  STRICT_SPREAD
}
