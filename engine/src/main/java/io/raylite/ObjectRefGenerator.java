package io.raylite;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The refs of a streaming generator's values, in the order it produced them, as Ray's
 * {@code ObjectRefGenerator}: returned by {@link TaskCall#remoteGenerator()} and
 * {@link ActorCall#remoteGenerator()} for a function that returns a {@link java.util.stream.Stream},
 * an {@link Iterator} or an {@link Iterable}. Each ref is handed out as soon as its value is
 * produced, before the task ends, and is ready at once.
 *
 * <p>The generator is its own iterator, as in Ray: {@link #iterator()} returns it, so a for-each
 * loop and calls to {@link #next()} share one position, and each ref is handed out once.
 * {@link #hasNext()} blocks until the next value is produced or the task ends; when the task
 * failed or was cancelled, it throws what {@link ObjectRef#get()} on {@link #completed()} would
 * throw, after every value produced before the failure was handed out.
 *
 * <p>{@link #close()} cancels the producer if it still runs (it stops before its next value) and
 * releases the values produced and not handed out. A generator may be consumed from any thread,
 * one consumer at a time.
 *
 * @param <T> the type of the generated values
 */
public interface ObjectRefGenerator<T> extends Iterable<ObjectRef<T>>, Iterator<ObjectRef<T>>, AutoCloseable {

  /**
   * Waits until the next value is produced or the generator task ends.
   *
   * @return true if a ref is ready to be handed out; false once the task finished and every ref
   *     was handed out, or after {@link #close()}
   * @throws TaskFailedException if the task threw, once the refs produced before were handed out
   * @throws TaskCancelledException if the task was cancelled, or its runtime closed, likewise
   */
  @Override
  boolean hasNext();

  /**
   * The ref of the next value, waiting for it as {@link #hasNext()} does. It counts as consumed
   * from now on (see {@link TaskCall#generatorBackpressure}).
   *
   * @throws NoSuchElementException if the generator has no more values
   */
  @Override
  ObjectRef<T> next();

  /** This generator: iterating it consumes it. */
  @Override
  default Iterator<ObjectRef<T>> iterator() {
    return this;
  }

  /**
   * A ref that becomes ready when the generator task ends: with null once it produced all its
   * values, or failed with its exception. {@link Raylite#cancel} on it cancels the task.
   */
  ObjectRef<Void> completed();

  /**
   * Cancels the producer if it still runs and releases the values produced and not yet handed
   * out. Refs already handed out stay valid. Idempotent.
   */
  @Override
  void close();
}
