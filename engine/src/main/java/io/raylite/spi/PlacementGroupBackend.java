package io.raylite.spi;

import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a cluster runtime reserves the bundles of its placement groups: on the nodes of the
 * cluster, each bundle on one node, which holds it in its own runtime. A {@link TaskBackend}
 * returns one from {@link TaskBackend#placementGroups()}; the runtime's public calls
 * ({@code placementGroup}, {@code removePlacementGroup}, {@code getPlacementGroup}) then go through
 * it, and a task placed in one of its groups reaches {@link TaskBackend#submit} with the group's id
 * and bundle index in its {@link TaskBackend.TaskInfo}.
 *
 * <p>Implementations are thread-safe.
 */
public interface PlacementGroupBackend {

  /**
   * Registers a group cluster-wide and starts reserving its bundles on nodes chosen by
   * {@code strategy}; returns at once. The arguments are checked already.
   *
   * @throws io.raylite.InfeasibleResourceException if the live nodes could never hold the bundles
   *     as the strategy asks
   * @throws IllegalArgumentException if {@code name} is taken by a group not removed
   */
  Group create(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name);

  /** The group named {@code name} that is not removed, anywhere in the cluster. */
  Optional<Group> named(String name);

  /** The group with {@code id}, removed ones included while they are listed. */
  Optional<Group> byId(String id);

  /** Every group of the cluster, in creation order. */
  List<Group> list();

  /** One placement group of the cluster. */
  interface Group {
    /** Its id, unique in the cluster. */
    String id();

    /** The name it was created with, if any. */
    Optional<String> name();

    /** The bundles' resources, by bundle index. */
    List<Map<String, Double>> bundles();

    PlacementStrategy strategy();

    /** The state now, as the cluster's registry says. */
    PlacementGroupState state();

    /** The node holding each bundle, by bundle index (null for a bundle not reserved now). */
    List<String> bundleNodes();

    /**
     * Completes once every bundle is reserved; fails with a
     * {@link io.raylite.PlacementGroupRemovedException} if the group is removed first.
     */
    CompletionStage<Void> placed();

    /** Frees the bundles on their nodes and marks the group REMOVED; true for the call that did. */
    boolean remove();
  }
}
