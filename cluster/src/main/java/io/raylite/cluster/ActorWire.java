package io.raylite.cluster;

import io.raylite.ActorLifetime;
import io.raylite.function.RayFunc;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The records of actors across nodes. {@link Address} says where an actor lives (the name map holds
 * it); {@link Spec} is what its node builds it from, written by the codec since it holds the
 * user's constructor and arguments; {@link Call} is one method call on its way to that node.
 */
final class ActorWire {
  private ActorWire() {}

  /**
   * Where an actor lives: its id (unique in the cluster), its node's Hazelcast member id and node
   * id, its name and namespace (null without a name), and its maxPendingCalls (-1: no limit), which
   * each caller enforces on its own calls.
   */
  record Address(String id, String nodeUuid, String nodeId, String name, String namespace, int maxPendingCalls)
      implements Serializable {
    /** The same actor on another node. */
    Address on(String otherNodeUuid, String otherNodeId) {
      return new Address(id, otherNodeUuid, otherNodeId, name, namespace, maxPendingCalls);
    }

    String describe() {
      return (name != null ? "'" + name + "' (" + id + ")" : id) + " on node " + nodeId;
    }
  }

  /** A concurrency group as declared at creation. */
  record Group(String name, int maxConcurrency, List<RayFunc> methods) implements Serializable {}

  /**
   * What the actor's node builds it from: the constructor, its arguments and the options; for an
   * actor placed in a placement group, the group's id and the bundle the node holds for it (else
   * null and -1).
   */
  record Spec(RayFunc constructor, Object[] args, Map<String, Double> resources, String name, String namespace,
      ActorLifetime lifetime, int maxRestarts, int maxTaskRetries, int maxConcurrency, int maxPendingCalls,
      boolean dedicatedThread, List<Group> groups, String placementGroup, int bundleIndex) implements Serializable {
    /** An actor in no placement group. */
    Spec(RayFunc constructor, Object[] args, Map<String, Double> resources, String name, String namespace,
        ActorLifetime lifetime, int maxRestarts, int maxTaskRetries, int maxConcurrency, int maxPendingCalls,
        boolean dedicatedThread, List<Group> groups) {
      this(constructor, args, resources, name, namespace, lifetime, maxRestarts, maxTaskRetries, maxConcurrency,
          maxPendingCalls, dedicatedThread, groups, null, -1);
    }
  }

  /**
   * One call of actor {@code actorId} by caller {@code callerId}, the {@code seq}-th of that caller
   * to that actor (from 0). {@code callId} names its answer on the caller's reply topic. A call
   * with a null {@code method} was abandoned before it was sent (an argument failed): it only
   * keeps its place in the caller's order. {@code args} hold Wire.EncodedArg and Wire.ObjectHandle.
   * {@code priority} is its priority in the actor's mailbox; {@code stream}, if not 0, makes it a
   * streaming generator call whose values travel under that stream's ids (ClusterGenerators).
   */
  record Call(String actorId, String callerId, long seq, long callId, String name, String group, boolean async,
      byte[] method, Object[] args, long floor, int priority, long stream) implements Serializable {
    /** A call of the default priority, 0, that is no generator. */
    Call(String actorId, String callerId, long seq, long callId, String name, String group, boolean async,
        byte[] method, Object[] args, long floor) {
      this(actorId, callerId, seq, callId, name, group, async, method, args, floor, 0, 0);
    }

    /**
     * This call, to a restarted actor whose node takes the caller's numbers below {@code floor} as
     * handed out already (their calls completed, failed or were abandoned before the restart).
     */
    Call withFloor(long floor) {
      return new Call(actorId, callerId, seq, callId, name, group, async, method, args, floor, priority, stream);
    }
  }

  /**
   * Where a restartable actor (maxRestarts not 0) lives now and how to build it again, in the
   * cluster's map of homes under its id: its address, the restarts it has had across nodes, its
   * limits, its resources (ResourceText), its encoded Spec, and, once it cannot be restarted, why
   * ({@code death} not null). Written by its creator, replaced only by the node that restarts it.
   */
  record Home(Address address, int restarts, int maxRestarts, int maxTaskRetries, String resources, byte[] spec,
      String death) implements Serializable {
    Home movedTo(Address next) {
      return new Home(next, restarts + 1, maxRestarts, maxTaskRetries, resources, spec, null);
    }

    Home died(String why) {
      return new Home(address, restarts, maxRestarts, maxTaskRetries, resources, spec, why);
    }
  }
}
