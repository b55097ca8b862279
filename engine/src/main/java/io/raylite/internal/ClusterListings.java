package io.raylite.internal;

import io.raylite.ActorInfo;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The state API's listings on a cluster driver: the driver's own rows joined with the nodes' (see
 * {@link io.raylite.spi.NodeStates}), in the listing's order, with the limit applied to the whole.
 *
 * <p>Tasks: a task the driver handed to a node is RUNNING on the driver until its answer comes
 * back, while the node lists what it really does (queued, running, finished, with its worker), so
 * the driver's RUNNING and FINISHED rows give way to the nodes'; the driver keeps the rows of tasks
 * that have not reached a node (waiting for arguments) and of those that ended on the driver's side
 * (failed after their last retry, a node lost, cancelled). Objects: the driver's store (its puts)
 * beside the nodes' stores.
 */
final class ClusterListings {
  private ClusterListings() {}

  static Listing<TaskInfo> tasks(Listing<TaskInfo> driver, Listing<TaskInfo> nodes, int limit) {
    List<TaskInfo> rows = new ArrayList<>(nodes.rows());
    int fromDriver = 0;
    for (TaskInfo t : driver.rows()) {
      if (t.state() != TaskState.RUNNING && t.state() != TaskState.FINISHED) {
        rows.add(t);
        fromDriver++;
      }
    }
    rows.sort(Comparator.comparingLong(TaskInfo::submittedMillis).reversed());
    return cut(rows, fromDriver + nodes.total(), limit);
  }

  static Listing<ObjectInfo> objects(Listing<ObjectInfo> driver, Listing<ObjectInfo> nodes, int limit) {
    List<ObjectInfo> rows = new ArrayList<>(nodes.rows());
    rows.addAll(driver.rows());
    rows.sort(Comparator.comparingLong(ObjectInfo::sizeBytes).reversed().thenComparing(ObjectInfo::objectId));
    return cut(rows, driver.total() + nodes.total(), limit);
  }

  static Listing<ActorInfo> actors(Listing<ActorInfo> driver, Listing<ActorInfo> nodes, int limit) {
    List<ActorInfo> rows = new ArrayList<>(driver.rows());
    rows.addAll(nodes.rows());
    return cut(rows, driver.total() + nodes.total(), limit);
  }

  private static <T> Listing<T> cut(List<T> rows, int total, int limit) {
    List<T> kept = rows.subList(0, Math.min(limit, rows.size()));
    return new Listing<>(kept, Math.max(total, rows.size()), Math.max(total, rows.size()) > kept.size());
  }
}
