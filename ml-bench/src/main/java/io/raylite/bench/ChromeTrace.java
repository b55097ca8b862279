package io.raylite.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Chrome trace-event file of a mode's models, one complete event per model on its worker's row,
 * in the format the engine's own timeline uses. The engine writes the trace of the parallel modes;
 * this one covers the sequential mode, which runs without the engine.
 */
final class ChromeTrace {
  private ChromeTrace() {}

  static void write(Path file, ModeResult result) throws IOException {
    StringBuilder json = new StringBuilder("{\"traceEvents\": [\n");
    json.append("  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"args\": {\"name\": ")
        .append(JsonReport.string("ml-bench " + result.mode().label())).append("}}");
    for (ModelRun run : result.runs()) {
      json.append(",\n  {\"name\": ").append(JsonReport.string(EngineRunner.taskName(run.nEstimators())))
          .append(", \"ph\": \"X\", \"pid\": 1, \"tid\": 0")
          .append(", \"ts\": ").append((run.startNanos() - result.startNanos()) / 1_000)
          .append(", \"dur\": ").append((run.endNanos() - run.startNanos()) / 1_000)
          .append(", \"args\": {\"n_estimators\": ").append(run.nEstimators())
          .append(", \"mse\": ").append(run.mse())
          .append(", \"worker\": ").append(JsonReport.string(run.worker())).append("}}");
    }
    json.append("\n]}\n");
    Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
  }
}
