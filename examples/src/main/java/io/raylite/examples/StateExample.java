package io.raylite.examples;

import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.ResourceInfo;
import io.raylite.StateApi;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.TaskSummary;
import java.util.concurrent.CompletableFuture;

/** The state API: the running tasks with their workers, task counts, resource use, the largest objects. */
public class StateExample {
  /** Says it started, then waits for the gate (lending its CPU meanwhile), and returns a block of x. */
  static long[] hold(CompletableFuture<Void> started, CompletableFuture<Void> gate, int x) {
    started.complete(null);
    Raylite.context().await(gate);
    long[] block = new long[x];
    java.util.Arrays.fill(block, x);
    return block;
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.init()) {
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<Void> gate = new CompletableFuture<>();
      ObjectRef<long[]> held = ray.task(StateExample::hold, started, gate, 100_000).remote();
      started.join();
      // region state
      StateApi state = ray.state();
      Listing<TaskInfo> running = state.tasks(StateFilter.state("RUNNING"), 100);  // filter, then limit
      for (TaskInfo t : running.rows()) {
        System.out.println(t.name() + " is running on worker " + t.worker());
      }
      TaskSummary summary = state.summary();          // counts by task name and state
      ResourceInfo resources = state.resources();     // totals and use, per resource and per GPU device
      Listing<ObjectInfo> largest = state.objects();  // the store's objects, largest first
      // endregion state
      System.out.println("running tasks: " + summary.byState().get(TaskState.RUNNING));
      System.out.println("resources listed: " + resources.resources().stream().map(ResourceInfo.Resource::name)
          .filter(n -> n.equals("CPU") || n.equals("memory")).sorted().toList());
      System.out.println("objects before the result: " + largest.total());
      gate.complete(null);
      long[] block = ray.get(held);
      ObjectInfo result = ray.state().objects().rows().getFirst();
      System.out.println("largest object: " + result.sizeBytes() / 1_000 + " kB from " + result.producer()
          + ", " + block.length + " longs");
    }
  }
}
