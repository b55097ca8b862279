package io.raylite.internal.object;

/**
 * Told of each object the store accounts for (larger than the store's small-value bound) when it
 * is stored and when it is released; the state API implements it, above this room. Called on the
 * storing or releasing thread, with no lock of the store held; it must not block.
 *
 * <p>An object released while it is being stored is reported as stored, then released: the store
 * re-reads the entry's release after {@link #objectStored}, and a release marks the entry before
 * it calls {@link #objectReleased}, so one of the two sees the other.
 */
public interface StoreObserver {
  void objectStored(ObjectEntry e);

  void objectReleased(ObjectEntry e);
}
