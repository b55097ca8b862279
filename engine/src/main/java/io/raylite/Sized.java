package io.raylite;

/**
 * An object that tells the object store its own size. The store weighs primitive arrays, strings
 * and fastutil collections exactly and estimates everything else by walking a sample of the object
 * graph; a type whose size it knows better (an off-heap buffer, a graph too large to sample well)
 * implements this instead.
 *
 * <p>The size counts against the store's capacity ({@link Raylite.Builder#objectStoreMemory}) for
 * as long as the object is held in memory, so report the bytes the object keeps reachable that
 * nothing else already owns.
 */
public interface Sized {

  /**
   * The bytes of memory this object keeps reachable, at least 0. Called once, when the object is
   * stored; the store rounds it up to a whole number of 8-byte words and counts at least one object
   * header.
   */
  long sizeInBytes();
}
