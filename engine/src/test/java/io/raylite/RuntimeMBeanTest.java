package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runtime's JMX MBean, read through the platform MBean server as a JMX console reads it. */
@Timeout(60)
class RuntimeMBeanTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private static ObjectName nameOf(String runtime) throws JMException {
    return new ObjectName("io.raylite:type=Runtime,name=" + runtime);
  }

  static int one() {
    return 1;
  }

  @Test
  void runtime_isRegisteredWhileOpen_andUnregisteredAtClose() throws JMException {
    ObjectName name = nameOf("mbean-lifecycle");
    Raylite ray = Raylite.builder().cpus(1).name("mbean-lifecycle").build();
    try {
      assertTrue(SERVER.isRegistered(name));
      assertTrue(SERVER.queryNames(new ObjectName(RayliteMXBean.OBJECT_NAME_PATTERN), null).contains(name));
    } finally {
      ray.close();
    }
    assertFalse(SERVER.isRegistered(name));
  }

  @Test
  void twoRuntimes_haveOneMBeanEach() throws JMException {
    try (Raylite a = Raylite.builder().cpus(1).name("mbean-a").build();
        Raylite b = Raylite.builder().cpus(2).name("mbean-b").build()) {
      assertEquals("mbean-a", SERVER.getAttribute(nameOf("mbean-a"), "Name"));
      assertEquals("mbean-b", SERVER.getAttribute(nameOf("mbean-b"), "Name"));
      assertEquals(1.0, resources(SERVER.getAttribute(nameOf("mbean-a"), "TotalResources")).get("CPU"));
      assertEquals(2.0, resources(SERVER.getAttribute(nameOf("mbean-b"), "TotalResources")).get("CPU"));
    }
    assertFalse(SERVER.isRegistered(nameOf("mbean-a")));
    assertFalse(SERVER.isRegistered(nameOf("mbean-b")));
  }

  @Test
  void resources_areTheRuntimes_totalAndAvailable() throws JMException {
    try (Raylite ray = Raylite.builder().cpus(2).resource("slot", 3).name("mbean-resources").build()) {
      ObjectName name = nameOf("mbean-resources");
      assertEquals(ray.totalResources(), resources(SERVER.getAttribute(name, "TotalResources")));
      assertEquals(ray.availableResources(), resources(SERVER.getAttribute(name, "AvailableResources")));
    }
  }

  @Test
  void objectStoreAttributes_areTheStoreStatistics() throws JMException {
    try (Raylite ray = Raylite.builder().cpus(1).objectStoreMemory(1 << 20).name("mbean-store").build()) {
      ObjectRef<byte[]> big = ray.put(new byte[10_000]);
      ObjectStoreStats stats = ray.objectStoreStats();
      RayliteMXBean bean = JMX.newMXBeanProxy(SERVER, nameOf("mbean-store"), RayliteMXBean.class);
      assertEquals(stats.capacityBytes(), bean.getObjectStoreCapacityBytes());
      assertEquals(1, bean.getObjectsInMemory());
      assertEquals(stats.bytesInMemory(), bean.getBytesInMemory());
      assertEquals(stats.peakBytesInMemory(), bean.getPeakBytesInMemory());
      assertEquals(stats.spills(), bean.getSpills());
      assertEquals(stats.releases(), bean.getReleases());
      assertEquals(10_000, big.get().length);
    }
  }

  @Test
  void tasksSubmitted_countsTheRuntimesTasks() throws JMException {
    try (Raylite ray = Raylite.builder().cpus(1).name("mbean-tasks").build()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(1, ray.task(RuntimeMBeanTest::one).remote().get());
      }
      assertEquals(3L, SERVER.getAttribute(nameOf("mbean-tasks"), "TasksSubmitted"));
    }
  }

  @Test
  void secondRuntimeOfTheSameName_runsWithoutMBean_andLeavesTheFirstOnesBean() throws JMException {
    ObjectName name = nameOf("mbean-twice");
    try (Raylite first = Raylite.builder().cpus(1).name("mbean-twice").build()) {
      try (Raylite second = Raylite.builder().cpus(2).name("mbean-twice").build()) {
        assertEquals(1, second.task(RuntimeMBeanTest::one).remote().get());
      }
      assertTrue(SERVER.isRegistered(name), "closing the second runtime must not remove the first one's bean");
      assertEquals(1.0, resources(SERVER.getAttribute(name, "TotalResources")).get("CPU"));
    }
    assertFalse(SERVER.isRegistered(name));
  }

  /** An MXBean's {@code Map<String, Double>}, as the open type a JMX console receives. */
  private static Map<String, Double> resources(Object tabular) {
    Map<String, Double> map = new java.util.TreeMap<>();
    for (Object row : ((TabularData) tabular).values()) {
      CompositeData entry = (CompositeData) row;
      map.put((String) entry.get("key"), (Double) entry.get("value"));
    }
    return map;
  }
}
