package io.raylite.internal.task;

import io.raylite.function.RayFunc;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Derives a task name from a function: {@code Models.trainAndScore} for the method reference
 * {@code Models::trainAndScore}, read once per lambda class from its {@link SerializedLambda}. Also
 * derives a method key that identifies the method a reference names, whatever call site wrote it,
 * for assigning actor methods to concurrency groups.
 *
 * <p>Both are kept in a {@link ClassValue} slot of the lambda class, the JDK's per-class metadata
 * (it goes away with the class), because the name is read on every submission and a ClassValue
 * read is a few nanoseconds where a cache lookup would allocate a weak lookup key. The slot starts
 * empty because deriving needs an instance; two threads may both derive the same string on first
 * use, which is benign.
 */
public final class FunctionNames {
  private static final int NAME = 0;
  private static final int METHOD_KEY = 1;

  private static final ClassValue<String[]> NAMES = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      return new String[2];
    }
  };

  private FunctionNames() {}

  public static String of(RayFunc wrapped) {
    RayFunc function = WrappedFunction.original(wrapped);  // a wrapper is named after its function
    String[] slot = NAMES.get(function.getClass());
    String name = slot[NAME];
    if (name == null) {
      name = derive(function);
      slot[NAME] = name;  // racy but benign: every writer writes the same string
    }
    return name;
  }

  /**
   * The implementing method of a method reference, as {@code owner.name(descriptor)}: equal for
   * every reference to the same method. A function that is not a serializable lambda is keyed by
   * its class.
   */
  public static String methodKey(RayFunc wrapped) {
    RayFunc function = WrappedFunction.original(wrapped);
    String[] slot = NAMES.get(function.getClass());
    String key = slot[METHOD_KEY];
    if (key == null) {
      SerializedLambda lambda = serialized(function);
      key = lambda == null ? function.getClass().getName()
          : lambda.getImplClass() + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature();
      slot[METHOD_KEY] = key;  // racy but benign, as above
    }
    return key;
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
