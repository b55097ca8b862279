package io.raylite.spi;

import io.raylite.ActorHandle;
import io.raylite.ActorOptions;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.function.RayFunc;
import io.raylite.internal.ApiBridge;

/**
 * What a cluster backend needs of the engine beyond the public API: handles on its
 * {@link RemoteActor}s, and, on the node that hosts an actor, the creation and calls of the local
 * actor with the constructor, methods and options exactly as the caller gave them (so method
 * references keep their concurrency groups and names).
 */
public final class ActorHosting {
  private ActorHosting() {}

  /** A handle on {@code actor}, whose calls produce refs of {@code runtime}. */
  public static <A> ActorHandle<A> handle(RemoteActor actor) {
    return ApiBridge.access().remoteHandle(actor);
  }

  /** The remote actor behind {@code handle}, or null for an actor of a local runtime. */
  public static RemoteActor remoteOf(ActorHandle<?> handle) {
    return ApiBridge.access().remoteOf(handle);
  }

  /**
   * Creates an actor in {@code runtime} (a node's local runtime), as {@code ActorCreation.remote()}
   * does, with {@code args} none of them a ref.
   */
  public static ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args,
      ActorOptions options) {
    return ApiBridge.access().createLocal(runtime, constructor, args, options);
  }

  /**
   * As {@link #createLocal}, for an actor rebuilt after {@code priorRestarts} restarts elsewhere (its
   * node left the cluster): its constructor runs as a restart ({@code wasActorRestarted()} is true in
   * it and in its calls), and those restarts count against its maxRestarts.
   */
  public static ActorHandle<Object> createRestarted(Raylite runtime, RayFunc constructor, Object[] args,
      ActorOptions options, int priorRestarts) {
    return ApiBridge.access().createRestarted(runtime, constructor, args, options, priorRestarts);
  }

  /** The class name the state API shows for an actor built by {@code constructor} ({@code ActorInfo.className}). */
  public static String className(RayFunc constructor) {
    String name = functionName(constructor);
    return name.endsWith(".new") ? name.substring(0, name.length() - 4) : name;
  }

  /** The name the runtime gives a call of {@code function} when the caller gives none (as in its context's taskName). */
  public static String functionName(RayFunc function) {
    return io.raylite.internal.task.FunctionNames.of(function);
  }

  /** A concurrency group of {@code methods}, as {@code ConcurrencyGroup.builder(..).method(..)} builds. */
  public static io.raylite.ConcurrencyGroup group(String name, int maxConcurrency, java.util.List<RayFunc> methods) {
    return ApiBridge.access().group(name, maxConcurrency, methods);
  }

  /**
   * Completes with the local actor's death once it is dead (killed, exited, or failed without a
   * restart left), on whichever thread made it so: dependents must not block.
   */
  public static java.util.concurrent.CompletionStage<io.raylite.ActorDiedException> died(ActorHandle<?> actor) {
    return ApiBridge.access().died(actor);
  }

  /**
   * Lets a node's own runtime (which runs tasks itself) keep its actors in the cluster: the actors
   * its tasks create, find by name and receive as arguments live in {@code actors}.
   */
  public static void useClusterActors(Raylite nodeRuntime, ActorBackend actors) {
    ApiBridge.access().useClusterActors(nodeRuntime, actors);
  }

  /**
   * As {@link #createLocal} and {@link #createRestarted} ({@code priorRestarts} 0 for a new actor),
   * with the arguments whose bit is set in {@code refMask} refs of {@code runtime} (such as
   * {@link PendingObject#ref()}s): the constructor runs once they are ready, and the actor dies
   * with the failure of one that fails, as locally.
   */
  public static ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args, int refMask,
      ActorOptions options, int priorRestarts) {
    return ApiBridge.access().createLocal(runtime, constructor, args, refMask, options, priorRestarts);
  }

  /** A new object of {@code runtime} with no producer there, made ready by whoever completes it. */
  public static PendingObject pendingObject(Raylite runtime) {
    return new PendingObject(ApiBridge.access().runtimeOf(runtime).engine());
  }

  /** As {@link #callLocal(ActorHandle, RayFunc, Object[], String, String, boolean)}, with a priority in the mailbox. */
  public static <R> ObjectRef<R> callLocal(ActorHandle<?> actor, RayFunc method, Object[] args, String callName,
      String group, boolean async, int priority) {
    return ApiBridge.access().callLocal(actor, method, args, callName, group, async, priority);
  }

  /**
   * Runs {@code body} (a {@link #callLocal} or {@link #createLocal}) so that the call it submits,
   * or each constructor run of the actor it creates, carries {@code attachment}, which
   * {@link #attachment()} returns on the thread that runs it.
   */
  public static <T> T withAttachment(Object attachment, java.util.function.Supplier<T> body) {
    return io.raylite.internal.actor.ActorCallRun.attaching(attachment, body);
  }

  /**
   * The attachment (see {@link #withAttachment}) of the actor call or constructor running on this
   * thread, or null: none, or no actor code runs here.
   */
  public static Object attachment() {
    return io.raylite.internal.actor.ActorCallRun.currentAttachment();
  }

  /**
   * Submits a call to a local actor, as {@code ActorCall.remote()} does, with {@code args} none of
   * them a ref.
   *
   * @throws io.raylite.PendingCallsExceededException as {@code ActorCall.remote()}
   */
  public static <R> ObjectRef<R> callLocal(ActorHandle<?> actor, RayFunc method, Object[] args, String callName,
      String group, boolean async) {
    return ApiBridge.access().callLocal(actor, method, args, callName, group, async);
  }
}
