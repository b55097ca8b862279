package io.raylite.internal.resource;

import io.raylite.InfeasibleResourceException;
import io.raylite.Resources;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime's resources: the capacity and what is available of each, in fixed-point units, and
 * GPU availability per device, so that fractional requests pack onto one device and fragmentation
 * is seen per device rather than as one scalar.
 *
 * <p>Free CPU is not in {@code available} but in one atomic word, {@code cpuWord}: the free CPU units
 * shifted left by one, or'ed with {@link #GATE}. The {@link Scheduler}'s lock-free path for CPU-only
 * tasks changes it without the lock (see the Scheduler's overview, "Fast path"); the methods named
 * {@code *Cpu*} below are safe from any thread. Every other method, and every other resource, is
 * called or changed with the Scheduler's lock held, except {@link #checkFeasible} and the name
 * lookups. Index 0 is CPU, 1 GPU, 2 memory, then custom resources.
 */
public final class ResourceLedger {
  static final int CPU = 0;
  static final int GPU = 1;
  static final int MEMORY = 2;
  /** The bit of {@code cpuWord} set while something waits under the Scheduler's lock. */
  static final long GATE = 1L;
  private static final VarHandle CPU_WORD;

  static {
    try {
      CPU_WORD = MethodHandles.lookup().findVarHandle(ResourceLedger.class, "cpuWord", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Free CPU units shifted left by one, or'ed with GATE; changed only by the methods below. */
  private volatile long cpuWord;

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
    available[CPU] = 0;  // lives in cpuWord
    cpuWord = capacity[CPU] << 1;
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
    available[CPU] = 0;  // lives in cpuWord
    giveCpu(capacity[CPU]);
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

  /**
   * Whether the request fits now, GPU devices included, without taking it: it never touches the
   * CPU word, so that a lock-free take racing with it cannot fail for CPU that comes back unseen.
   */
  boolean fits(ResourceShape request) {
    long[] u = request.units;
    for (int k = 1; k < u.length; k++) {
      if (u[k] > available[k]) {
        return false;
      }
    }
    long gpu = u[GPU];
    if (gpu > 0) {
      int found = 0;
      int want = gpu < FixedPoint.ONE ? 1 : (int) (gpu / FixedPoint.ONE);
      long perDevice = Math.min(gpu, FixedPoint.ONE);
      for (int d = 0; d < gpuFree.length && found < want; d++) {
        if (gpuFree[d] >= perDevice) {
          found++;
        }
      }
      if (found < want) {
        return false;
      }
    }
    return freeCpu() >= u[CPU];
  }

  /**
   * Takes the request if it fits now, else returns null. The lock holder ignores the gate: it
   * decides itself who is served first.
   */
  Allocation tryAcquire(ResourceShape request) {
    long[] u = request.units;
    for (int k = 1; k < u.length; k++) {
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
    }
    // CPU last: it is the one resource that lock-free threads may take meanwhile.
    if (!tryTakeCpu(u[CPU], true)) {
      return null;
    }
    for (int d : gpuIds) {
      gpuFree[d] -= perDevice;
    }
    for (int k = 1; k < u.length; k++) {
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
    idle.available[CPU] = 0;  // lives in cpuWord
    idle.giveCpu(capacity[CPU]);
    return idle.tryAcquireAll(requests) != null;
  }

  /**
   * Gives the whole allocation back (the CPU part only if it is not lent).
   *
   * @return cpuWord as it was before the CPU came back
   */
  long release(Allocation a) {
    long[] u = a.request.units;
    for (int k = 1; k < u.length; k++) {
      available[k] += u[k];
    }
    for (int d : a.gpuIds) {
      gpuFree[d] += a.gpuUnitsPerDevice;
    }
    // The CPU part was already given back if it is lent while the task blocks.
    return giveCpu(a.cpuLent ? 0 : u[CPU]);
  }

  /* ---------------- The CPU word (any thread) ---------------- */

  /**
   * Takes {@code units} of CPU if that many are free and, unless {@code ignoreGate} (the lock
   * holder), the gate is open.
   */
  boolean tryTakeCpu(long units, boolean ignoreGate) {
    for (;;) {
      long w = cpuWord;
      if ((!ignoreGate && (w & GATE) != 0) || (w >>> 1) < units) {
        return false;
      }
      if (units == 0 || CPU_WORD.compareAndSet(this, w, w - (units << 1))) {
        return true;
      }
    }
  }

  /**
   * Gives {@code units} of CPU back.
   *
   * @return cpuWord as it was before, so that the caller sees whether the gate was set
   */
  long giveCpu(long units) {
    return units == 0 ? cpuWord : (long) CPU_WORD.getAndAdd(this, units << 1);
  }

  /** Sets the gate; the lock holder does so before its last attempt to take what would make it wait. */
  void closeGate() {
    CPU_WORD.getAndBitwiseOr(this, GATE);
  }

  /** Clears the gate; the lock holder does so once nothing waits under the lock. */
  void openGate() {
    CPU_WORD.getAndBitwiseAnd(this, ~GATE);
  }

  /** Whether the gate is set now. */
  boolean gated() {
    return (cpuWord & GATE) != 0;
  }

  /** Free CPU units now. */
  long freeCpu() {
    return cpuWord >>> 1;
  }

  /** Gives back the CPU part of a running task's allocation while it blocks; returns cpuWord before. */
  long lendCpu(Allocation a) {
    return giveCpu(a.request.cpu());
  }

  /** Takes the CPU part back if it is free now (and, unless {@code ignoreGate}, the gate is open). */
  boolean tryReclaimCpu(Allocation a, boolean ignoreGate) {
    return tryTakeCpu(a.request.cpu(), ignoreGate);
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
    long[] now = available.clone();
    now[CPU] = freeCpu();
    return toMap(now);
  }

  /** For invariant checks: whether no resource and no device is over-allocated. */
  boolean withinCapacity() {
    long freeCpu = freeCpu();
    if (freeCpu < 0 || freeCpu > capacity[CPU]) {
      return false;
    }
    for (int k = 1; k < names.length; k++) {
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
