package io.raylite;

import java.util.Map;

/**
 * One node of a runtime, as {@link Raylite#nodes()} lists it: Ray's {@code ray.nodes()}. A local
 * runtime is a single node, this JVM.
 *
 * @param nodeId the node's id, as {@link RuntimeContext#nodeId()} reports it in its tasks
 * @param address where it listens ({@code host:port}), or {@code in-process} for a local runtime
 * @param alive whether it is a live member now
 * @param resources its total resources, by name
 */
public record NodeInfo(String nodeId, String address, boolean alive, Map<String, Double> resources) {
  public NodeInfo {
    resources = Map.copyOf(resources);
  }
}
