package io.raylite.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The requests a placement group's coordinator (ClusterPlacementGroups) sends to the nodes that hold
 * its bundles (NodeBundles): reserve some bundles for one reservation attempt, release them. Each
 * carries the cluster token, which the node checks first, and is safe to deliver twice.
 */
final class BundleRequests {
  private BundleRequests() {}

  /** Holds bundles {@code indices} of a group on the node for one attempt; true if held. */
  static final class Reserve implements Callable<Boolean>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String groupId;
    private final int attempt;
    private final int[] indices;
    private final ArrayList<HashMap<String, Double>> bundles;
    private transient HazelcastInstance hz;

    Reserve(String token, String groupId, int attempt, int[] indices, List<Map<String, Double>> bundles) {
      this.token = token;
      this.groupId = groupId;
      this.attempt = attempt;
      this.indices = indices.clone();
      this.bundles = new ArrayList<>();
      for (Map<String, Double> b : bundles) {
        this.bundles.add(new HashMap<>(b));
      }
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public Boolean call() throws InterruptedException {
      ClusterNode node = NodeRequests.node(hz);
      node.checkToken(token);
      if (indices.length != bundles.size()) {
        throw new IllegalArgumentException("a reserve request for placement group " + groupId + " names "
            + indices.length + " bundle indices for " + bundles.size() + " bundles");
      }
      return node.bundles.reserve(groupId, attempt, indices, new ArrayList<>(bundles));
    }
  }

  /** Releases one attempt's bundles of a group on the node, or all of them with attempt -1. */
  static final class Release implements Callable<Boolean>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String groupId;
    private final int attempt;
    private transient HazelcastInstance hz;

    Release(String token, String groupId, int attempt) {
      this.token = token;
      this.groupId = groupId;
      this.attempt = attempt;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public Boolean call() {
      ClusterNode node = NodeRequests.node(hz);
      node.checkToken(token);
      node.bundles.release(groupId, attempt);
      return Boolean.TRUE;
    }
  }
}
