package io.raylite.internal.task;

import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.resource.ResourceShape;
import java.util.List;

/**
 * A task or an actor call as the wait-for graph sees it (see {@link Deadlocks}): what it waits for
 * before it can make progress. Implemented by {@link TaskRun} and, from the actor room above, by
 * the actor call; read without locks, from any thread.
 */
public interface WaitNode {
  /** Names the node in a deadlock message: {@code task 'name' (t-3)}. */
  String describe();

  /**
   * Where the node stands when a cycle is named: tasks before actor calls, each in creation order,
   * so that a cycle starts from the same member whichever of its gets found it.
   */
  long cycleOrder();

  /** The get it is blocked in now, or null. */
  BlockedGet blockedGet();

  /** Sets or clears (null) the get it is blocked in; called by the blocked thread only. */
  void blockedGet(BlockedGet get);

  /**
   * What it keeps while blocked in get besides CPUs, which a blocked task lends: a task's own
   * allocation, an actor call's actor's (held for the actor's lifetime); or null.
   */
  io.raylite.internal.resource.Allocation keptWhileBlocked();

  /** What it waits for now before it can go on, or null if nothing that could hold it forever. */
  Step step();

  /** What a node waits for. */
  sealed interface Step {}

  /** Blocked in {@code get} of an object: waits for that object (one edge). */
  record Blocked(BlockedGet get) implements Step {}

  /** Waits for every one of these arguments: any one that never comes holds it forever. */
  record Arguments(List<ObjectEntry> unready) implements Step {}

  /** Queued for resources of this shape. */
  record Resources(ResourceShape shape) implements Step {}

  /**
   * Queued behind these running calls (its actor's calls that fill the concurrency of its group):
   * held forever only if every one of them is.
   */
  record Behind(List<WaitNode> running) implements Step {}
}
