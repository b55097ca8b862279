package io.raylite.internal.resource;

import java.util.Collection;

/**
 * Whether a request could ever be met while some allocations are kept forever: the arithmetic of
 * resource wait-for edges in deadlock detection (see {@code task.Deadlocks}). Reads only the
 * ledger's capacity, which never changes, so it needs no lock.
 *
 * <p>CPUs are left out: a task blocked in {@code get} lends them (see {@code task.Blocking}), so a
 * blocked holder never keeps a waiting task from its CPUs. GPUs are counted per device, as the
 * ledger places them: a fraction needs one device with that much not kept, a whole GPU a device
 * with nothing kept.
 */
public final class ResourceWaits {
  private ResourceWaits() {}

  /** Whether {@code request} would fit if everything but {@code kept} were free. */
  public static boolean fitsBeside(ResourceLedger ledger, ResourceShape request, Collection<Allocation> kept) {
    long[] u = request.units;
    for (int k = ResourceLedger.GPU; k < u.length; k++) {
      if (u[k] == 0) {
        continue;
      }
      long free = ledger.capacityUnits(k);
      for (Allocation a : kept) {
        free -= a.request.units[k];
      }
      if (u[k] > free) {
        return false;
      }
    }
    long gpu = u[ResourceLedger.GPU];
    if (gpu == 0) {
      return true;
    }
    long[] deviceFree = new long[ledger.gpuCount()];
    java.util.Arrays.fill(deviceFree, FixedPoint.ONE);
    for (Allocation a : kept) {
      for (int d : a.gpuIds) {
        deviceFree[d] -= a.gpuUnitsPerDevice;
      }
    }
    int whole = 0;
    for (long free : deviceFree) {
      if (gpu < FixedPoint.ONE && free >= gpu) {
        return true;
      }
      if (free == FixedPoint.ONE) {
        whole++;
      }
    }
    return gpu >= FixedPoint.ONE && whole >= gpu / FixedPoint.ONE;
  }

  /** Whether {@code allocation} holds anything but CPUs, which a blocked task lends. */
  public static boolean keepsMoreThanCpu(Allocation allocation) {
    return !allocation.request.isCpuOnly();
  }
}
