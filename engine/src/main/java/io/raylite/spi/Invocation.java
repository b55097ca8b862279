package io.raylite.spi;

import io.raylite.function.RayFunc;
import io.raylite.internal.task.Invoker;

/**
 * Calls a task function of any arity with an argument array, as the engine does locally: for a
 * backend that runs a task it received as a {@link RayFunc} and its arguments (a cluster node).
 */
public final class Invocation {
  private Invocation() {}

  /**
   * Calls {@code function} with {@code args}, one per parameter in order; a void function returns
   * null.
   *
   * @throws Exception whatever the function throws
   */
  public static Object invoke(RayFunc function, Object[] args) throws Exception {
    return Invoker.invoke(function, args);
  }
}
