package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.RayliteException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a node gets its port: an explicit one as given, port 0 a free one, retried when it was taken. */
class NodePortsTest {
  private static final String HOST = "127.0.0.1";

  @Test
  void anyPort_whenThePickedPortIsTakenBeforeTheNodeBindsIt_startsOnAnotherFreePort() {
    List<Integer> tried = new ArrayList<>();
    int bound = NodePorts.start(HOST, NodePorts.ANY, port -> {
      tried.add(port);
      if (tried.size() == 1) {
        throw new NodePorts.PortInUseException(HOST, port, null);
      }
      return port;
    });
    assertEquals(2, tried.size(), tried.toString());
    assertEquals(tried.get(1), bound);
    assertNotEquals(0, bound);
  }

  @Test
  void explicitPort_inUse_failsNamingThePort_withoutTryingAnother() {
    List<Integer> tried = new ArrayList<>();
    NodePorts.PortInUseException e = assertThrows(NodePorts.PortInUseException.class,
        () -> NodePorts.start(HOST, 5801, port -> {
          tried.add(port);
          throw new NodePorts.PortInUseException(HOST, port, null);
        }));
    assertEquals(List.of(5801), tried);
    assertTrue(e.getMessage().contains("port 5801 on 127.0.0.1"), e.getMessage());
  }

  @Test
  void anyPort_takenEveryTime_failsAfterItsTries() {
    List<Integer> tried = new ArrayList<>();
    RayliteException e = assertThrows(RayliteException.class, () -> NodePorts.start(HOST, NodePorts.ANY, port -> {
      tried.add(port);
      throw new NodePorts.PortInUseException(HOST, port, null);
    }));
    assertEquals(NodePorts.TRIES, tried.size());
    assertTrue(e.getCause() instanceof NodePorts.PortInUseException, String.valueOf(e.getCause()));
    assertTrue(e.getMessage().contains(HOST), e.getMessage());
  }
}
