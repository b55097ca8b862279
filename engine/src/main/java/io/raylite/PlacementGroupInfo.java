package io.raylite;

import java.util.List;
import java.util.Map;

/**
 * One placement group, as {@link StateApi#placementGroups} reports it (Ray's
 * {@code placement_group_table}).
 *
 * @param placementGroupId the group's id
 * @param name the name it was created with, or null
 * @param strategy how its bundles are placed
 * @param state where it is now
 * @param bundles each bundle, by index
 * @param runningTasks tasks placed in the group that are queued or running now
 * @param liveActors actors placed in the group that are not dead yet
 */
public record PlacementGroupInfo(
    String placementGroupId,
    String name,
    PlacementStrategy strategy,
    PlacementGroupState state,
    List<Bundle> bundles,
    int runningTasks,
    int liveActors) {

  /**
   * One bundle of a group.
   *
   * @param index its bundle index
   * @param resources what it reserves, by resource name
   * @param available what of it no task or actor holds now (all 0 while the group is not placed)
   * @param gpuIds the GPU devices it pins once placed
   */
  public record Bundle(int index, Map<String, Double> resources, Map<String, Double> available,
      List<Integer> gpuIds) {}
}
