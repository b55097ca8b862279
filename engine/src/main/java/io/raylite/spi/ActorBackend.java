package io.raylite.spi;

import io.raylite.ActorOptions;
import io.raylite.Raylite;
import io.raylite.function.RayFunc;
import java.util.Optional;

/**
 * Where a cluster runtime keeps its actors: on the nodes of the cluster, each actor on one node.
 * A {@link TaskBackend} that supports actors returns one from {@link TaskBackend#actors()}; the
 * runtime's public API ({@code ActorHandle}, {@code ActorCall}, {@code getActor}, {@code kill})
 * then goes through it, and the handles it returns are {@link RemoteActor}s.
 *
 * <p>Implementations are thread-safe.
 */
public interface ActorBackend {

  /**
   * Tells the backend which runtime it serves, once, before any other call: handles that arrive
   * from other nodes (as arguments or results) are bound to it.
   */
  void attach(Raylite runtime);

  /**
   * Places an actor on a node that fits its resources and starts it there; returns at once, as a
   * local {@code remote()} does (the constructor runs on its node).
   *
   * @param constructor the constructor or factory, serializable
   * @param args its arguments, none of them an {@code ObjectRef}
   * @throws IllegalArgumentException naming the argument if one cannot be sent, or if the name is
   *     taken by a live actor of its namespace anywhere in the cluster
   * @throws io.raylite.InfeasibleResourceException if no node could ever hold the actor
   */
  RemoteActor create(RayFunc constructor, Object[] args, ActorOptions options);

  /**
   * As {@link #create(RayFunc, Object[], ActorOptions)}, for a constructor some of whose arguments
   * are refs (those whose bit is set in {@code refMask}, left in {@code args} as they are): the
   * actor is placed and its handle returned at once, and its constructor runs on its node once
   * {@code refValues} completes with their stored values (possibly {@link TaskBackend.RemoteValue}s,
   * which the node fetches from their owners), as a local actor's waits for its arguments. If
   * {@code refValues} fails, the actor dies with that failure, as locally.
   */
  RemoteActor create(RayFunc constructor, Object[] args, int refMask, ActorOptions options,
      java.util.concurrent.CompletionStage<Object[]> refValues);

  /** The live actor named {@code name} in {@code namespace}, anywhere in the cluster. */
  Optional<RemoteActor> named(String name, String namespace);
}
