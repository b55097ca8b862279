package io.raylite;

import io.raylite.function.RayFunc;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.MultipleReturns;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A task or actor call whose function returns several values, as Ray's {@code num_returns}:
 * created by {@link TaskCall#numReturns(int)} and {@link ActorCall#numReturns(int)}. Its
 * {@link #remote()} gives one ref per value.
 */
public final class MultiReturnCall {
  /** The most return values of one call: each is an object of its own, with a ref made at submission. */
  static final int MAX_RETURNS = 1_000_000;
  private final Engine engine;
  private final RayFunc function;
  /** Whether the call runs in this JVM, so that it can check its own result; see MultipleReturns. */
  private final boolean checksItself;
  private final Function<RayFunc, ObjectRef<Object>> submit;
  private final Supplier<String> callName;
  private final int numReturns;

  MultiReturnCall(Engine engine, RayFunc function, boolean checksItself, Function<RayFunc, ObjectRef<Object>> submit,
      Supplier<String> callName, int numReturns) {
    if (numReturns < 1) {
      throw new IllegalArgumentException("numReturns must be >= 1, got " + numReturns);
    }
    if (numReturns > MAX_RETURNS) {
      throw new IllegalArgumentException("numReturns must be at most " + MAX_RETURNS + ", got " + numReturns);
    }
    this.engine = engine;
    this.function = function;
    this.checksItself = checksItself;
    this.submit = submit;
    this.callName = callName;
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
   * @throws IllegalArgumentException if the function returns void
   * @throws InfeasibleResourceException if the runtime can never provide the requested resources
   * @throws RuntimeClosedException if the runtime was closed
   */
  @SuppressWarnings("unchecked")
  public <T> List<ObjectRef<T>> remote() {
    if (numReturns == 1) {
      return List.of((ObjectRef<T>) (ObjectRef<?>) submit.apply(function));
    }
    ObjectRef<Object> whole = submit.apply(checksItself ? MultipleReturns.checking(function, numReturns) : function);
    return MultipleReturns.split(engine, whole, numReturns, callName.get());
  }
}
