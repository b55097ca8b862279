package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.Raylite;
import io.raylite.RayliteException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Raylite's join step (secret and version) and the node command line, on a one-node cluster. */
class ClusterJoinTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 1 --resource disk=2");

  @Test
  void driverOfAnotherVersion_isRefusedAtJoin_namingBothVersions() {
    String ours = ClusterConfigs.version();
    System.setProperty(ClusterConfigs.VERSION_OVERRIDE_PROPERTY, "0.0.1-other");
    try {
      RayliteException e = assertThrows(RayliteException.class,
          () -> Raylite.builder().address(CLUSTER.node(0).nodeId).build());
      assertTrue(e.getMessage().contains("0.0.1-other") && e.getMessage().contains(ours), e.getMessage());
    } finally {
      System.clearProperty(ClusterConfigs.VERSION_OVERRIDE_PROPERTY);
    }
  }

  @Test
  void driverWithTheWrongSecret_cannotJoin() {
    System.setProperty(ClusterConfigs.SECRET_PROPERTY, "not-the-secret");
    try {
      RayliteException e = assertThrows(RayliteException.class,
          () -> Raylite.builder().address(CLUSTER.node(0).nodeId).build());
      assertTrue(e.getMessage().contains("secret"), e.getMessage());
    } finally {
      System.setProperty(ClusterConfigs.SECRET_PROPERTY, LoopbackCluster.SECRET);
    }
  }

  @Test
  void status_printsEachNodeWithItsResources() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = NodeMain.run(new String[] {"status", "--address", CLUSTER.node(0).nodeId, "--secret",
        LoopbackCluster.SECRET}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    assertTrue(out.contains(CLUSTER.node(0).nodeId + "  ALIVE") && out.contains("disk=2.0"), out);
  }

  @Test
  void nodeStartedWithPortZero_reportsTheAddressItBound_inItsReadyAndAddressLines() throws Exception {
    String id = CLUSTER.node(0).nodeId;
    assertTrue(id.matches("127\\.0\\.0\\.1:[1-9][0-9]*"), id);
    String address = CLUSTER.node(0).line("RAYLITE_ADDRESS=").get(30, TimeUnit.SECONDS);
    assertTrue(address.contains("RAYLITE_ADDRESS=" + id + " "), address);
  }

  @Test
  void start_onAPortInUse_failsNamingThePort() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(busy.getLocalPort());
      LoopbackCluster.Node node = CLUSTER.startProcess(NodeMain.class, "start", "--head", "--port", port,
          "--bind", "127.0.0.1", "--cpus", "1");
      String error = node.line("error:").get(180, TimeUnit.SECONDS);
      assertTrue(error.contains("port " + port + " on 127.0.0.1 is already in use"), error);
      assertEquals(2, node.process.onExit().get(60, TimeUnit.SECONDS).exitValue());
    }
  }

  @Test
  void start_withAPortOutOfRange_isRefusedNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeMain.run(new String[] {"start", "--head", "--port", "70000"}, System.out));
    assertTrue(e.getMessage().contains("--port") && e.getMessage().contains("70000"), e.getMessage());
  }

  @Test
  void start_withNeitherHeadNorAddress_isRefusedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeMain.run(new String[] {"start", "--cpus", "1"}, System.out));
    assertTrue(e.getMessage().contains("--head") && e.getMessage().contains("--address"), e.getMessage());
  }
}
