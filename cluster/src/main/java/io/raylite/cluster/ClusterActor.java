package io.raylite.cluster;

import io.raylite.Raylite;
import io.raylite.function.RayFunc;
import io.raylite.spi.ActorHosting;
import io.raylite.spi.RemoteActor;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Optional;

/**
 * An actor on a node of the cluster, as the handles of one JVM hold it: its {@link ActorWire.Address}
 * and the {@link ClusterActors} of this JVM that sends its calls. Written into a task's arguments
 * (an {@code ActorHandle} writes itself as this), it travels as its address and, when read, binds
 * itself to the ClusterActors of the JVM that reads it and becomes a handle again.
 */
final class ClusterActor implements RemoteActor, Serializable {
  private static final long serialVersionUID = 1L;

  final ActorWire.Address address;
  private final transient ClusterActors client;

  ClusterActor(ActorWire.Address address, ClusterActors client) {
    this.address = address;
    this.client = client;
  }

  @Override
  public String id() {
    return address.id();
  }

  @Override
  public String nodeId() {
    return client.current(address).nodeId();
  }

  @Override
  public Optional<String> name() {
    return Optional.ofNullable(address.name());
  }

  @Override
  public Raylite runtime() {
    return client.runtime();
  }

  @Override
  public Call call(RayFunc method, Object[] args, int refMask, String callName, String group, boolean async) {
    return client.call(address, method, args, refMask, callName, group, async, 0);
  }

  @Override
  public Call call(RayFunc method, Object[] args, int refMask, String callName, String group, boolean async,
      int priority) {
    return client.call(address, method, args, refMask, callName, group, async, priority);
  }

  @Override
  public Call generatorCall(RayFunc method, Object[] args, int refMask, String callName, String group, int priority,
      io.raylite.spi.TaskBackend.Items items) {
    return client.generatorCall(address, method, args, refMask, callName, group, priority, items);
  }

  @Override
  public void kill(boolean noRestart) {
    client.kill(address, noRestart);
  }

  /** Read on another JVM: a handle bound to that JVM's connection to the cluster. */
  private Object readResolve() throws ObjectStreamException {
    ClusterActors here = ClusterActors.forThisJvm();
    if (here == null) {
      throw new java.io.InvalidObjectException("a handle on actor " + address.describe() + " can only be read in a "
          + "JVM connected to its cluster (a node or a driver)");
    }
    return ActorHosting.handle(new ClusterActor(address, here));
  }

  @Override
  public String toString() {
    return "actor " + address.describe();
  }
}
