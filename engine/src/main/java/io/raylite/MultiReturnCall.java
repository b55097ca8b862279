package io.raylite;

import io.raylite.internal.task.Engine;
import io.raylite.internal.task.MultipleReturns;
import java.util.List;
import java.util.function.Supplier;

/**
 * A task or actor call whose function returns several values, as Ray's {@code num_returns}:
 * created by {@link TaskCall#numReturns(int)} and {@link ActorCall#numReturns(int)}. Its
 * {@link #remote()} gives one ref per value.
 */
public final class MultiReturnCall {
  private final Engine engine;
  private final Supplier<ObjectRef<Object>> submit;
  private final int numReturns;

  MultiReturnCall(Engine engine, Supplier<ObjectRef<Object>> submit, int numReturns) {
    if (numReturns < 1) {
      throw new IllegalArgumentException("numReturns must be >= 1, got " + numReturns);
    }
    this.engine = engine;
    this.submit = submit;
    this.numReturns = numReturns;
  }

  /**
   * Submits the call and returns its {@code numReturns} refs at once. With {@code n > 1} the
   * function must return a {@link List} or an array of exactly {@code n} values; ref {@code i}
   * gets value {@code i}. Every ref becomes ready when the call ends; a result of another length
   * or type fails all of them with a {@link TaskFailedException} that says so, and a failed call
   * fails all of them with its exception. With {@code n == 1} the single ref holds the result
   * itself, as a plain {@code remote()} would, as in Ray.
   *
   * @param <T> the values' type, as the caller knows it (not checked, as {@link Raylite#getActor});
   *     values of several types are read as {@code List<ObjectRef<Object>>}
   * @throws InfeasibleResourceException if the runtime can never provide the requested resources
   * @throws RuntimeClosedException if the runtime was closed
   */
  @SuppressWarnings("unchecked")
  public <T> List<ObjectRef<T>> remote() {
    ObjectRef<Object> whole = submit.get();
    if (numReturns == 1) {
      return List.of((ObjectRef<T>) (ObjectRef<?>) whole);
    }
    return MultipleReturns.split(engine, whole, numReturns);
  }
}
