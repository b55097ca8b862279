package io.raylite;

/**
 * A snapshot of a runtime's object store, from {@link Raylite#objectStoreStats()}. Each figure is
 * exact when read, but they are read one after another, so while other threads put, get or release
 * objects the set need not add up at one instant.
 *
 * @param capacityBytes the in-memory capacity ({@link Raylite.Builder#objectStoreMemory})
 * @param objectsInMemory objects whose value the store holds in memory. Objects of at most 256 bytes
 *     are not counted here nor anywhere in these statistics: they stay with their refs, are never
 *     spilled, and the garbage collector frees them with their last ref, as Ray keeps small
 *     objects out of its object store
 * @param bytesInMemory their size, as weighed when stored; never more than {@code capacityBytes}
 *     plus the size of one object being admitted
 * @param peakBytesInMemory the highest {@code bytesInMemory} since the runtime started
 * @param objectsUnspillable larger objects held in memory because the spill codec cannot write them
 * @param bytesUnspillable their size
 * @param objectsSpilled objects with a spill file on disk now (an object read back since is also in
 *     memory, and keeps its file until it is released)
 * @param bytesSpilled the size of those files
 * @param spills spill files written since the runtime started
 * @param restores objects read back from spill files since the runtime started
 * @param releases objects released since the runtime started: unreachable, or freed (small
 *     objects that the collector frees with their refs are not counted)
 */
public record ObjectStoreStats(
    long capacityBytes,
    long objectsInMemory,
    long bytesInMemory,
    long peakBytesInMemory,
    long objectsUnspillable,
    long bytesUnspillable,
    long objectsSpilled,
    long bytesSpilled,
    long spills,
    long restores,
    long releases) {}
