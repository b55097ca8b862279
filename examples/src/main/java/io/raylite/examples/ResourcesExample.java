package io.raylite.examples;

import io.raylite.InfeasibleResourceException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;

/** Resources: fractional GPUs, a custom resource, what a task holds, and an infeasible request. */
public class ResourcesExample {
  /** How much GPU the running task holds. */
  static double gpuShare() {
    return Raylite.context().resources().get("GPU");
  }

  /** Which GPU devices the running task was given, as Ray's get_gpu_ids(). */
  static List<Integer> gpuIds() {
    return Raylite.context().gpuIds();
  }

  static String upload(String file) {
    return file + " with " + Raylite.context().resources().get("disk") + " disk";
  }

  public static void main(String[] args) {
    // region resources
    try (Raylite ray = Raylite.builder().cpus(4).gpus(2).resource("disk", 2).build()) {
      List<ObjectRef<Double>> halves = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        halves.add(ray.task(ResourcesExample::gpuShare).numGpus(0.5).remote());  // up to two per device
      }
      System.out.println("0.5-GPU tasks held: " + ray.get(halves));
      System.out.println("a 2-GPU task got devices " + ray.get(ray.task(ResourcesExample::gpuIds).numGpus(2).remote()));
      System.out.println(ray.get(ray.task(ResourcesExample::upload, "a.csv").resource("disk", 1).remote()));
      try {
        ray.task(ResourcesExample::gpuIds).numGpus(3).remote();             // 3 GPUs on a 2-GPU runtime
      } catch (InfeasibleResourceException e) {
        System.out.println("infeasible: " + e.getMessage());
      }
      System.out.println("disk in total: " + ray.totalResources().get("disk"));
    }
    // endregion resources
  }
}
