package io.raylite.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.function.RayFunc;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Derives a task name from a function: {@code Models.trainAndScore} for the method reference
 * {@code Models::trainAndScore}, read once per lambda class from its {@link SerializedLambda}
 * and memoized (weakly, so lambda classes can still be unloaded).
 */
final class FunctionNames {
  private static final Cache<Class<?>, String> NAMES =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  private FunctionNames() {}

  static String of(RayFunc function) {
    return NAMES.get(function.getClass(), type -> derive(function));
  }

  private static String derive(RayFunc function) {
    try {
      Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      if (writeReplace.invoke(function) instanceof SerializedLambda lambda) {
        String owner = lambda.getImplClass();
        owner = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
        String method = lambda.getImplMethodName();
        if (method.startsWith("lambda$")) {
          // lambda$enclosingMethod$N: name it after where it was written.
          String[] parts = method.split("\\$");
          method = (parts.length > 1 ? parts[1] : "lambda") + ".lambda";
        } else if (method.equals("<init>")) {
          method = "new";
        }
        return owner + "." + method;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not a serializable lambda (a class implementing RayFunc): fall through to its class name.
    }
    return function.getClass().getSimpleName();
  }
}
