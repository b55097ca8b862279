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

  @Test
  void acquireAll_thatDoesNotFitWhole_takesNothing() {
    ResourceShape two = ledger.toRequest(Map.of("CPU", 2.0), "t");
    assertNull(ledger.tryAcquireAll(new ResourceShape[] {two, two}));
    assertEquals(3.0, ledger.availableMap().get("CPU"), "the first bundle was given back");
    assertTrue(ledger.withinCapacity());
  }

  @Test
  void fitsTogetherWhenIdle_seesDevicesAsWholes() {
    ResourceShape half = ledger.toRequest(Map.of("GPU", 0.5), "t");
    ResourceShape whole = ledger.toRequest(Map.of("GPU", 1.0), "t");
    assertTrue(ledger.fitsTogetherWhenIdle(new ResourceShape[] {half, half, whole}));
    assertFalse(ledger.fitsTogetherWhenIdle(new ResourceShape[] {half, whole, whole}));
    assertEquals(2.0, ledger.availableMap().get("GPU"), "the check takes nothing");
  }

  @Test
  void bundleLedger_offersNothingUntilFilled_thenOnlyItsDevices() {
    ResourceShape bundle = ledger.toRequest(Map.of("CPU", 1.0, "GPU", 0.5), "t");
    ledger.tryAcquire(ledger.toRequest(Map.of("GPU", 0.6), "t"));  // device 0 has 0.4 left
    Allocation reserved = ledger.tryAcquire(bundle);
    assertArrayEquals(new int[] {1}, reserved.gpuIds);
    ResourceLedger inBundle = new ResourceLedger(ledger, bundle, "bundle 0");
    ResourceShape quarter = inBundle.toRequest(Map.of("CPU", 0.5, "GPU", 0.25), "t");
    assertNull(inBundle.tryAcquire(quarter), "nothing before fill");
    inBundle.fill(reserved);
    assertArrayEquals(new int[] {1}, inBundle.tryAcquire(quarter).gpuIds);
    assertArrayEquals(new int[] {1}, inBundle.tryAcquire(quarter).gpuIds);
    assertNull(inBundle.tryAcquire(quarter), "the bundle is full");
    assertTrue(inBundle.withinCapacity());
  }

  @Test
  void bundleLedger_namesItselfInInfeasibleErrors() {
    ResourceLedger inBundle = new ResourceLedger(ledger, ledger.toRequest(Map.of("CPU", 1.0), "t"), "bundle 0 of pg");
    io.raylite.InfeasibleResourceException e = assertThrows(io.raylite.InfeasibleResourceException.class,
        () -> inBundle.toRequest(Map.of("CPU", 2.0), "f"));
    assertTrue(e.getMessage().contains("but bundle 0 of pg has CPU: 1"), e.getMessage());
  }
}
