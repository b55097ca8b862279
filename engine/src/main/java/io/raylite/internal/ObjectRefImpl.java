package io.raylite.internal;

import io.raylite.ObjectRef;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The runtime's {@link ObjectRef}: a handle on an {@link ObjectEntry}. Each ref holds one use of
 * its entry and, if its value is one the store must release, gives it back when the garbage
 * collector finds the ref unreachable (see {@link ObjectEntry#adoptRef} and {@link RefTracker}).
 */
public final class ObjectRefImpl<T> implements ObjectRef<T> {
  final ObjectEntry entry;

  ObjectRefImpl(ObjectEntry entry) {
    this.entry = entry;
    if (entry.tracked) {
      entry.adoptRef(this);
    }
  }

  @Override
  public String id() {
    return entry.idString();
  }

  @Override
  public T get() {
    return entry.owner.api.get(this);
  }

  @Override
  public T get(Duration timeout) {
    return entry.owner.api.get(this, timeout);
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
      return (T) this.entry.valueOrThrow();
    });
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
