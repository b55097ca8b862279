package io.raylite.internal;

import io.raylite.ActorHandle;
import io.raylite.ActorOptions;
import io.raylite.ConcurrencyGroup;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.function.RayFunc;
import io.raylite.spi.RemoteActor;

/**
 * The package-private parts of {@code io.raylite} that {@link io.raylite.spi.ActorHosting} needs:
 * making and reading actor handles. {@code ActorHandle} registers the one implementation when its
 * class is initialized (the JDK's "shared secrets" pattern), so that no public constructor or
 * accessor exists for them.
 */
public final class ApiBridge {
  private static volatile Access access;

  private ApiBridge() {}

  /** What {@code io.raylite} lends the service provider interface. */
  public interface Access {
    <A> ActorHandle<A> remoteHandle(RemoteActor actor);

    RemoteActor remoteOf(ActorHandle<?> handle);

    ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args, ActorOptions options);

    ActorHandle<Object> createRestarted(Raylite runtime, RayFunc constructor, Object[] args, ActorOptions options,
        int priorRestarts);

    void useClusterActors(Raylite nodeRuntime, io.raylite.spi.ActorBackend actors);

    ConcurrencyGroup group(String name, int maxConcurrency, java.util.List<RayFunc> methods);

    java.util.concurrent.CompletionStage<io.raylite.ActorDiedException> died(ActorHandle<?> actor);

    <R> ObjectRef<R> callLocal(ActorHandle<?> actor, RayFunc method, Object[] args, String callName, String group,
        boolean async);

    ActorHandle<Object> createLocal(Raylite runtime, RayFunc constructor, Object[] args, int refMask,
        ActorOptions options, int priorRestarts);

    <R> ObjectRef<R> callLocal(ActorHandle<?> actor, RayFunc method, Object[] args, String callName, String group,
        boolean async, int priority);

    LocalRuntime runtimeOf(Raylite runtime);
  }

  /** Called once, from {@code ActorHandle}'s static initializer. */
  public static void register(Access implementation) {
    access = implementation;
  }

  /** The implementation, initializing {@code ActorHandle} if nothing did yet. */
  public static Access access() {
    Access a = access;
    if (a == null) {
      try {
        Class.forName(ActorHandle.class.getName(), true, ActorHandle.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("io.raylite.ActorHandle cannot be loaded", e);
      }
      a = access;
    }
    return a;
  }
}
