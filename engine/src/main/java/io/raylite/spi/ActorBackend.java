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

  /** The live actor named {@code name} in {@code namespace}, anywhere in the cluster. */
  Optional<RemoteActor> named(String name, String namespace);
}
