package io.raylite;

/**
 * The object store cannot take an object: keeping it would put more than the store's capacity in
 * memory, and nothing else in memory can be spilled to make room, because the objects left there
 * cannot be written by the spill codec. The message says how many bytes are in memory, held by how
 * many objects, and which objects could not be spilled and why.
 *
 * <p>{@link Raylite#put} throws it; a task whose result cannot be stored fails with it.
 */
public class ObjectStoreFullException extends RayliteException {
  /** Creates the exception with its message. */
  public ObjectStoreFullException(String message) {
    super(message);
  }
}
