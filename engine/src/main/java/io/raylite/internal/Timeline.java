package io.raylite.internal;

import io.raylite.internal.object.Ids;
import io.raylite.internal.task.TimelineSink;
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
 * The most recent finished tasks and actor calls, kept in a ring for {@code Raylite.timeline}:
 * recording costs one increment, one store and a small event copied out of the task or call
 * ({@link TaskEvent}, {@link ActorCallEvent}), which they hand to it as a {@link TimelineSink}.
 * The ring must not keep the task or call itself:
 * its result entry holds a small value for as long as anything reaches the entry. Writing turns
 * the events into Chrome trace-event JSON: a complete ("X") event per task on its worker's row,
 * with its wait times as arguments, one per actor call on its actor's row, and a thread-name event
 * per row.
 */
final class Timeline implements TimelineSink {
  private static final String[] OUTCOMES = {"FINISHED", "FAILED", "CANCELLED"};

  /** Base of the rows of actors, above any worker's index and below virtual threads' rows. */
  static final int ACTOR_ROWS = 50_000;
  /** Base of the rows of placement-group bundles, one per group and bundle index. */
  static final int BUNDLE_ROWS = 1_000_000_000;

  private final AtomicReferenceArray<Event> ring;
  private final AtomicLong next = new AtomicLong();
  private final long originNanos;
  private final String runtimeName;
  /** Whether times are real (System.nanoTime), so that the file says when its origin was in wall-clock time. */
  private final boolean realTime;

  Timeline(int capacity, String runtimeName) {
    this(capacity, runtimeName, System.nanoTime(), true);
  }

  /** A timeline whose times count from {@code originNanos} (0 for a deterministic run's logical clock). */
  Timeline(int capacity, String runtimeName, long originNanos) {
    this(capacity, runtimeName, originNanos, false);
  }

  private Timeline(int capacity, String runtimeName, long originNanos, boolean realTime) {
    this.realTime = realTime;
    this.originNanos = originNanos;
    this.ring = capacity == 0 ? null : new AtomicReferenceArray<>(capacity);
    this.runtimeName = runtimeName;
  }

  @Override
  public boolean enabled() {
    return ring != null;
  }

  @Override
  public void record(Event event) {
    if (ring != null) {
      long slot = next.getAndIncrement();
      ring.lazySet((int) (slot % ring.length()), event);
    }
  }

  List<Event> snapshot() {
    List<Event> events = new ArrayList<>();
    if (ring != null) {
      for (int i = 0; i < ring.length(); i++) {
        Event e = ring.get(i);
        if (e != null) {
          events.add(e);
        }
      }
    }
    events.sort(java.util.Comparator.comparingLong(Event::submittedNanos));
    return events;
  }

  void write(Path file) throws IOException {
    write(file, List.of());
  }

  /** Writes the ring's events and {@code open} ones (spans still running, such as held bundles). */
  void write(Path file, List<? extends Event> open) throws IOException {
    List<Event> events = snapshot();
    if (!open.isEmpty()) {
      events.addAll(open);
      events.sort(java.util.Comparator.comparingLong(Event::submittedNanos));
    }
    Map<Integer, String> rows = new TreeMap<>();
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
      boolean first = true;
      for (Event event : events) {
        if (!first) {
          w.write(",\n");
        }
        first = false;
        switch (event) {
          case TaskEvent t -> writeTask(w, t, rows);
          case ActorCallEvent call -> writeActorCall(w, call, rows);
          case BundleEvent bundle -> writeBundle(w, bundle, rows);
          case GeneratorItemEvent item -> writeGeneratorItem(w, item, rows);
        }
      }
      for (Map.Entry<Integer, String> row : rows.entrySet()) {
        w.write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + row.getKey()
            + ",\"args\":{\"name\":" + json(row.getValue()) + "}}");
      }
      w.write(",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":" + json(runtimeName) + "}}");
      // The wall-clock time of ts 0, so that the timelines of several JVMs (a cluster's nodes) line
      // up; a deterministic run's logical times have none.
      w.write("\n]" + (realTime ? ",\"otherData\":{\"origin_epoch_us\":" + originEpochMicros() + "}" : "") + "}\n");
    }
  }

  /** A task on the row of the worker that ran it, with its waits for arguments and resources. */
  private void writeTask(BufferedWriter w, TaskEvent t, Map<Integer, String> rows) throws IOException {
    boolean ran = t.startedNanos() != 0;
    if (ran) {
      rows.putIfAbsent(t.workerTid(), "worker " + t.workerLabel());
    }
    long start = ran ? t.startedNanos() : t.finishedNanos();
    long end = Math.max(start, t.finishedNanos());
    long ready = t.argsReadyNanos() == 0 ? t.submittedNanos() : t.argsReadyNanos();
    long dispatched = t.dispatchedNanos() == 0 ? start : t.dispatchedNanos();
    w.write("{\"name\":" + json(t.name()) + ",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":"
        + (ran ? t.workerTid() : -1) + ",\"ts\":" + micros(start) + ",\"dur\":" + duration(end - start)
        + ",\"args\":{\"task_id\":" + json(Ids.task(t.taskSeq()))
        + ",\"state\":" + json(OUTCOMES[t.outcome()]) + ",\"attempt\":" + t.attempt()
        + ",\"wait_args_us\":" + duration(ready - t.submittedNanos())
        + ",\"wait_resources_us\":" + duration(Math.max(0, dispatched - ready))
        + ",\"submitted_us\":" + micros(t.submittedNanos()) + "}}");
  }

  /** An actor call on its actor's row: calls of one actor line up as its tasks do in Ray's timeline. */
  private void writeActorCall(BufferedWriter w, ActorCallEvent call, Map<Integer, String> rows) throws IOException {
    boolean ran = call.startedNanos() != 0;
    int tid = ACTOR_ROWS + (int) (call.actorSeq() % ACTOR_ROWS);
    if (ran) {
      rows.putIfAbsent(tid, call.actorRow());
    }
    long start = ran ? call.startedNanos() : call.finishedNanos();
    long end = Math.max(start, call.finishedNanos());
    String cat = call.construction() ? "actor_creation_task" : "actor_task";  // Ray's names for the two
    w.write("{\"name\":" + json(call.name()) + ",\"cat\":\"" + cat + "\",\"ph\":\"X\",\"pid\":1,\"tid\":"
        + (ran ? tid : -1) + ",\"ts\":" + micros(start) + ",\"dur\":" + duration(end - start)
        + ",\"args\":{\"task_id\":" + json(Ids.actorCall(call.callSeq())) + ",\"actor_id\":" + json(Ids.actor(call.actorSeq()))
        + ",\"state\":" + json(OUTCOMES[call.outcome()]) + ",\"attempt\":" + call.attempt()
        + ",\"wait_us\":" + duration(Math.max(0, start - call.submittedNanos()))
        + ",\"submitted_us\":" + micros(call.submittedNanos()) + "}}");
  }

  /**
   * A placement group's bundle on a row of its own, from its reservation to its release (or to now,
   * while held), with the group's wait to be placed.
   */
  private void writeBundle(BufferedWriter w, BundleEvent b, Map<Integer, String> rows) throws IOException {
    int tid = BUNDLE_ROWS + (int) (b.groupSeq() % 1_000_000) * 1_000 + b.index() % 1_000;
    rows.putIfAbsent(tid, "placement group " + b.groupName() + " bundle " + b.index());
    long end = b.releasedNanos() == 0 ? System.nanoTime() : b.releasedNanos();
    w.write("{\"name\":" + json("bundle " + b.index() + " " + b.resources()) + ",\"cat\":\"placement_group\""
        + ",\"ph\":\"X\",\"pid\":1,\"tid\":" + tid + ",\"ts\":" + micros(b.placedNanos())
        + ",\"dur\":" + duration(Math.max(0, end - b.placedNanos()))
        + ",\"args\":{\"placement_group_id\":" + json(b.groupId()) + ",\"bundle_index\":" + b.index()
        + ",\"resources\":" + json(b.resources()) + ",\"gpu_ids\":" + json(b.gpuIds().toString())
        + ",\"state\":" + json(b.releasedNanos() == 0 ? "RESERVED" : "RELEASED")
        + ",\"wait_us\":" + duration(Math.max(0, b.placedNanos() - b.submittedNanos()))
        + ",\"submitted_us\":" + micros(b.submittedNanos()) + "}}");
  }

  /**
   * A streaming generator's value as an instant on its producer's row, at the moment it was
   * produced, inside the producer's bar: "NAME item K", with the object's id to find it by.
   */
  private void writeGeneratorItem(BufferedWriter w, GeneratorItemEvent item, Map<Integer, String> rows)
      throws IOException {
    int tid = item.actorSeq() >= 0 ? ACTOR_ROWS + (int) (item.actorSeq() % ACTOR_ROWS) : item.workerTid();
    rows.putIfAbsent(tid, item.rowLabel());
    w.write("{\"name\":" + json(item.producerName() + " item " + item.index())
        + ",\"cat\":\"generator_item\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" + tid
        + ",\"ts\":" + micros(item.submittedNanos())
        + ",\"args\":{\"task_id\":" + json(item.producerId()) + ",\"index\":" + item.index()
        + ",\"object_id\":" + json(item.objectId()) + "}}");
  }

  /** The wall-clock time of the origin, in microseconds since the epoch. */
  private long originEpochMicros() {
    java.time.Instant now = java.time.Instant.now();
    long sinceOrigin = (System.nanoTime() - originNanos) / 1000;
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - sinceOrigin;
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
