package io.raylite.cluster;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * A ref made on a node, as it travels inside a value (see SharedRefs): its owner and key, its size
 * unknown (-1: the object may not be ready yet). Read on a JVM of the cluster, it becomes a ref of
 * that JVM's runtime whose value is fetched from the owner when read (HazelcastBackend.borrow); on
 * the owner itself, the ref that was written out.
 */
final class BorrowedRef implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The backend whose runtime the refs read on this thread belong to, where it is not the node's. */
  static final ScopedValue<HazelcastBackend> READER = ScopedValue.newInstance();
  /**
   * Bound true while bytes read once are decoded (an answer, a fetched value): each ref read takes
   * over the hold its bytes carry, instead of taking a hold of its own.
   */
  static final ScopedValue<Boolean> TAKE_OVER = ScopedValue.newInstance();
  /** The drivers' backends open in this JVM, for refs read where no backend is bound (an actor call's result). */
  static final java.util.List<HazelcastBackend> DRIVERS = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Bound while a node encodes bytes whose holds it releases itself (see HazelcastBackend.exportRef). */
  static final ScopedValue<java.util.List<String>> EXPORTED = ScopedValue.newInstance();

  private final Wire.ObjectHandle handle;

  BorrowedRef(Wire.ObjectHandle handle) {
    this.handle = handle;
  }

  private Object readResolve() throws ObjectStreamException {
    HazelcastBackend reader = READER.isBound() ? READER.get() : null;
    if (reader == null) {
      ClusterNode node = ClusterNode.current();
      reader = node != null ? node.nestedBackend() : DRIVERS.isEmpty() ? null : DRIVERS.getFirst();
    }
    if (reader == null) {
      throw new InvalidObjectException("object " + handle.key() + " is a ref made on node " + handle.ownerNodeId()
          + ": it can only be read in a JVM connected to its cluster (a node or a driver)");
    }
    return reader.borrow(handle, TAKE_OVER.isBound() && TAKE_OVER.get());
  }
}
