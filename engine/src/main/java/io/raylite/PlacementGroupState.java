package io.raylite;

/** Where a placement group is in its life, as Ray's {@code placement_group_table} shows it. */
public enum PlacementGroupState {
  /** Waiting until all of its bundles fit at once; it holds nothing yet. */
  PENDING,
  /** Every bundle is reserved; tasks and actors placed in it may run. */
  CREATED,
  /** Removed: its bundles are released and what ran in them was stopped. Terminal. */
  REMOVED
}
