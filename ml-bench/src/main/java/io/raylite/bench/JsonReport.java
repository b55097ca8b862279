package io.raylite.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The results as JSON, for scripts: the machine, each mode's wall and CPU seconds and what other
 * processes took meanwhile, and every model's result (mode, n_estimators, mse, seconds, worker).
 * Times within a mode count from the mode's start.
 */
final class JsonReport {
  private JsonReport() {}

  /**
   * Writes the results to {@code file}; {@code warmupSeconds} is the untimed warm-up forest's time,
   * NaN (written as null) when there was none.
   */
  static void write(Path file, List<ModeResult> results, int models, boolean gpu, double warmupSeconds,
      MachineInfo machine) throws IOException {
    Files.writeString(file, render(results, models, gpu, warmupSeconds, machine), StandardCharsets.UTF_8);
  }

  static String render(List<ModeResult> results, int models, boolean gpu, double warmupSeconds,
      MachineInfo machine) {
    ModeResult baseline = baseline(results);
    StringBuilder json = new StringBuilder();
    json.append("{\n");
    json.append("  \"experiment\": \"california_housing_random_forest\",\n");
    json.append("  \"models\": ").append(models).append(",\n");
    json.append("  \"gpu_scoring\": ").append(gpu).append(",\n");
    json.append("  \"available_processors\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
    json.append("  \"java_version\": ").append(string(System.getProperty("java.version"))).append(",\n");
    json.append("  \"machine\": {\"cores\": ").append(machine.cores())
        .append(", \"cpu_model\": ").append(string(machine.cpuModel()))
        .append(", \"os\": ").append(string(machine.os()))
        .append(", \"jdk\": ").append(string(machine.jdk()))
        .append(", \"started\": ").append(string(machine.started().toString()))
        .append(", \"load_average\": ").append(number(machine.loadAverage())).append("},\n");
    json.append("  \"warmup_seconds\": ").append(number(warmupSeconds)).append(",\n");
    json.append("  \"modes\": [");
    for (int i = 0; i < results.size(); i++) {
      ModeResult r = results.get(i);
      ModelRun best = r.best();
      json.append(i == 0 ? "\n" : ",\n");
      json.append("    {\"mode\": ").append(string(r.mode().label()))
          .append(", \"cpus\": ").append(r.cpus())
          .append(", \"wall_seconds\": ").append(number(r.wallSeconds()))
          .append(", \"cpu_seconds\": ").append(number(r.cpuSeconds()))
          .append(", \"speedup\": ").append(baseline == null ? "null" : number(r.speedupOver(baseline)))
          .append(", \"load_average_start\": ").append(number(r.load().loadAverageStart()))
          .append(", \"load_average_end\": ").append(number(r.load().loadAverageEnd()))
          .append(", \"other_process_cores\": ").append(r.load().known() ? number(r.load().otherProcessCores()) : "null")
          .append(", \"stolen_cores\": ").append(r.load().known() ? number(r.load().stolenCores()) : "null")
          .append(", \"others_warning\": ").append(r.load().material())
          .append(", \"best\": {\"n_estimators\": ").append(best.nEstimators())
          .append(", \"mse\": ").append(number(best.mse())).append("}}");
    }
    json.append("\n  ],\n");
    json.append("  \"results\": [");
    boolean first = true;
    for (ModeResult r : results) {
      for (ModelRun run : r.runs()) {
        json.append(first ? "\n" : ",\n");
        first = false;
        json.append("    {\"mode\": ").append(string(r.mode().label()))
            .append(", \"n_estimators\": ").append(run.nEstimators())
            .append(", \"mse\": ").append(number(run.mse()))
            .append(", \"seconds\": ").append(number(run.seconds()))
            .append(", \"worker\": ").append(string(run.worker()))
            .append(", \"tree_threads\": ").append(run.treeThreads())
            .append(", \"start_seconds\": ").append(number((run.startNanos() - r.startNanos()) / 1e9))
            .append(", \"end_seconds\": ").append(number((run.endNanos() - r.startNanos()) / 1e9))
            .append('}');
      }
    }
    json.append("\n  ]\n}\n");
    return json.toString();
  }

  /** The sequential result, which speedups are measured against, or null if it did not run. */
  static ModeResult baseline(List<ModeResult> results) {
    return results.stream().filter(r -> r.mode() == Mode.SEQUENTIAL).findFirst().orElse(null);
  }

  private static String number(double value) {
    if (!Double.isFinite(value)) {
      return "null";  // JSON has no NaN or infinity
    }
    return Double.toString(value);
  }

  static String string(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
