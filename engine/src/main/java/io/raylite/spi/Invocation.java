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

  /** What a {@link #wrap wrapper} does with its arguments, where it runs; serializable, as it travels with the task. */
  @FunctionalInterface
  public interface Body extends java.io.Serializable {
    /** Runs the call with the argument values, one per parameter in order. */
    Object run(Object[] values) throws Exception;
  }

  /**
   * A function of the same arity as {@code original} that runs {@code body} in its place, named
   * after {@code original} (in the task's name, the timeline and the state API); serializable, so
   * a backend can send it to the node that runs the task.
   *
   * @param needs what {@code original} must return, for the error when it returns void
   * @throws IllegalArgumentException if {@code original} returns void
   */
  public static RayFunc wrap(RayFunc original, String needs, Body body) {
    return io.raylite.internal.task.WrappedFunction.wrap(original, needs, new SentBody(body));
  }

  /** The engine's body for a wrapper that travels: serializable, as {@code Body} is. */
  private record SentBody(Body body) implements io.raylite.internal.task.WrappedFunction.Body, java.io.Serializable {
    @Override
    public Object run(Object[] values) throws Exception {
      return body.run(values);
    }
  }
}
