package io.raylite.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.raylite.function.RayFunc;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Derives a task name from a function: {@code Models.trainAndScore} for the method reference
 * {@code Models::trainAndScore}, read once per lambda class from its {@link SerializedLambda}
 * and memoized (weakly, so lambda classes can still be unloaded). Also derives a method key that
 * identifies the method a reference names, whatever call site wrote it, for assigning actor methods
 * to concurrency groups.
 */
final class FunctionNames {
  private static final Cache<Class<?>, String> NAMES =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  private static final Cache<Class<?>, String> METHOD_KEYS =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  private FunctionNames() {}

  static String of(RayFunc function) {
    return NAMES.get(function.getClass(), type -> derive(function));
  }

  /**
   * The implementing method of a method reference, as {@code owner.name(descriptor)}: equal for
   * every reference to the same method. A function that is not a serializable lambda is keyed by
   * its class.
   */
  static String methodKey(RayFunc function) {
    return METHOD_KEYS.get(function.getClass(), type -> {
      SerializedLambda lambda = serialized(function);
      return lambda == null ? type.getName()
          : lambda.getImplClass() + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature();
    });
  }

  private static SerializedLambda serialized(RayFunc function) {
    try {
      Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return writeReplace.invoke(function) instanceof SerializedLambda lambda ? lambda : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;  // not a serializable lambda: a class implementing RayFunc
    }
  }

  private static String derive(RayFunc function) {
    SerializedLambda lambda = serialized(function);
    if (lambda == null) {
      return function.getClass().getSimpleName();
    }
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
}
