package io.raylite.internal.task;

import io.raylite.ObjectRef;
import io.raylite.RayliteException;
import io.raylite.RuntimeContext;
import io.raylite.TaskFailedException;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.object.Producer;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the result of a call submitted with {@code numReturns(n)} into {@code n} objects, as
 * Ray's {@code num_returns}: the call runs as any other, and when its result is ready (or fails),
 * a callback on the completing thread stores value {@code i} of the returned list or array as
 * object {@code i}, or fails every object with the same exception.
 *
 * <p>A call that runs in this JVM checks its own result ({@link #checking}): a result that is not
 * {@code n} values fails the call itself, as in Ray, so the timeline, the state API and retries
 * see the failure. A task that runs on a cluster node is checked here when its result arrives.
 *
 * <p>Each part's producer is the call, so that {@code cancel} on any part cancels the call, a task
 * that waits for a part may run the call inline, and the state API names the call as the parts'
 * producer. The whole result is an object of its own that only the callback reaches; it is
 * released when the callback is done with it, as any object nothing refers to.
 */
public final class MultipleReturns {
  private MultipleReturns() {}

  /**
   * The function to submit in place of {@code function}: it fails when the result is not a list
   * or array of {@code n} values.
   *
   * @throws IllegalArgumentException if {@code function} returns void
   */
  public static RayFunc checking(RayFunc function, int n) {
    return WrappedFunction.wrap(function, "a List or an array of " + n + " values", values -> {
      Object result = Invoker.invoke(function, values);
      List<?> list = asList(result);
      if (list == null || list.size() != n) {
        throw new IllegalStateException(mismatch(n, result, list));
      }
      return result;
    });
  }

  /**
   * The refs of the {@code n} parts of {@code whole}, a call's result ref of this engine;
   * {@code callName} names the call in the error for a result of the wrong length.
   */
  public static <T> List<ObjectRef<T>> split(Engine engine, ObjectRef<?> whole, int n, String callName) {
    ObjectEntry source = ObjectRefImpl.entryOf(whole, engine.store, "result");
    Producer call = source.producer;  // null if the call ended already
    String id = call instanceof RuntimeContext ctx ? ctx.taskId() : "result " + source.idString();
    ObjectEntry[] parts = new ObjectEntry[n];
    List<ObjectRef<T>> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts[i] = new ObjectEntry(engine.nextObjectId(), engine.store, call);
      refs.add(new ObjectRefImpl<>(parts[i]));
    }
    // The callback holds `whole`, and with it the result, until it has read it.
    source.ready.whenComplete((ignored, error) -> Propagation.run(() -> deliver(engine, whole, source, parts, callName, id)));
    return List.copyOf(refs);
  }

  private static void deliver(Engine engine, ObjectRef<?> whole, ObjectEntry source, ObjectEntry[] parts,
      String name, String id) {
    List<?> values;
    try {
      if (source.ready.isCompletedExceptionally()) {
        failAll(parts, source.failure());
        return;
      }
      Object result = source.fetched(source.valueOrThrow());
      values = asList(result);
      if (values == null || values.size() != parts.length) {
        failAll(parts, new TaskFailedException(name, id,
            new IllegalStateException(mismatch(parts.length, result, values))));
        return;
      }
    } catch (RayliteException e) {
      failAll(parts, e);  // the result could not be read back (lost with its spill file)
      return;
    } finally {
      java.lang.ref.Reference.reachabilityFence(whole);
    }
    for (int i = 0; i < parts.length; i++) {
      parts[i].complete(values.get(i));  // a part the store cannot take fails alone, saying why
    }
  }

  private static String mismatch(int n, Object result, List<?> values) {
    return "numReturns is " + n + ", so the function must return a List or an array of " + n
        + " values, but it returned " + describe(result, values);
  }

  private static void failAll(ObjectEntry[] parts, RayliteException error) {
    for (ObjectEntry part : parts) {
      part.fail(error);
    }
  }

  /** The values of a list or array result, or null for any other. */
  private static List<?> asList(Object result) {
    if (result instanceof List<?> list) {
      return list;
    }
    if (result instanceof Object[] array) {
      return Arrays.asList(array);
    }
    if (result != null && result.getClass().isArray()) {
      int length = Array.getLength(result);
      List<Object> boxed = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        boxed.add(Array.get(result, i));
      }
      return boxed;
    }
    return null;
  }

  private static String describe(Object result, List<?> values) {
    if (result == null) {
      return "null";
    }
    if (values == null) {
      return "a " + result.getClass().getName();
    }
    return values.size() + " value" + (values.size() == 1 ? "" : "s");
  }
}
