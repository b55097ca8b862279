package io.raylite.cluster;

import io.raylite.function.*;

/** Calls a task function of any arity on a node, as the engine's own invoker does locally. */
final class Functions {
  private Functions() {}

  /** Calls {@code f} with the arguments {@code a}; a void function returns null. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object invoke(RayFunc f, Object[] a) throws Exception {
    return switch (f) {
      case RayFunc0 g -> g.apply();
      case RayFunc1 g -> g.apply(a[0]);
      case RayFunc2 g -> g.apply(a[0], a[1]);
      case RayFunc3 g -> g.apply(a[0], a[1], a[2]);
      case RayFunc4 g -> g.apply(a[0], a[1], a[2], a[3]);
      case RayFunc5 g -> g.apply(a[0], a[1], a[2], a[3], a[4]);
      case RayFunc6 g -> g.apply(a[0], a[1], a[2], a[3], a[4], a[5]);
      case RayFunc7 g -> g.apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      case RayFuncVoid0 g -> {
        g.apply();
        yield null;
      }
      case RayFuncVoid1 g -> {
        g.apply(a[0]);
        yield null;
      }
      case RayFuncVoid2 g -> {
        g.apply(a[0], a[1]);
        yield null;
      }
      case RayFuncVoid3 g -> {
        g.apply(a[0], a[1], a[2]);
        yield null;
      }
      case RayFuncVoid4 g -> {
        g.apply(a[0], a[1], a[2], a[3]);
        yield null;
      }
      case RayFuncVoid5 g -> {
        g.apply(a[0], a[1], a[2], a[3], a[4]);
        yield null;
      }
      case RayFuncVoid6 g -> {
        g.apply(a[0], a[1], a[2], a[3], a[4], a[5]);
        yield null;
      }
      case RayFuncVoid7 g -> {
        g.apply(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
        yield null;
      }
      default -> throw new IllegalArgumentException("not a RayFunc of a known arity: " + f.getClass().getName());
    };
  }
}
