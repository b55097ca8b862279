package io.raylite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A set of resource bundles reserved together (gang-scheduled), as Ray's placement groups: made by
 * {@link Raylite#placementGroup}, it takes every bundle at once or none, and keeps them until
 * {@link Raylite#removePlacementGroup} or the runtime closes. Tasks and actors are placed in a
 * bundle with {@link TaskCall#placementGroup(PlacementGroup, int)} and
 * {@link ActorCreation#placementGroup(PlacementGroup, int)}; they are charged against the bundle's
 * resources, never the runtime's free pool.
 *
 * <p>Groups are created only by the runtime (do not implement this interface). Every method is
 * thread-safe; {@link #state()} reads the state now.
 */
public interface PlacementGroup {
  /** The group's id, unique within the runtime. */
  String id();

  /** The name it was created with, under which {@link Raylite#getPlacementGroup} finds it. */
  Optional<String> name();

  /** The bundles' resources, by bundle index. */
  List<Map<String, Double>> bundles();

  /** How many bundles the group has. */
  default int bundleCount() {
    return bundles().size();
  }

  PlacementStrategy strategy();

  PlacementGroupState state();

  /**
   * A ref that becomes ready, with this group as its value, once every bundle is reserved. Once the
   * group is removed, the ref it returns fails with {@link PlacementGroupRemovedException}, as does
   * the one returned before if the group was removed before it was placed.
   */
  ObjectRef<PlacementGroup> ready();

  /**
   * Waits at most {@code timeout} for the group to be placed, as Ray's {@code pg.wait}.
   *
   * @return whether it is placed
   * @throws PlacementGroupRemovedException if it was removed
   */
  boolean wait(Duration timeout);
}
