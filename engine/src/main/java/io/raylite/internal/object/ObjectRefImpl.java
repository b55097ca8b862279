package io.raylite.internal.object;

import io.raylite.ObjectRef;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The runtime's {@link ObjectRef}: a handle on an {@link ObjectEntry}. Each ref holds one use of
 * its entry and, if its value is one the store must release, gives it back when the garbage
 * collector finds the ref unreachable (see {@link ObjectEntry#adoptRef} and {@link RefTracker}).
 */
public final class ObjectRefImpl<T> implements ObjectRef<T>, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  final transient ObjectEntry entry;

  public ObjectRefImpl(ObjectEntry entry) {
    this.entry = entry;
    if (entry.tracked) {
      entry.adoptRef(this);
    }
  }

  @Override
  public String id() {
    return entry.idString();
  }

  /**
   * The entry behind {@code ref} if it is a ref of the runtime whose store is {@code owner}, else
   * null: the check of {@link #entryOf} without naming the argument, for loops that build the name
   * only on failure.
   */
  public static ObjectEntry ownEntry(Object ref, ObjectStore owner) {
    return ref instanceof ObjectRefImpl<?> impl && impl.entry.owner == owner ? impl.entry : null;
  }

  /**
   * The entry behind a ref of the runtime whose store is {@code owner}; {@code what} names the
   * argument in errors.
   *
   * @throws IllegalArgumentException if {@code ref} is not a ref of that runtime
   */
  public static ObjectEntry entryOf(Object ref, ObjectStore owner, String what) {
    ObjectEntry own = ownEntry(ref, owner);
    if (own != null) {
      return own;
    }
    if (!(ref instanceof ObjectRefImpl<?> impl)) {
      throw new IllegalArgumentException(what + " must be an ObjectRef created by a Raylite runtime, got "
          + (ref == null ? "null" : ref.getClass().getName()));
    }
    throw new IllegalArgumentException(what + " belongs to runtime '" + impl.entry.owner.runtimeName()
        + "', not to '" + owner.runtimeName() + "'");
  }

  /** As {@link #entryOf}, naming the argument {@code refs[i]}, built only if it fails. */
  public static ObjectEntry entryAt(Object ref, ObjectStore owner, int i) {
    ObjectEntry own = ownEntry(ref, owner);
    return own != null ? own : entryOf(ref, owner, "refs[" + i + "]");
  }

  @Override
  public T get() {
    return read(-1);
  }

  @Override
  public T get(Duration timeout) {
    return read(Timeouts.nanos(timeout));
  }

  /** Waits through the runtime that owns the entry, which lends the running task's resources. */
  @SuppressWarnings("unchecked")
  private T read(long timeoutNanos) {
    try {
      return (T) entry.owner.awaiter().await(entry, timeoutNanos);
    } finally {
      Reference.reachabilityFence(this);  // the ref's use keeps the object until it is read
    }
  }

  @Override
  public boolean isReady() {
    return entry.isDone();
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<T> toCompletableFuture() {
    // The callback reads through this ref, so the ref (and with it the object) stays reachable
    // until the object is ready and read.
    return entry.ready.handle((ignored, error) -> {
      if (error != null) {
        throw new CompletionException(error instanceof CompletionException c ? c.getCause() : error);
      }
      Object value = this.entry.valueOrThrow();
      // A value that lives on a cluster node is fetched here, on the thread that completes it.
      return (T) this.entry.fetched(value);
    });
  }

  /**
   * A ref inside a value that leaves its JVM (a task's result, a field of an argument) is written as
   * what its runtime's backend makes of it: on a cluster node, a borrowed ref that reads back as a
   * ref of the reading JVM's runtime; a ref of a local runtime cannot leave.
   */
  private Object writeReplace() throws java.io.ObjectStreamException {
    return entry.owner.exportRef(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectRefImpl<?> other && other.entry == entry;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(entry.id) * 31 + System.identityHashCode(entry.owner);
  }

  @Override
  public String toString() {
    return "ObjectRef(" + id() + ")";
  }
}
