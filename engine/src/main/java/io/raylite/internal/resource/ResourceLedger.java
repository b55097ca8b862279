package io.raylite.internal.resource;

import io.raylite.InfeasibleResourceException;
import io.raylite.Resources;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime's resources: the capacity and what is available of each, in fixed-point units, and
 * GPU availability per device, so that fractional requests pack onto one device and fragmentation
 * is seen per device rather than as one scalar.
 *
 * <p>Not thread-safe: every method except {@link #checkFeasible} and the name lookups is called with
 * the {@link Scheduler}'s lock held. Index 0 is CPU, 1 GPU, 2 memory, then custom resources.
 */
public final class ResourceLedger {
  static final int CPU = 0;
  static final int GPU = 1;
  static final int MEMORY = 2;

  private final String[] names;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final long[] capacity;
  private final long[] available;
  /** Units free on each GPU device; each device has capacity {@link FixedPoint#ONE}. */
  private final long[] gpuFree;
  private final String noGpuHint;

  public ResourceLedger(double cpus, int gpus, long memoryBytes, Map<String, Double> custom, String noGpuHint) {
    int n = 3 + custom.size();
    names = new String[n];
    capacity = new long[n];
    names[CPU] = Resources.CPU;
    names[GPU] = Resources.GPU;
    names[MEMORY] = Resources.MEMORY;
    capacity[CPU] = FixedPoint.toUnits(cpus);
    capacity[GPU] = gpus * FixedPoint.ONE;
    capacity[MEMORY] = FixedPoint.toUnits(memoryBytes);
    int i = 3;
    for (Map.Entry<String, Double> e : custom.entrySet()) {
      names[i] = e.getKey();
      capacity[i] = FixedPoint.toUnits(e.getValue());
      i++;
    }
    for (int k = 0; k < n; k++) {
      index.put(names[k], k);
    }
    available = capacity.clone();
    gpuFree = new long[gpus];
    Arrays.fill(gpuFree, FixedPoint.ONE);
    this.noGpuHint = noGpuHint;
  }

  public String[] names() {
    return names;
  }

  int gpuCount() {
    return gpuFree.length;
  }

  /** The capacity of resource {@code k} in units; final, so read without the lock. */
  long capacityUnits(int k) {
    return capacity[k];
  }

  /**
   * Converts requested amounts into a shape, failing if the runtime can never satisfy it.
   *
   * @throws InfeasibleResourceException naming the resource, the amount asked and the total
   */
  ResourceShape toRequest(Map<String, Double> amounts, String taskName) {
    long[] units = new long[names.length];
    for (Map.Entry<String, Double> e : amounts.entrySet()) {
      Integer k = index.get(e.getKey());
      long u = FixedPoint.toUnits(e.getValue());
      if (k == null) {
        if (u == 0) {
          continue;
        }
        throw new InfeasibleResourceException("task '" + taskName + "' asks for " + e.getValue() + " of '"
            + e.getKey() + "', a resource this runtime does not have (it has " + index.keySet()
            + "); declare it with Raylite.builder().resource(\"" + e.getKey() + "\", amount)");
      }
      units[k] = u;
    }
    ResourceShape request = new ResourceShape(units);
    checkFeasible(request, taskName);
    return request;
  }

  /** Throws if {@code request} exceeds the totals (reads only final fields). */
  void checkFeasible(ResourceShape request, String taskName) {
    for (int k = 0; k < names.length; k++) {
      if (request.units[k] > capacity[k]) {
        String msg = "task '" + taskName + "' asks for " + names[k] + ": "
            + FixedPoint.format(request.units[k]) + ", but the runtime has " + names[k] + ": "
            + FixedPoint.format(capacity[k]) + " in total, so it could never run";
        if (k == GPU && capacity[k] == 0 && noGpuHint != null) {
          msg += ". " + noGpuHint;
        }
        throw new InfeasibleResourceException(msg);
      }
    }
  }

  /** Takes the request if it fits now, else returns null. */
  Allocation tryAcquire(ResourceShape request) {
    long[] u = request.units;
    for (int k = 0; k < u.length; k++) {
      if (u[k] > available[k]) {
        return null;
      }
    }
    int[] gpuIds = Allocation.NO_GPUS;
    long perDevice = 0;
    long gpu = u[GPU];
    if (gpu > 0) {
      if (gpu < FixedPoint.ONE) {
        // A fraction packs onto the first device that has room: 0.5 + 0.5 fill device 0 first.
        int chosen = -1;
        for (int d = 0; d < gpuFree.length; d++) {
          if (gpuFree[d] >= gpu) {
            chosen = d;
            break;
          }
        }
        if (chosen < 0) {
          return null;
        }
        gpuIds = new int[] {chosen};
        perDevice = gpu;
      } else {
        int want = (int) (gpu / FixedPoint.ONE);
        gpuIds = new int[want];
        int found = 0;
        for (int d = 0; d < gpuFree.length && found < want; d++) {
          if (gpuFree[d] == FixedPoint.ONE) {
            gpuIds[found++] = d;
          }
        }
        if (found < want) {
          return null;
        }
        perDevice = FixedPoint.ONE;
      }
      for (int d : gpuIds) {
        gpuFree[d] -= perDevice;
      }
    }
    for (int k = 0; k < u.length; k++) {
      available[k] -= u[k];
    }
    return new Allocation(request, gpuIds, perDevice);
  }

  void release(Allocation a) {
    long[] u = a.request.units;
    for (int k = 0; k < u.length; k++) {
      available[k] += u[k];
    }
    if (a.cpuLent) {
      // The CPU part was already given back while the task was blocked.
      available[CPU] -= u[CPU];
    }
    for (int d : a.gpuIds) {
      gpuFree[d] += a.gpuUnitsPerDevice;
    }
  }

  /** Gives back the CPU part of a running task's allocation while it blocks. */
  void lendCpu(Allocation a) {
    available[CPU] += a.request.cpu();
  }

  /** Takes the CPU part back if it is free now. */
  boolean tryReclaimCpu(Allocation a) {
    long cpu = a.request.cpu();
    if (available[CPU] < cpu) {
      return false;
    }
    available[CPU] -= cpu;
    return true;
  }

  /** Each GPU device's share in use now, 0 to 1, for the state API. */
  public double[] gpuUse() {
    double[] use = new double[gpuFree.length];
    for (int d = 0; d < use.length; d++) {
      use[d] = FixedPoint.toDouble(FixedPoint.ONE - gpuFree[d]);
    }
    return use;
  }

  public Map<String, Double> capacityMap() {
    return toMap(capacity);
  }

  Map<String, Double> availableMap() {
    return toMap(available);
  }

  /** For invariant checks: whether no resource and no device is over-allocated. */
  boolean withinCapacity() {
    for (int k = 0; k < names.length; k++) {
      if (available[k] < 0 || available[k] > capacity[k]) {
        return false;
      }
    }
    for (long free : gpuFree) {
      if (free < 0 || free > FixedPoint.ONE) {
        return false;
      }
    }
    return true;
  }

  private Map<String, Double> toMap(long[] units) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int k = 0; k < names.length; k++) {
      map.put(names[k], FixedPoint.toDouble(units[k]));
    }
    return map;
  }
}
