package io.raylite.internal.task;

import io.raylite.function.RayFunc;
import io.raylite.function.RayFunc0;
import io.raylite.function.RayFunc1;
import io.raylite.function.RayFunc2;
import io.raylite.function.RayFunc3;
import io.raylite.function.RayFunc4;
import io.raylite.function.RayFunc5;
import io.raylite.function.RayFunc6;
import io.raylite.function.RayFunc7;

/**
 * A function of the same arity as a user's function that runs something else in its place: the
 * engine submits it, so that the call goes through the ordinary task or actor path (arguments,
 * resources, retries, cancellation, the timeline), while {@link Body} decides what the call does
 * with the user's function. A streaming generator's producer loop runs this way (see
 * {@link GeneratorStream}), and so does the check of a result's length for {@code numReturns}
 * ({@link MultipleReturns}). {@link FunctionNames} names a wrapper, and routes it to a
 * concurrency group, after the function it wraps.
 *
 * <p>A wrapper is serialized only when its body is serializable: a cluster's streaming generator
 * task ({@code TaskBackend.streaming}) travels to its node as a wrapper whose body runs there. The
 * engine's own bodies capture local state and are never sent.
 */
public final class WrappedFunction {
  private WrappedFunction() {}

  /** What a wrapper does with the argument values it is called with. */
  @FunctionalInterface
  public interface Body {
    Object run(Object[] values) throws Exception;
  }

  /**
   * A wrapper of {@code original}, which must return a value ({@code RayFunc0..7}).
   *
   * @param needs what the function must return, for the error when it returns void
   * @throws IllegalArgumentException if {@code original} returns void
   */
  public static RayFunc wrap(RayFunc original, String needs, Body body) {
    return switch (original) {
      case RayFunc0 f -> new Arity0(f, body);
      case RayFunc1 f -> new Arity1(f, body);
      case RayFunc2 f -> new Arity2(f, body);
      case RayFunc3 f -> new Arity3(f, body);
      case RayFunc4 f -> new Arity4(f, body);
      case RayFunc5 f -> new Arity5(f, body);
      case RayFunc6 f -> new Arity6(f, body);
      case RayFunc7 f -> new Arity7(f, body);
      default -> throw new IllegalArgumentException("function must return " + needs + ", but "
          + FunctionNames.of(original) + " returns void");
    };
  }

  /** The function a wrapper stands for, or {@code function} itself. */
  static RayFunc original(RayFunc function) {
    return function instanceof Wrapper w ? w.original : function;
  }

  @SuppressWarnings("serial")  // serialized only with a serializable body; see the class comment
  private abstract static class Wrapper implements RayFunc {
    private static final long serialVersionUID = 2L;
    final RayFunc original;
    final Body body;

    Wrapper(RayFunc original, Body body) {
      this.original = original;
      this.body = body;
    }
  }

  private static final class Arity0 extends Wrapper implements RayFunc0<Object> {
    private static final long serialVersionUID = 1L;

    Arity0(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply() throws Exception {
      return body.run(new Object[] {});
    }
  }

  private static final class Arity1 extends Wrapper implements RayFunc1<Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity1(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0) throws Exception {
      return body.run(new Object[] {a0});
    }
  }

  private static final class Arity2 extends Wrapper implements RayFunc2<Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity2(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1) throws Exception {
      return body.run(new Object[] {a0, a1});
    }
  }

  private static final class Arity3 extends Wrapper implements RayFunc3<Object, Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity3(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1, Object a2) throws Exception {
      return body.run(new Object[] {a0, a1, a2});
    }
  }

  private static final class Arity4 extends Wrapper implements RayFunc4<Object, Object, Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity4(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1, Object a2, Object a3) throws Exception {
      return body.run(new Object[] {a0, a1, a2, a3});
    }
  }

  private static final class Arity5 extends Wrapper implements RayFunc5<Object, Object, Object, Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity5(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4) throws Exception {
      return body.run(new Object[] {a0, a1, a2, a3, a4});
    }
  }

  private static final class Arity6 extends Wrapper implements RayFunc6<Object, Object, Object, Object, Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity6(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) throws Exception {
      return body.run(new Object[] {a0, a1, a2, a3, a4, a5});
    }
  }

  private static final class Arity7 extends Wrapper implements RayFunc7<Object, Object, Object, Object, Object, Object, Object, Object> {
    private static final long serialVersionUID = 1L;

    Arity7(RayFunc original, Body body) {
      super(original, body);
    }

    @Override
    public Object apply(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, Object a6) throws Exception {
      return body.run(new Object[] {a0, a1, a2, a3, a4, a5, a6});
    }
  }
}
