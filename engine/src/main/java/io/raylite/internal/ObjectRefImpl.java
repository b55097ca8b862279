package io.raylite.internal;

import io.raylite.ObjectRef;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The runtime's {@link ObjectRef}: a handle on an {@link ObjectEntry}. Each ref holds one use of
 * its entry and gives it back when the garbage collector finds the ref unreachable; the cleaning
 * action holds the entry, never the ref.
 */
public final class ObjectRefImpl<T> implements ObjectRef<T> {
  /** One thread for every runtime in the JVM: it only drops uses, and releases run quickly. */
  private static final Cleaner CLEANER =
      Cleaner.create(Thread.ofPlatform().daemon().name("raylite-ref-cleaner").factory());

  final ObjectEntry entry;

  ObjectRefImpl(ObjectEntry entry) {
    this.entry = entry;
    entry.retain();
    CLEANER.register(this, entry::drop);
  }

  @Override
  public String id() {
    return entry.idString();
  }

  @Override
  public T get() {
    return entry.owner.get(this, -1);
  }

  @Override
  public T get(Duration timeout) {
    return entry.owner.get(this, timeout.toNanos());
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
