package io.raylite.internal;

import io.raylite.ObjectRef;
import io.raylite.RayliteException;
import io.raylite.RuntimeClosedException;
import io.raylite.function.RayFunc;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectRefImpl;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.FunctionNames;
import io.raylite.spi.RemoteActor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/*
 * Implementation overview
 *
 * A call of an actor that lives on another node, as the caller's runtime sees it: an entry of the
 * caller's store with no producer here, completed by the backend's answer. At submission the
 * backend checks and encodes the arguments and takes the call's place in the caller's order
 * (RemoteActor.call, on the caller's thread, so a caller's calls are numbered in the order it made
 * them). Once every ObjectRef argument is ready, the call is sent with their stored values; if one
 * failed, the call is abandoned (the actor's node stops waiting for its place) and its ref fails
 * with that argument's failure, as a local call's does.
 *
 * Threads: the entry is completed once, by whichever thread completes the backend's stage or the
 * last argument; the refs of the arguments stay reachable through the continuation until then.
 */
public final class RemoteActorCalls {
  private RemoteActorCalls() {}

  /** Submits a call of {@code actor}, whose refs belong to {@code runtime}. */
  public static <R> ObjectRef<R> submit(LocalRuntime runtime, RemoteActor actor, RayFunc method, Object[] args,
      int refMask, String callName, String group, boolean async) {
    return submit(runtime, actor, method, args, refMask, callName, group, async, 0);
  }

  /** As above, queued in the actor's mailbox with {@code priority}. */
  public static <R> ObjectRef<R> submit(LocalRuntime runtime, RemoteActor actor, RayFunc method, Object[] args,
      int refMask, String callName, String group, boolean async, int priority) {
    return submit(runtime, method, args, refMask, callName,
        () -> actor.call(method, args, refMask, callName, group, async, priority));
  }

  /**
   * Submits a call of a generator method of {@code actor}, whose values go to {@code items} as
   * they arrive; the returned ref is the call's result, which ends the stream.
   */
  public static ObjectRef<Object> submitGenerator(LocalRuntime runtime, RemoteActor actor, RayFunc method,
      Object[] args, int refMask, String callName, String group, int priority, io.raylite.spi.TaskBackend.Items items) {
    return submit(runtime, method, args, refMask, callName,
        () -> actor.generatorCall(method, args, refMask, callName, group, priority, items));
  }

  private static <R> ObjectRef<R> submit(LocalRuntime runtime, RayFunc method, Object[] args, int refMask,
      String callName, java.util.function.Supplier<RemoteActor.Call> start) {
    if (runtime.isClosed()) {
      throw new RuntimeClosedException("runtime '" + runtime.name + "' is closed");
    }
    Engine engine = runtime.engine();
    ObjectEntry[] deps = new ObjectEntry[args.length];
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        deps[i] = ObjectRefImpl.entryOf(args[i], engine.store, "argument " + i + " of actor call '"
            + (callName != null ? callName : FunctionNames.of(method)) + "'");
      }
    }
    RemoteActor.Call call = start.get();
    ObjectEntry result = new ObjectEntry(engine.nextObjectId(), engine.store, null);
    ObjectRefImpl<R> ref = new ObjectRefImpl<>(result);
    if (refMask == 0) {
      send(call, args, result);
      return ref;
    }
    CompletableFuture<?>[] ready = new CompletableFuture<?>[Integer.bitCount(refMask)];
    for (int i = 0, n = 0; i < deps.length; i++) {
      if (deps[i] != null) {
        ready[n++] = deps[i].ready;
      }
    }
    Object[] kept = args.clone();  // keeps the argument refs reachable until the call is sent
    CompletableFuture.allOf(ready).whenComplete((ignored, failure) -> {
      Object[] values = kept.clone();
      for (int i = 0; i < deps.length; i++) {
        if (deps[i] != null) {
          if (deps[i].ready.isCompletedExceptionally()) {
            call.abandon();
            result.fail(deps[i].failure());
            return;
          }
          try {
            values[i] = deps[i].valueOrThrow();
          } catch (RuntimeException e) {
            call.abandon();
            result.fail(e instanceof RayliteException r ? r : new RayliteException("argument " + i + " of actor call '"
                + (callName != null ? callName : FunctionNames.of(method)) + "' cannot be read: " + e, e));
            return;
          }
        }
      }
      send(call, values, result);
    });
    return ref;
  }

  /**
   * The values of the refs among an actor constructor's {@code args} (the positions whose bit is
   * set in {@code refMask}; null elsewhere), once every one is ready, as a task placed on a node
   * takes them (possibly {@link io.raylite.spi.TaskBackend.RemoteValue}s); or the failure of the
   * first that failed. Each ref is checked now, on the caller's thread.
   *
   * @throws IllegalArgumentException if a ref belongs to another runtime
   */
  public static CompletableFuture<Object[]> constructorRefs(LocalRuntime runtime, Object[] args, int refMask,
      String what) {
    Engine engine = runtime.engine();
    ObjectEntry[] deps = new ObjectEntry[args.length];
    CompletableFuture<?>[] ready = new CompletableFuture<?>[Integer.bitCount(refMask)];
    for (int i = 0, n = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) != 0) {
        deps[i] = ObjectRefImpl.entryOf(args[i], engine.store, "argument " + i + " of the constructor of " + what);
        ready[n++] = deps[i].ready;
      }
    }
    Object[] kept = args.clone();  // keeps the argument refs reachable until their values are taken
    CompletableFuture<Object[]> values = new CompletableFuture<>();
    CompletableFuture.allOf(ready).whenComplete((ignored, failure) -> {
      Object[] taken = new Object[deps.length];
      for (int i = 0; i < deps.length; i++) {
        if (deps[i] != null) {
          if (deps[i].ready.isCompletedExceptionally()) {
            values.completeExceptionally(deps[i].failure());
            return;
          }
          try {
            taken[i] = deps[i].valueToSend();
          } catch (RuntimeException e) {
            values.completeExceptionally(e instanceof RayliteException r ? r : new RayliteException("argument " + i
                + " of the constructor of " + what + " cannot be read: " + e, e));
            return;
          }
        }
      }
      java.lang.ref.Reference.reachabilityFence(kept);
      values.complete(taken);
    });
    return values;
  }

  private static void send(RemoteActor.Call call, Object[] values, ObjectEntry result) {
    CompletionStage<Object> answer;
    try {
      answer = call.send(values);
    } catch (RuntimeException e) {
      result.fail(failure(e));
      return;
    }
    answer.whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        result.fail(failure(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
      }
    });
  }

  private static RayliteException failure(Throwable t) {
    return t instanceof RayliteException r ? r : new RayliteException("actor call failed: " + t, t);
  }
}
