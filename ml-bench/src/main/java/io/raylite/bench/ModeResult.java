package io.raylite.bench;

import java.util.Comparator;
import java.util.List;

/**
 * What one mode produced: every model in the order of {@code n_estimators}, and the mode's wall and
 * process CPU time.
 *
 * @param mode the mode
 * @param cpus how many CPUs the mode could use (1 for sequential)
 * @param runs one entry per model, by increasing {@code n_estimators}
 * @param startNanos when the mode started, a {@link System#nanoTime()} reading
 * @param wallSeconds from submitting the first model to having every result
 * @param cpuSeconds the CPU time the whole JVM used meanwhile (JIT and GC threads included)
 * @param load what the whole machine did meanwhile
 */
public record ModeResult(Mode mode, int cpus, List<ModelRun> runs, long startNanos, double wallSeconds,
    double cpuSeconds, MachineLoad load) {

  public ModeResult {
    java.util.Objects.requireNonNull(load, "load");
    runs = List.copyOf(runs);
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("a mode result needs at least one model run");
    }
  }

  /** The model with the lowest MSE; the smallest forest among equals. */
  public ModelRun best() {
    return runs.stream()
        .min(Comparator.comparingDouble(ModelRun::mse).thenComparingInt(ModelRun::nEstimators))
        .orElseThrow();
  }

  /** The result of a mode measured between two snapshots of the machine. */
  static ModeResult measured(Mode mode, int cpus, List<ModelRun> runs, MachineLoad.Snapshot start,
      MachineLoad.Snapshot end) {
    MachineLoad load = MachineLoad.between(start, end, Runtime.getRuntime().availableProcessors());
    return new ModeResult(mode, cpus, runs, start.nanoTime(), load.wallSeconds(), load.processCpuSeconds(), load);
  }

  /** How many times faster than {@code baseline}, by wall time. */
  public double speedupOver(ModeResult baseline) {
    return baseline.wallSeconds / wallSeconds;
  }

  /** CPU time over wall time: about 1 for one busy thread, up to the CPU count. */
  public double cpuUtilization() {
    return cpuSeconds / wallSeconds;
  }
}
