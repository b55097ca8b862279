package io.raylite.cluster;

import io.raylite.RayliteException;
import io.raylite.spi.ClusterProvider;
import io.raylite.spi.TaskBackend;

/**
 * The {@link ClusterProvider} of {@code io.raylite:raylite-cluster}: a driver joins a Hazelcast
 * cluster of Raylite nodes as a client. The secret comes from {@code -Draylite.secret} or
 * {@code RAYLITE_SECRET}, as {@code start --head} printed it.
 */
public final class HazelcastClusterProvider implements ClusterProvider {
  /** Bound while a node connects its own submitting runtime: that connection shares the node's member. */
  static final ScopedValue<ClusterNode> CONNECTING_NODE = ScopedValue.newInstance();

  @Override
  public TaskBackend connect(String address) {
    if (CONNECTING_NODE.isBound()) {
      return CONNECTING_NODE.get().submitterBackend();
    }
    String secret = ClusterConfigs.secretFromEnvironment();
    if (secret == null) {
      throw new RayliteException("joining the cluster at " + address + " needs its secret: set RAYLITE_SECRET or "
          + "-D" + ClusterConfigs.SECRET_PROPERTY + " to the one 'start --head' printed");
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return new HazelcastBackend(address, secret, loader != null ? loader : HazelcastClusterProvider.class.getClassLoader());
  }
}
