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
  /** Who holds these resources, in errors: "the runtime", or a placement group's bundle. */
  private final String owner;

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
    this.owner = "the runtime";
  }

  /**
   * The ledger of one placement-group bundle: the same resource names as {@code parent}, a
   * capacity of {@code bundle}, and nothing available until {@link #fill} gives it the allocation
   * the bundle won in the parent ledger (whose GPU devices it then pins).
   */
  public ResourceLedger(ResourceLedger parent, ResourceShape bundle, String owner) {
    this.names = parent.names;
    this.index.putAll(parent.index);
    this.capacity = bundle.units.clone();
    this.available = new long[capacity.length];
    this.gpuFree = new long[parent.gpuFree.length];
    this.noGpuHint = null;
    this.owner = owner;
  }

  /** Makes a bundle's reserved resources available: its capacity, on the devices it was granted. */
  void fill(Allocation reserved) {
    System.arraycopy(capacity, 0, available, 0, capacity.length);
    for (int d : reserved.gpuIds) {
      gpuFree[d] = reserved.gpuUnitsPerDevice;
    }
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
    return toShape(amounts, "task '" + taskName + "'");
  }

  /**
   * As {@link #toRequest}, with {@code subject} naming who asks in the error ("task 'f'").
   *
   * @throws InfeasibleResourceException naming the resource, the amount asked and the total
   */
  public ResourceShape toShape(Map<String, Double> amounts, String subject) {
    long[] units = new long[names.length];
    for (Map.Entry<String, Double> e : amounts.entrySet()) {
      Integer k = index.get(e.getKey());
      long u = FixedPoint.toUnits(e.getValue());
      if (k == null) {
        if (u == 0) {
          continue;
        }
        throw new InfeasibleResourceException(subject + " asks for " + e.getValue() + " of '"
            + e.getKey() + "', a resource this runtime does not have (it has " + index.keySet()
            + "); declare it with Raylite.builder().resource(\"" + e.getKey() + "\", amount)");
      }
      units[k] = u;
    }
    ResourceShape request = new ResourceShape(units);
    checkFeasible(request, subject);
    return request;
  }

  /** Throws if {@code request} exceeds the totals (reads only final fields). */
  void checkFeasible(ResourceShape request, String subject) {
    for (int k = 0; k < names.length; k++) {
      if (request.units[k] > capacity[k]) {
        String msg = subject + " asks for " + names[k] + ": "
            + FixedPoint.format(request.units[k]) + ", but " + owner + " has " + names[k] + ": "
            + FixedPoint.format(capacity[k]) + " in total, so it could never run";
        if (k == GPU && capacity[k] == 0 && noGpuHint != null) {
          msg += ". " + noGpuHint;
        }
        throw new InfeasibleResourceException(msg);
      }
    }
  }

  /** Whether the request fits now, GPU devices included, without taking it. */
  boolean fits(ResourceShape request) {
    Allocation taken = tryAcquire(request);
    if (taken == null) {
      return false;
    }
    release(taken);
    return true;
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

  /**
   * Takes every request or none (a placement group's bundles, gang-scheduled): on the first that
   * does not fit, gives back those taken and returns null.
   */
  Allocation[] tryAcquireAll(ResourceShape[] requests) {
    Allocation[] taken = new Allocation[requests.length];
    for (int i = 0; i < requests.length; i++) {
      taken[i] = tryAcquire(requests[i]);
      if (taken[i] == null) {
        for (int j = 0; j < i; j++) {
          release(taken[j]);
        }
        return null;
      }
    }
    return taken;
  }

  /**
   * Whether the requests could ever be taken together: on an idle copy of this ledger, placed first
   * fit as {@link #tryAcquireAll} places them (reads only final fields and the device count).
   */
  public boolean fitsTogetherWhenIdle(ResourceShape[] requests) {
    ResourceLedger idle = new ResourceLedger(this, new ResourceShape(capacity.clone()), owner);
    Arrays.fill(idle.gpuFree, FixedPoint.ONE);
    System.arraycopy(capacity, 0, idle.available, 0, capacity.length);
    return idle.tryAcquireAll(requests) != null;
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
