package io.raylite;

import java.util.List;
import java.util.Map;

/**
 * One actor, as {@link StateApi#actors} reports it.
 *
 * @param actorId the actor's id
 * @param name the name it was created with, or null
 * @param className the class (or constructor) it was created from
 * @param state where it is now
 * @param restarts how many times it was rebuilt after a failure
 * @param pendingCalls calls queued or running now
 * @param resources what it holds for its lifetime, by resource name
 * @param gpuIds the GPU devices it holds
 * @param deathCause why it is dead, or null
 * @param namespace the namespace it belongs to (its name's, if it has one)
 * @param lifetime whether it ends when no handle to it is reachable
 * @param nodeId the cluster node it lives on (as {@link StateApi#nodes} lists it), or null in a
 *     runtime that is not part of a cluster
 */
public record ActorInfo(
    String actorId,
    String name,
    String className,
    ActorState state,
    int restarts,
    int pendingCalls,
    Map<String, Double> resources,
    List<Integer> gpuIds,
    String deathCause,
    String namespace,
    ActorLifetime lifetime,
    String nodeId) {
  /** An actor of a runtime that is not part of a cluster (no node). */
  public ActorInfo(String actorId, String name, String className, ActorState state, int restarts, int pendingCalls,
      Map<String, Double> resources, List<Integer> gpuIds, String deathCause, String namespace,
      ActorLifetime lifetime) {
    this(actorId, name, className, state, restarts, pendingCalls, resources, gpuIds, deathCause, namespace, lifetime,
        null);
  }

  /** This row, on node {@code node} and known there as {@code id}. */
  public ActorInfo onNode(String id, String node) {
    return new ActorInfo(id, name, className, state, restarts, pendingCalls, resources, gpuIds, deathCause, namespace,
        lifetime, node);
  }
}
