package io.raylite.spi;

/**
 * Connects a runtime to a cluster, for {@code Raylite.builder().address(..)}, {@code RAYLITE_ADDRESS}
 * and {@code -Draylite.address}. Found with {@link java.util.ServiceLoader}; the
 * {@code io.raylite:raylite-cluster} module provides one on Hazelcast.
 */
public interface ClusterProvider {

  /**
   * Joins the cluster whose head is at {@code address} ({@code host:port}) as a driver.
   *
   * @throws IllegalArgumentException if the address is malformed
   * @throws io.raylite.RayliteException if the cluster cannot be reached or refuses the driver
   */
  TaskBackend connect(String address);
}
