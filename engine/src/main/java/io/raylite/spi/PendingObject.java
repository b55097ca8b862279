package io.raylite.spi;

import io.raylite.ObjectRef;
import io.raylite.RayliteException;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.task.Engine;

/**
 * An object of a runtime whose value comes from elsewhere (another node of a cluster): its
 * {@link #ref()} can be handed to the runtime's tasks and actors at once, which wait for it as for
 * a task's result, and the backend that receives the value {@link #complete}s it, or
 * {@link #fail}s it. Thread-safe; the first completion wins. Made by
 * {@link ActorHosting#pendingObject}.
 */
public final class PendingObject {
  private final ObjectEntry entry;
  private final ObjectRef<Object> ref;

  PendingObject(Engine engine) {
    this.entry = new ObjectEntry(engine.nextObjectId(), engine.store, null);
    this.ref = new ObjectRefImpl<>(entry);
  }

  /** The object's ref, in the runtime that made it. */
  public ObjectRef<Object> ref() {
    return ref;
  }

  /** Stores {@code value} and makes the object ready; whether this completed it. */
  public boolean complete(Object value) {
    return entry.complete(value);
  }

  /** Fails the object: its readers get {@code failure}; whether this completed it. */
  public boolean fail(RayliteException failure) {
    return entry.fail(failure);
  }
}
