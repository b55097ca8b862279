package io.raylite.junit;

import io.raylite.Raylite;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The seeds a {@link RayliteTest} runs under: none (the default mode), one ({@code seed}), or
 * {@code schedules} consecutive ones starting at {@code seed} or 0.
 */
record Schedules(long first, int count) {
  /** The schedules {@code config} asks for, or null for the default mode. */
  static Schedules of(RayliteTest config, boolean perClass) {
    if (config.schedules() < 0) {
      throw new IllegalArgumentException("@RayliteTest schedules must be >= 0, got " + config.schedules());
    }
    boolean seeded = config.seed() != RayliteTest.NO_SEED;
    if (config.schedules() == 0 && !seeded) {
      return null;
    }
    if (perClass) {
      throw new IllegalArgumentException("@RayliteTest schedules and seed need a runtime per test, not perClass = true");
    }
    return new Schedules(seeded ? config.seed() : 0, Math.max(1, config.schedules()));
  }

  long seed(int run) {
    return first + run;
  }

  /** The failure of the run under {@code seed}, saying how to replay it, with the original as cause. */
  AssertionError failedUnder(long seed, int run, Throwable failure) {
    String which = count == 1 ? "" : " (schedule " + (run + 1) + " of " + count + ")";
    AssertionError wrapped = new AssertionError("failed under seed " + seed + which
        + "; replay it with @RayliteTest(seed = " + seed + "): " + failure, failure);
    return wrapped;
  }

  /** {@code arguments} with every {@link Raylite} replaced by {@code ray}. */
  static Object[] withRuntime(Method method, List<Object> arguments, Raylite ray) {
    Object[] args = arguments.toArray();
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      if (types[i] == Raylite.class) {
        args[i] = ray;
      }
    }
    return args;
  }
}
