package io.raylite.internal;

import io.raylite.function.RayFunc;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Derives a task name from a function: {@code Models.trainAndScore} for the method reference
 * {@code Models::trainAndScore}, read once per lambda class from its {@link SerializedLambda}.
 *
 * <p>The name is kept in a {@link ClassValue} slot of the lambda class, the JDK's per-class
 * metadata (it goes away with the class), because it is read on every submission and a
 * ClassValue read is a few nanoseconds where a cache lookup would allocate a weak lookup key. The
 * slot starts empty because deriving needs an instance; two threads may both derive the same name
 * on first use, which is benign.
 */
final class FunctionNames {
  private static final ClassValue<String[]> NAMES = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      return new String[1];
    }
  };

  private FunctionNames() {}

  static String of(RayFunc function) {
    String[] slot = NAMES.get(function.getClass());
    String name = slot[0];
    if (name == null) {
      name = derive(function);
      slot[0] = name;  // racy but benign: every writer writes the same string
    }
    return name;
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
