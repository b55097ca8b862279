package io.raylite.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent finished tasks, kept in a ring for {@code Raylite.timeline}: recording costs one
 * increment and one store per task. Writing turns them into Chrome trace-event JSON: a complete
 * ("X") event per task on its worker's row, with its wait times as arguments, and a thread-name
 * event per row.
 */
final class Timeline {
  private static final String[] OUTCOMES = {"FINISHED", "FAILED", "CANCELLED"};

  private final AtomicReferenceArray<TaskRecord> ring;
  private final AtomicLong next = new AtomicLong();
  private final long originNanos = System.nanoTime();
  private final String runtimeName;

  Timeline(int capacity, String runtimeName) {
    this.ring = capacity == 0 ? null : new AtomicReferenceArray<>(capacity);
    this.runtimeName = runtimeName;
  }

  void record(TaskRecord task) {
    if (ring != null) {
      long slot = next.getAndIncrement();
      ring.lazySet((int) (slot % ring.length()), task);
    }
  }

  List<TaskRecord> snapshot() {
    List<TaskRecord> tasks = new ArrayList<>();
    if (ring != null) {
      for (int i = 0; i < ring.length(); i++) {
        TaskRecord t = ring.get(i);
        if (t != null) {
          tasks.add(t);
        }
      }
    }
    tasks.sort((a, b) -> Long.compare(a.submittedNanos, b.submittedNanos));
    return tasks;
  }

  void write(Path file) throws IOException {
    List<TaskRecord> tasks = snapshot();
    Map<Integer, String> rows = new TreeMap<>();
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
      boolean first = true;
      for (TaskRecord t : tasks) {
        boolean ran = t.startedNanos != 0;
        if (ran) {
          rows.putIfAbsent(t.workerTid, t.workerLabel);
        }
        long start = ran ? t.startedNanos : t.finishedNanos;
        long end = Math.max(start, t.finishedNanos);
        long ready = t.argsReadyNanos == 0 ? t.submittedNanos : t.argsReadyNanos;
        long dispatched = t.dispatchedNanos == 0 ? start : t.dispatchedNanos;
        if (!first) {
          w.write(",\n");
        }
        first = false;
        w.write("{\"name\":" + json(t.name) + ",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":"
            + (ran ? t.workerTid : -1) + ",\"ts\":" + micros(start) + ",\"dur\":" + duration(end - start)
            + ",\"args\":{\"task_id\":" + json(t.idString()) + ",\"state\":" + json(OUTCOMES[t.outcome])
            + ",\"attempt\":" + t.attempt
            + ",\"wait_args_us\":" + duration(ready - t.submittedNanos)
            + ",\"wait_resources_us\":" + duration(Math.max(0, dispatched - ready))
            + ",\"submitted_us\":" + micros(t.submittedNanos) + "}}");
      }
      for (Map.Entry<Integer, String> row : rows.entrySet()) {
        w.write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + row.getKey()
            + ",\"args\":{\"name\":" + json("worker " + row.getValue()) + "}}");
      }
      w.write(",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":" + json(runtimeName) + "}}");
      w.write("\n]}\n");
    }
  }

  /** A point in time, in microseconds since the runtime started. */
  private String micros(long nanos) {
    return duration(nanos - originNanos);
  }

  private static String duration(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1000.0);
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
