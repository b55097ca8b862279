package io.raylite.internal.task;

import io.raylite.internal.resource.ResourceShape;

/**
 * Where finished tasks and actor calls are recorded, as small events that do not keep the task or
 * call (its result entry may hold a value for as long as anything reaches the entry). 
 * {@code Timeline} keeps them and writes them out.
 */
public interface TimelineSink {
  /** Whether anything is recorded; callers skip building an event when not. */
  boolean enabled();

  void record(Event event);

  /** What the sink takes; events are shown in submission order. */
  sealed interface Event permits TaskEvent, ActorCallEvent, BundleEvent, GeneratorItemEvent {
    long submittedNanos();
  }

  /**
   * A finished task, as the timeline and the state API show it. {@code startedNanos} is 0 for a
   * task that never ran. The last three fields are the state API's (see {@link TaskTable}): the
   * resource shape, the submitter ({@code TaskRun.callerSeq}) and the error text, or null.
   */
  record TaskEvent(String name, long taskSeq, int workerTid, String workerLabel, int outcome, int attempt,
      long submittedNanos, long argsReadyNanos, long dispatchedNanos, long startedNanos, long finishedNanos,
      ResourceShape request, long callerSeq, String error)
      implements Event {}

  /**
   * A finished actor call, or a run of an actor's constructor ({@code construction}), as the
   * timeline shows it. {@code startedNanos} is 0 for a call that never ran.
   */
  record ActorCallEvent(String name, long callSeq, long actorSeq, String actorRow, boolean construction,
      int outcome, int attempt, long submittedNanos, long startedNanos, long finishedNanos) implements Event {}

  /**
   * A placement group's bundle, held from {@code placedNanos} until {@code releasedNanos} (0 while it
   * is still held); {@code submittedNanos} is when the group was created.
   */
  record BundleEvent(String groupId, String groupName, long groupSeq, int index, String resources,
      java.util.List<Integer> gpuIds, long submittedNanos, long placedNanos, long releasedNanos) implements Event {}

  /**
   * A value of a streaming generator, produced as value {@code index} of the call
   * {@code producerId} into the object {@code objectId}, at {@code submittedNanos}. It is drawn on
   * the producer's row: the actor's ({@code actorSeq}, -1 for a task) or the worker's
   * ({@code workerTid}); {@code rowLabel} names that row.
   */
  record GeneratorItemEvent(String producerName, String producerId, int index, String objectId, long actorSeq,
      int workerTid, String rowLabel, long submittedNanos) implements Event {}
}
