package io.raylite;

/**
 * One object in the object store, as {@link StateApi#objects} reports it. Only objects the store
 * accounts for are listed: objects of at most 256 bytes stay with their refs, outside the store
 * (see {@link ObjectStoreStats}), as Ray keeps small objects out of its plasma store.
 *
 * @param objectId the object's id, as an {@link ObjectRef}'s {@code toString()} shows it
 * @param sizeBytes its size, as weighed when it was stored
 * @param location where its value is now
 * @param references the refs and pending task arguments that keep it alive
 * @param producer the id of the task or actor call whose result it is; for a {@code put}, {@code
 *     put by driver} or {@code put by} the putting task's id; the owner, in Ray's terms
 * @param localRefs the {@link ObjectRef}s of it that the collector has not found unreachable yet
 *     (Ray's {@code LOCAL_REFERENCE}), including refs kept in the arguments of actor calls
 * @param pendingTaskArguments the tasks not yet done that take it as an argument (Ray's {@code
 *     USED_BY_PENDING_TASK}); {@code references} is the sum of the two
 */
public record ObjectInfo(String objectId, long sizeBytes, Location location, int references, String producer,
    int localRefs, int pendingTaskArguments) {

  /** Where an object's value is. */
  public enum Location {
    /** In memory only. */
    MEMORY,
    /** On disk only: a {@code get} reads it back. */
    SPILLED,
    /** Read back from disk and still in memory; its spill file is kept until it is released. */
    MEMORY_AND_SPILLED
  }
}
