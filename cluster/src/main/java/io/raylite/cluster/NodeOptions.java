package io.raylite.cluster;

import java.util.Map;

/**
 * What {@code start} was given.
 *
 * @param head whether this node starts the cluster
 * @param bindHost the interface its port binds to
 * @param port its port, or 0 for any free port
 * @param headAddress the head's {@code host:port}, for a node that joins
 * @param cpus processor capacity
 * @param gpus declared GPUs, or null to discover
 * @param resources custom resources
 * @param secret the cluster secret
 * @param loader where the application's classes are
 */
record NodeOptions(boolean head, String bindHost, int port, String headAddress, double cpus, Integer gpus,
    Map<String, Double> resources, String secret, ClassLoader loader) {

  /** These options with {@code port} instead. */
  NodeOptions withPort(int port) {
    return new NodeOptions(head, bindHost, port, headAddress, cpus, gpus, resources, secret, loader);
  }
}
