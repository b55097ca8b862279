package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK Flight Recorder events of tasks and actor calls, read back from a recording written to
 * a file. Each test names its runtime and keeps only that runtime's events, as recordings see the
 * whole JVM.
 */
@Timeout(60)
class FlightRecorderEventsTest {
  @TempDir
  Path dir;

  static int square(int x) {
    return x * x;
  }

  static int fail(int x) {
    throw new IllegalStateException("no " + x);
  }

  static final class Counter {
    private int value;

    int add(int n) {
      value += n;
      return value;
    }
  }

  /** Runs {@code work} on a runtime named {@code name} while recording, and returns that runtime's Raylite events. */
  private List<RecordedEvent> record(String name, java.util.function.Consumer<Raylite> work) throws IOException {
    Path file = dir.resolve(name + ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("io.raylite.Task");
      recording.enable("io.raylite.ActorCall");
      recording.start();
      try (Raylite ray = Raylite.builder().cpus(2).resource("slot", 4).name(name).build()) {
        work.accept(ray);
      }
      recording.stop();
      recording.dump(file);
    }
    return RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("io.raylite."))
        .filter(e -> name.equals(e.getString("runtime")))
        .toList();
  }

  @Test
  void finishedTasks_areRecordedWithNameIdWorkerResourcesAndTimes() throws IOException {
    List<RecordedEvent> events = record("jfr-tasks", ray -> {
      for (int i = 0; i < 3; i++) {
        assertEquals(i * i, ray.task(FlightRecorderEventsTest::square, i).name("square").numCpus(1)
            .resource("slot", 1).remote().get());
      }
    });
    assertEquals(3, events.size());
    Set<String> ids = events.stream().map(e -> e.getString("taskId")).collect(Collectors.toSet());
    assertEquals(3, ids.size(), "one event per task, each with its own id: " + ids);
    for (RecordedEvent event : events) {
      assertEquals("io.raylite.Task", event.getEventType().getName());
      assertEquals("square", event.getString("name"));
      assertTrue(event.getString("taskId").startsWith("task-"), event.getString("taskId"));
      assertFalse(event.getString("worker").isEmpty());
      assertEquals(Double.toString(1.0), resource(event.getString("resources"), "CPU"));
      assertEquals(Double.toString(1.0), resource(event.getString("resources"), "slot"));
      assertEquals("FINISHED", event.getString("outcome"));
      assertEquals(0, event.getInt("attempt"));
      assertFalse(event.getDuration("waitTime").isNegative());
      assertFalse(event.getDuration("runTime").isNegative());
    }
  }

  /** The amount of {@code key} in a resource map's text, {@code {CPU=1.0, slot=1.0}}. */
  private static String resource(String map, String key) {
    for (String entry : map.substring(1, map.length() - 1).split(", ")) {
      String[] kv = entry.split("=");
      if (kv[0].equals(key)) {
        return kv[1];
      }
    }
    return "absent from " + map;
  }

  @Test
  void failedTask_isRecordedAsFailed() throws IOException {
    List<RecordedEvent> events = record("jfr-failed", ray -> {
      ObjectRef<Integer> ref = ray.task(FlightRecorderEventsTest::fail, 1).name("fail").remote();
      assertThrows(TaskFailedException.class, ref::get);
    });
    assertEquals(1, events.size());
    assertEquals("fail", events.getFirst().getString("name"));
    assertEquals("FAILED", events.getFirst().getString("outcome"));
  }

  @Test
  void actorConstructionAndCalls_areRecordedWithTheActorsId() throws IOException {
    List<RecordedEvent> events = record("jfr-actor", ray -> {
      ActorHandle<Counter> counter = ray.actor(Counter::new).resource("slot", 2).remote();
      assertEquals(1, counter.task(Counter::add, 1).remote().get());
      assertEquals(3, counter.task(Counter::add, 2).remote().get());
    });
    assertTrue(events.stream().allMatch(e -> e.getEventType().getName().equals("io.raylite.ActorCall")));
    List<RecordedEvent> constructions = events.stream().filter(e -> e.getBoolean("construction")).toList();
    List<RecordedEvent> calls = events.stream().filter(e -> !e.getBoolean("construction")).toList();
    assertEquals(1, constructions.size());
    assertEquals(2, calls.size());
    String actorId = constructions.getFirst().getString("actorId");
    assertTrue(actorId.startsWith("actor-"), actorId);
    Set<String> callIds = calls.stream().map(e -> e.getString("callId")).collect(Collectors.toSet());
    assertEquals(2, callIds.size(), callIds.toString());
    for (RecordedEvent call : calls) {
      assertEquals(actorId, call.getString("actorId"));
      assertTrue(call.getString("name").endsWith("add"), call.getString("name"));
      assertTrue(call.getString("callId").startsWith("actor-task-"), call.getString("callId"));
      assertEquals(Double.toString(2.0), resource(call.getString("resources"), "slot"));
      assertEquals("FINISHED", call.getString("outcome"));
      assertFalse(call.getString("worker").isEmpty());
      assertFalse(call.getDuration("runTime").isNegative());
    }
  }
}
