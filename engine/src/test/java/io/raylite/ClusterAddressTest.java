package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The address that switches a runtime to a cluster, and what a local runtime says of its node. */
class ClusterAddressTest {

  @Test
  void address_withoutTheClusterJar_failsAtBuildNamingTheArtifact() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Raylite.builder().address("127.0.0.1:5801").build());
    assertTrue(e.getMessage().contains("io.raylite:raylite-cluster"), e.getMessage());
  }

  @Test
  void address_withoutAPort_isRefusedAtTheCall() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Raylite.builder().address("head"));
    assertTrue(e.getMessage().contains("host:port"), e.getMessage());
  }

  @Test
  void localRuntime_isOneLiveNodeWithItsResources() {
    try (Raylite ray = Raylite.builder().cpus(2).discoverGpus(false).build()) {
      List<NodeInfo> nodes = ray.nodes();
      assertEquals(1, nodes.size());
      assertEquals("local", nodes.getFirst().nodeId());
      assertEquals(2.0, nodes.getFirst().resources().get(Resources.CPU));
      assertTrue(nodes.getFirst().alive());
    }
  }

  @Test
  void taskOfALocalRuntime_reportsTheLocalNode() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).build()) {
      assertEquals("local", ray.get(ray.task(() -> Raylite.context().nodeId()).remote()));
    }
  }

  @Test
  void taskSubmittedInsideRemoteAttempt_reportsThatAttempt() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).build()) {
      ObjectRef<Integer> ref = io.raylite.spi.RemoteAttempt.submitAs(2,
          () -> ray.task(() -> Raylite.context().attempt()).remote());
      assertEquals(2, ray.get(ref));
    }
  }
}
