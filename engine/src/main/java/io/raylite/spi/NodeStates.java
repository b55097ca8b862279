package io.raylite.spi;

import io.raylite.ActorInfo;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import java.util.List;
import java.util.Optional;

/**
 * The rows of the state API that live on a cluster's nodes, for {@code Raylite.state()} on a
 * driver (see {@link TaskBackend#nodeStates}): each node lists its own with the filter applied and
 * at most {@code limit} rows, and the ids it reports are prefixed with its node id
 * ({@code <node>/<id>}), so that rows of different nodes never share one. The driver adds its own
 * rows (its puts, and its tasks that have not reached a node) and applies the limit to the whole.
 */
public interface NodeStates {
  /** The tasks on every node (each attempt a node runs is one row), newest first. */
  Listing<TaskInfo> tasks(StateFilter filter, int limit);

  /** The objects in every node's store, largest first. */
  Listing<ObjectInfo> objects(StateFilter filter, int limit);

  /** The actors on every node; none until actors run on nodes. */
  default Listing<ActorInfo> actors(StateFilter filter, int limit) {
    return new Listing<>(List.of(), 0, false);
  }

  /** The row of one task a node lists, by the id its row has ({@code <node>/<id>}); empty if unknown. */
  default Optional<TaskInfo> task(String taskId) {
    return Optional.empty();
  }

  /** The recent finished calls of an actor that lives on a node, newest first; none if no node hosts it. */
  default List<TaskInfo> actorCalls(String actorId, int limit) {
    return List.of();
  }
}
