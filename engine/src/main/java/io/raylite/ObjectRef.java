package io.raylite;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A reference to an object in a runtime's object store: the result of a task or actor call, or a
 * value given to {@link Raylite#put}. A ref may be passed as a task argument (the task then receives
 * the value), kept, and read any number of times. Objects are immutable once stored.
 *
 * <p>Refs are created only by the runtime (do not implement this interface); a ref belongs to the
 * runtime that created it.
 *
 * @param <T> the type of the referenced object
 */
public interface ObjectRef<T> {

  /** The object id, unique within the runtime, as a 16-hex-digit string. */
  String id();

  /** Waits for the object and returns it, as {@link Raylite#get(ObjectRef)} on the owning runtime. */
  T get();

  /** Waits at most {@code timeout} for the object, as {@link Raylite#get(ObjectRef, Duration)}. */
  T get(Duration timeout);

  /** Whether the object is ready now (a value or a failure); never blocks. */
  boolean isReady();

  /**
   * A new future that completes with the object, or exceptionally with the same exception that
   * {@link #get()} would throw. Completing or cancelling the returned future does not affect the
   * object or the task that produces it.
   */
  CompletableFuture<T> toCompletableFuture();
}
