package io.raylite.internal.resource;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceLedgerTest {
  private final ResourceLedger ledger = new ResourceLedger(3, 2, 1000, Map.of("x", 0.3), null);

  @Test
  void aMillionAcquireReleasePairsLeaveNoDrift() {
    ResourceShape tenth = ledger.toRequest(Map.of("CPU", 0.1, "x", 0.1, "GPU", 0.1), "t");
    Allocation[] held = new Allocation[3];
    for (int i = 0; i < 1_000_000; i++) {
      int slot = i % 3;
      if (held[slot] != null) {
        ledger.release(held[slot]);
      }
      held[slot] = ledger.tryAcquire(tenth);
      assertNotNull(held[slot]);
    }
    for (Allocation a : held) {
      ledger.release(a);
    }
    assertEquals(Map.of("CPU", 3.0, "GPU", 2.0, "memory", 1000.0, "x", 0.3), ledger.availableMap());
    assertTrue(ledger.withinCapacity());
  }

  @Test
  void fragmentationIsPerDevice() {
    ResourceShape sixTenths = ledger.toRequest(Map.of("GPU", 0.6), "t");
    ResourceShape half = ledger.toRequest(Map.of("GPU", 0.5), "t");
    Allocation a = ledger.tryAcquire(sixTenths);
    Allocation b = ledger.tryAcquire(sixTenths);
    assertArrayEquals(new int[] {0}, a.gpuIds);
    assertArrayEquals(new int[] {1}, b.gpuIds);
    // 0.8 GPU is free in total, but no single device has 0.5.
    assertNull(ledger.tryAcquire(half));
    ledger.release(a);
    assertArrayEquals(new int[] {0}, ledger.tryAcquire(half).gpuIds);
  }

  @Test
  void lentCpuIsAccountedOnRelease() {
    ResourceShape one = ledger.toRequest(Map.of("CPU", 1.0), "t");
    Allocation a = ledger.tryAcquire(one);
    ledger.lendCpu(a);
    a.cpuLent = true;
    assertEquals(3.0, ledger.availableMap().get("CPU"));
    ledger.release(a);
    assertEquals(3.0, ledger.availableMap().get("CPU"));
    assertTrue(ledger.withinCapacity());
  }
}
