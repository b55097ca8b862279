package io.raylite;

import io.raylite.internal.RuntimeState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a runtime is doing now, modelled on Ray's state API ({@code ray list tasks|actors|objects},
 * {@code ray summary tasks}); from {@link Raylite#state()}. Every call takes a fresh snapshot,
 * without stopping the runtime, so rows of one listing need not describe one instant.
 *
 * <pre>{@code
 * StateApi state = ray.state();
 * Listing<TaskInfo> running = state.tasks(StateFilter.state("RUNNING"), 100);
 * TaskSummary summary = state.summary();
 * ResourceInfo resources = state.resources();
 * }</pre>
 *
 * <p>Tasks: live tasks are listed from the runtime's own structures; finished, failed and cancelled
 * ones from a ring of the most recent ({@link Raylite.Builder#finishedTaskCapacity}). With that
 * capacity 0 task tracking is off and the task listings throw {@link IllegalStateException}.
 *
 * <p>Each listing applies its filter before its limit, and says whether the limit cut it short.
 */
public final class StateApi {
  /** The limit of the listings without one, as Ray's {@code ray list}. */
  public static final int DEFAULT_LIMIT = 100;

  private final RuntimeState state;

  StateApi(RuntimeState state) {
    this.state = state;
  }

  /** The newest {@link #DEFAULT_LIMIT} tasks. */
  public Listing<TaskInfo> tasks() {
    return tasks(StateFilter.ALL, DEFAULT_LIMIT);
  }

  /**
   * The tasks that pass {@code filter} (state: a {@link TaskState} name; name: the task name),
   * newest first, at most {@code limit}.
   *
   * @throws IllegalArgumentException if the state is not a {@link TaskState} or the limit is below 1
   * @throws IllegalStateException if task tracking is off
   */
  public Listing<TaskInfo> tasks(StateFilter filter, int limit) {
    return state.tasks(Objects.requireNonNull(filter, "filter"), checkLimit(limit));
  }

  /** The task with this id, if it is live or still in the ring of finished tasks. */
  public Optional<TaskInfo> task(String taskId) {
    return state.task(Objects.requireNonNull(taskId, "taskId"));
  }

  /**
   * Every placement group, removed ones included (the most recent thousand), in creation order,
   * with its state and each bundle's resources and what of them is free, as Ray's
   * {@code placement_group_table()}.
   */
  public List<PlacementGroupInfo> placementGroups() {
    return state.placementGroups();
  }

  /**
   * Why the result of this task is not ready yet, as {@link Raylite#explain} says it; empty if the
   * task is not live (finished, or unknown).
   */
  public Optional<Explanation> explain(String taskId) {
    return state.explain(Objects.requireNonNull(taskId, "taskId"));
  }

  /** The newest {@link #DEFAULT_LIMIT} actors. */
  public Listing<ActorInfo> actors() {
    return actors(StateFilter.ALL, DEFAULT_LIMIT);
  }

  /**
   * The actors that pass {@code filter} (state: an {@link ActorState} name; name: the actor's name
   * or class), newest first, at most {@code limit}. Dead actors are kept for a while (the most
   * recent 1,000).
   *
   * @throws IllegalArgumentException if the state is not an {@link ActorState} or the limit is below 1
   */
  public Listing<ActorInfo> actors(StateFilter filter, int limit) {
    return state.actors(Objects.requireNonNull(filter, "filter"), checkLimit(limit));
  }

  /** The recent finished method calls of the actor, newest first (from the timeline's ring; empty without it). */
  public List<TaskInfo> actorCalls(String actorId, int limit) {
    return state.actorCalls(Objects.requireNonNull(actorId, "actorId"), checkLimit(limit));
  }

  /** The {@link #DEFAULT_LIMIT} largest objects. */
  public Listing<ObjectInfo> objects() {
    return objects(StateFilter.ALL, DEFAULT_LIMIT);
  }

  /**
   * The objects in the store that pass {@code filter} (state: an {@link ObjectInfo.Location} name;
   * name: the producer, as {@link ObjectInfo#producer()}), largest first, at most {@code limit}.
   *
   * @throws IllegalArgumentException if the state is not a location or the limit is below 1
   */
  public Listing<ObjectInfo> objects(StateFilter filter, int limit) {
    return state.objects(Objects.requireNonNull(filter, "filter"), checkLimit(limit));
  }

  /** Each resource's total and use now, each GPU device's use, and the object store's statistics. */
  public ResourceInfo resources() {
    return state.resources();
  }

  /**
   * The nodes, with their resources, state and address, as {@link Raylite#nodes()} and Ray's
   * {@code ray list nodes}: this JVM alone for a local runtime.
   */
  public List<NodeInfo> nodes() {
    return state.nodes();
  }

  /** Every worker thread of the pool, and every virtual thread running a task, with its tasks. */
  public List<WorkerInfo> workers() {
    return state.workers();
  }

  /**
   * Task counts by name and state over every tracked task.
   *
   * @throws IllegalStateException if task tracking is off
   */
  public TaskSummary summary() {
    return state.summary();
  }

  /**
   * The most recent lines written with {@link RuntimeContext#log}, oldest first, each with its
   * task prefix, at most {@code limit} (the runtime keeps the last 1,000).
   */
  public List<String> logs(int limit) {
    return state.logs(checkLimit(limit));
  }

  /** The runtime's name. */
  public String runtimeName() {
    return state.runtimeName();
  }

  private static int checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return limit;
  }
}
