package io.raylite;

/**
 * The object is gone because the process that owned it died: on a cluster, a ref made in a task on
 * a node (a {@code put}, or the result of a task it submitted) is owned by that node, which keeps
 * its value or its lineage, so the object cannot be read or rebuilt once the node is gone. As Ray's
 * {@code OwnerDiedError}, a subclass of {@link ObjectLostException}; the message names the object
 * and its owner.
 */
public class OwnerDiedException extends ObjectLostException {
  /** Creates the exception with its message. */
  public OwnerDiedException(String message) {
    super(message);
  }

  /** Creates the exception with its message and the failure that showed the owner gone. */
  public OwnerDiedException(String message, Throwable cause) {
    super(message, cause);
  }
}
