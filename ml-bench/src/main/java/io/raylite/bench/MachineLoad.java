package io.raylite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the whole machine did while one mode ran, so that a slow parallel mode on a busy machine is
 * not read as Raylite's fault: the CPU time this process used, the CPU time every process used
 * (from {@code /proc/stat}), the time the hypervisor stole from this virtual machine, and the
 * load average at both ends.
 *
 * <p>Other processes' CPU time is the machine's busy time less this process's; stolen time is CPU
 * time the hypervisor gave to other guests. Both are shown as cores (seconds over the mode's wall
 * seconds) and as a share of the machine's capacity (wall seconds times cores). Where
 * {@code /proc} cannot be read (not Linux), the machine-wide figures are NaN and no warning is
 * given.
 *
 * @param wallSeconds the mode's wall time
 * @param cores the processors the JVM sees
 * @param processCpuSeconds CPU time of this JVM (every thread, JIT and GC included)
 * @param machineBusySeconds CPU time of every process on the machine (user, nice, system, irq,
 *     softirq), NaN if unknown
 * @param stealSeconds CPU time stolen by the hypervisor, NaN if unknown
 * @param loadAverageStart the 1-minute load average when the mode started, NaN if unknown
 * @param loadAverageEnd the 1-minute load average when it ended, NaN if unknown
 */
public record MachineLoad(double wallSeconds, int cores, double processCpuSeconds, double machineBusySeconds,
    double stealSeconds, double loadAverageStart, double loadAverageEnd) {

  /**
   * The share of the machine's capacity that other processes and the hypervisor may take before
   * the summary warns: a tenth of 2 cores is a fifth of a core, enough to move a 2-way speedup
   * by about as much as this machine's run-to-run noise.
   */
  static final double MATERIAL_SHARE = 0.10;

  /** {@code /proc/stat} counts in USER_HZ ticks, 100 per second on every Linux architecture in use. */
  private static final double TICKS_PER_SECOND = 100;

  /** The load between two snapshots taken on this machine with {@code cores} processors. */
  static MachineLoad between(Snapshot start, Snapshot end, int cores) {
    double wall = (end.nanoTime() - start.nanoTime()) / 1e9;
    double busy = start.busyTicks() < 0 || end.busyTicks() < 0
        ? Double.NaN : (end.busyTicks() - start.busyTicks()) / TICKS_PER_SECOND;
    double steal = start.stealTicks() < 0 || end.stealTicks() < 0
        ? Double.NaN : (end.stealTicks() - start.stealTicks()) / TICKS_PER_SECOND;
    return new MachineLoad(wall, cores, (end.processCpuNanos() - start.processCpuNanos()) / 1e9, busy, steal,
        start.loadAverage(), end.loadAverage());
  }

  /** Whether the machine-wide figures could be read. */
  public boolean known() {
    return !Double.isNaN(machineBusySeconds) && !Double.isNaN(stealSeconds);
  }

  /**
   * CPU time other processes used, in cores on average. {@code /proc/stat} counts in ticks, so a
   * small negative difference from this process's finer clock reads as 0.
   */
  public double otherProcessCores() {
    return Math.max(0, machineBusySeconds - processCpuSeconds) / wallSeconds;
  }

  /** CPU time the hypervisor stole, in cores on average. */
  public double stolenCores() {
    return stealSeconds / wallSeconds;
  }

  /** The share of the machine's capacity that other processes and the hypervisor took, 0 to 1. */
  public double takenShare() {
    return (otherProcessCores() + stolenCores()) / cores;
  }

  /** Whether others took enough of the machine that this mode's times understate it. */
  public boolean material() {
    return known() && takenShare() >= MATERIAL_SHARE;
  }

  /** The summary's description: {@code load 1.52, others 0.31 cores, steal 0.00}. */
  String describe() {
    if (!known()) {
      return "machine load unknown (no /proc)";
    }
    return String.format(Locale.ROOT, "load %.2f, others %.2f cores, stolen %.2f", loadAverageEnd,
        otherProcessCores(), stolenCores());
  }

  /**
   * One reading of the clocks and counters the load is computed from.
   *
   * @param nanoTime a {@link System#nanoTime()} reading
   * @param processCpuNanos this JVM's CPU time
   * @param busyTicks the machine's busy ticks, all CPUs together, or -1 if unknown
   * @param stealTicks the machine's stolen ticks, or -1 if unknown
   * @param loadAverage the 1-minute load average, or NaN if unknown
   */
  record Snapshot(long nanoTime, long processCpuNanos, long busyTicks, long stealTicks, double loadAverage) {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    /** Reads this machine now. */
    static Snapshot take() {
      long[] cpu = readCpuLine();
      return new Snapshot(System.nanoTime(), CpuClock.processNanos(), cpu == null ? -1 : busy(cpu),
          cpu == null ? -1 : steal(cpu), readLoadAverage());
    }

    /** The aggregate {@code cpu} line's counters, or null where there is no {@code /proc/stat}. */
    private static long[] readCpuLine() {
      if (!Files.isReadable(STAT)) {
        return null;
      }
      try (var lines = Files.lines(STAT)) {
        String line = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse(null);
        return line == null ? null : parseCpuLine(line);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + STAT, e);
      }
    }

    /** {@code cpu  user nice system idle iowait irq softirq steal ...} as numbers. */
    static long[] parseCpuLine(String line) {
      String[] fields = line.trim().split("\\s+");
      long[] values = new long[fields.length - 1];
      for (int i = 1; i < fields.length; i++) {
        values[i - 1] = Long.parseLong(fields[i]);
      }
      return values;
    }

    /** user + nice + system + irq + softirq; guest time is already inside user. */
    static long busy(long[] cpu) {
      return cpu[0] + cpu[1] + cpu[2] + at(cpu, 5) + at(cpu, 6);
    }

    static long steal(long[] cpu) {
      return at(cpu, 7);
    }

    private static long at(long[] cpu, int index) {
      return index < cpu.length ? cpu[index] : 0;
    }

    private static double readLoadAverage() {
      if (!Files.isReadable(LOADAVG)) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + LOADAVG, e);
      }
    }
  }
}
