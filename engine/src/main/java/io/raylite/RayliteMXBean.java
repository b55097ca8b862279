package io.raylite;

import java.util.Map;

/**
 * The management interface of a running {@link Raylite} runtime, registered in the platform
 * MBean server under {@code io.raylite:type=Runtime,name=<runtime name>} when the runtime starts
 * and unregistered when it closes, so JConsole, JDK Mission Control or any JMX client shows its
 * resources and object store. Each read is taken when asked, as {@link Raylite#availableResources()}
 * and {@link Raylite#objectStoreStats()} are; after the runtime closed, the figures are those of its
 * last state. Clients may read it through {@code JMX.newMXBeanProxy} with this interface.
 */
public interface RayliteMXBean {
  /** The pattern of the object names: {@code io.raylite:type=Runtime,name=*}. */
  String OBJECT_NAME_PATTERN = "io.raylite:type=Runtime,name=*";

  /** The runtime's name ({@link Raylite.Builder#name}, or the one it was given). */
  String getName();

  /** Whether the runtime has closed (its MBean is then about to be unregistered). */
  boolean isClosed();

  /** Every resource and its capacity, as {@link Raylite#totalResources()}. */
  Map<String, Double> getTotalResources();

  /** Every resource and the amount not held by a task or actor now, as {@link Raylite#availableResources()}. */
  Map<String, Double> getAvailableResources();

  /** Tasks submitted since the runtime started (actor calls not included). */
  long getTasksSubmitted();

  /** See {@link ObjectStoreStats#capacityBytes()}. */
  long getObjectStoreCapacityBytes();

  /** See {@link ObjectStoreStats#objectsInMemory()}. */
  long getObjectsInMemory();

  /** See {@link ObjectStoreStats#bytesInMemory()}. */
  long getBytesInMemory();

  /** See {@link ObjectStoreStats#peakBytesInMemory()}. */
  long getPeakBytesInMemory();

  /** See {@link ObjectStoreStats#objectsUnspillable()}. */
  long getObjectsUnspillable();

  /** See {@link ObjectStoreStats#bytesUnspillable()}. */
  long getBytesUnspillable();

  /** See {@link ObjectStoreStats#objectsSpilled()}. */
  long getObjectsSpilled();

  /** See {@link ObjectStoreStats#bytesSpilled()}. */
  long getBytesSpilled();

  /** See {@link ObjectStoreStats#spills()}. */
  long getSpills();

  /** See {@link ObjectStoreStats#restores()}. */
  long getRestores();

  /** See {@link ObjectStoreStats#releases()}. */
  long getReleases();
}
