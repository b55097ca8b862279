package io.raylite.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table that ends a run: per mode the CPUs, wall and CPU seconds, CPU/wall, speedup over the
 * sequential mode, and what the rest of the machine did meanwhile (load average, other processes'
 * cores, stolen cores), followed by a plain warning for every mode during which other processes
 * took a material share of the machine.
 */
final class Summary {
  static final String HEADER = String.format(Locale.ROOT, "%-12s %5s %10s %10s %9s %8s %6s %7s %7s", "mode", "CPUs",
      "wall (s)", "CPU (s)", "CPU/wall", "speedup", "load", "others", "stolen");

  private Summary() {}

  static void print(PrintStream lines, List<ModeResult> results) {
    ModeResult baseline = JsonReport.baseline(results);
    lines.println(HEADER);
    for (ModeResult r : results) {
      lines.println(row(r, baseline));
    }
    lines.println("(load: 1-minute load average at the mode's end; others, stolen: cores used by other "
        + "processes and taken by the hypervisor, on average)");
    if (results.size() > 1) {
      boolean same = results.stream().allMatch(r -> sameScores(r, results.getFirst()));
      lines.println(same
          ? "Every mode gave the same MSE for every model."
          : "WARNING: the modes gave different MSEs for the same model; see the lines above.");
    }
    for (String warning : warnings(results)) {
      lines.println(warning);
    }
  }

  static String row(ModeResult r, ModeResult baseline) {
    MachineLoad load = r.load();
    return String.format(Locale.ROOT, "%-12s %5d %10.2f %10.2f %9.2f %8s %6s %7s %7s", r.mode().label(), r.cpus(),
        r.wallSeconds(), r.cpuSeconds(), r.cpuUtilization(),
        baseline == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.speedupOver(baseline)),
        figure(load.loadAverageEnd()), load.known() ? figure(load.otherProcessCores()) : "?",
        load.known() ? figure(load.stolenCores()) : "?");
  }

  /**
   * A warning naming every mode during which others took a material share of the machine, with
   * how much; none if every mode ran on a quiet machine.
   */
  static List<String> warnings(List<ModeResult> results) {
    List<String> warnings = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (ModeResult r : results) {
      MachineLoad load = r.load();
      if (load.material()) {
        busy.add(String.format(Locale.ROOT, "%s (%.2f of %d cores, %.0f%%)", r.mode().label(),
            load.otherProcessCores() + load.stolenCores(), load.cores(), 100 * load.takenShare()));
      }
    }
    if (!busy.isEmpty()) {
      warnings.add("WARNING: other processes" + (results.stream().anyMatch(r -> r.load().stolenCores() > 0)
          ? " and the hypervisor" : "") + " took a material share of this machine during the "
          + join(busy) + (busy.size() == 1 ? " mode" : " modes") + ". Those times are slower than on an idle machine, "
          + "and speedups compare modes that ran under different loads: run again on a quiet machine before "
          + "drawing conclusions.");
    }
    if (results.stream().anyMatch(r -> !r.load().known())) {
      warnings.add("Note: this system has no /proc/stat, so what other processes took is unknown; on a busy "
          + "machine the parallel modes' speedups are understated.");
    }
    return warnings;
  }

  /**
   * A note when more engine threads ran models than the mode had CPUs, or null. A task that
   * waits in {@code get} (for its GPU scoring) lends its CPU, and the engine starts a spare
   * worker to use it, as Ray starts another task; so more forests grow at once than the mode's
   * heading says.
   */
  static String spareWorkers(ModeResult result) {
    if (result.mode() == Mode.SEQUENTIAL || result.mode() == Mode.ACTORS) {
      // An actor's calls each run on a thread of their own, so threads there count calls, not CPUs.
      return null;
    }
    List<String> workers = result.runs().stream().map(ModelRun::worker).distinct().sorted().toList();
    if (workers.size() <= result.cpus()) {
      return null;
    }
    return String.format(Locale.ROOT, "Note: %d engine threads (workers %s) ran models on %d CPUs: a task waiting "
        + "in get for its GPU scoring lends its CPU, and the engine starts a spare worker to use it, so up to %d "
        + "forests grew at once.", workers.size(), String.join(", ", workers), result.cpus(), workers.size());
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String join(List<String> items) {
    if (items.size() == 1) {
      return items.getFirst();
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
  }

  private static String figure(double value) {
    return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static boolean sameScores(ModeResult a, ModeResult b) {
    if (a.runs().size() != b.runs().size()) {
      return false;
    }
    for (int i = 0; i < a.runs().size(); i++) {
      if (Double.compare(a.runs().get(i).mse(), b.runs().get(i).mse()) != 0) {
        return false;
      }
    }
    return true;
  }
}
