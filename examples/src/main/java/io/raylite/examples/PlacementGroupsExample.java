package io.raylite.examples;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.PlacementGroup;
import io.raylite.PlacementStrategy;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Placement groups: bundles reserved together, tasks and an actor placed in them, removal. */
public class PlacementGroupsExample {
  /** A parameter server that keeps a running sum. */
  static final class ParameterServer {
    private double sum;

    double add(double delta) {
      sum += delta;
      return sum;
    }
  }

  static double gradient(int shard) {
    return shard * 0.5;
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.builder().cpus(4).build()) {
      // region placement-group
      // Two bundles of 1 CPU and one of 2, reserved together or not at all.
      PlacementGroup pg = ray.placementGroup(
          List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 2.0)), PlacementStrategy.PACK, "training");
      pg.wait(Duration.ofSeconds(10));                  // or ray.get(pg.ready())
      ActorHandle<ParameterServer> server = ray.actor(ParameterServer::new)
          .numCpus(1).placementGroup(pg, 0).remote();   // bundle 0
      List<ObjectRef<Double>> grads = List.of(
          ray.task(PlacementGroupsExample::gradient, 1).placementGroup(pg, 1).remote(),
          ray.task(PlacementGroupsExample::gradient, 2).placementGroup(pg).remote());  // any bundle with room
      for (double g : ray.get(grads)) {
        ray.get(server.task(ParameterServer::add, g).remote());
      }
      System.out.println("sum: " + ray.get(server.task(ParameterServer::add, 0.0).remote()));
      System.out.println(pg.state() + ", free CPUs outside the group: " + ray.availableResources().get("CPU"));
      ray.removePlacementGroup(pg);                     // kills the actor, releases the bundles
      System.out.println(ray.state().placementGroups().getFirst().state()
          + ", free CPUs: " + ray.availableResources().get("CPU"));
      // endregion placement-group
    }
  }
}
