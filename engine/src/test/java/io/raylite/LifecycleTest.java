package io.raylite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {

  static List<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive).map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
  }

  @Test
  void closeWithTenThousandPendingTasksCancelsThemAndLeavesNoThreads() throws Exception {
    Raylite ray = Raylite.builder().cpus(2).name("closing-runtime").build();
    CountDownLatch running = new CountDownLatch(2);
    CompletableFuture<Void> never = new CompletableFuture<>();
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      refs.add(ray.task(() -> {
        running.countDown();
        never.get();
        return 0;
      }).remote());
    }
    refs.add(ray.task(() -> {
      never.get();
      return 0;
    }).blocking().numCpus(0).remote());
    assertTrue(running.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 10_000; i++) {
      refs.add(ray.task(() -> 1).remote());
    }
    ObjectRef<Integer> dependent = ray.task((Integer x) -> x, refs.get(5000)).remote();
    ray.close();
    assertTrue(ray.isClosed());
    for (ObjectRef<Integer> ref : refs) {
      assertTrue(ref.isReady(), "every pending task was completed by close");
      ExecutionExceptionCheck.assertCancelled(ref);
    }
    ExecutionExceptionCheck.assertCancelled(dependent);
    assertEquals(List.of(), threadsNamed("closing-runtime"));
  }

  @Test
  void everyCallOnAClosedRuntimeFailsClearly(@TempDir Path dir) {
    Raylite ray = Raylite.builder().cpus(1).name("closed-one").build();
    ObjectRef<Integer> ref = ray.put(1);
    ray.close();
    ray.close();  // idempotent
    List<Runnable> calls = List.of(
        () -> ray.put(2),
        () -> ray.get(ref),
        () -> ray.get(List.of(ref)),
        () -> ray.get(ref, Duration.ofSeconds(1)),
        () -> ray.wait(List.of(ref), 1, Duration.ZERO),
        () -> ray.cancel(ref, false),
        () -> ray.task(() -> 1).remote(),
        ray::totalResources,
        () -> {
          try {
            ray.timeline(dir.resolve("t.json"));
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        });
    for (Runnable call : calls) {
      RuntimeClosedException e = assertThrows(RuntimeClosedException.class, call::run);
      assertTrue(e.getMessage().contains("'closed-one' is closed"), e.getMessage());
    }
  }

  @Test
  void closeInterruptsARunningTaskAndJoinsItsThread() throws Exception {
    Raylite ray = Raylite.builder().cpus(1).name("interrupting").build();
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    ObjectRef<Integer> ref = ray.task(() -> {
      running.countDown();
      try {
        new CompletableFuture<Void>().get();
      } catch (InterruptedException e) {
        interrupted.complete(true);
      }
      return 1;
    }).remote();
    assertTrue(running.await(10, TimeUnit.SECONDS));
    ray.close();
    assertTrue(interrupted.isDone() && interrupted.join());
    assertEquals(1, ref.toCompletableFuture().join(), "a task that handles the interrupt keeps its result");
    assertEquals(List.of(), threadsNamed("interrupting"));
  }

  @Test
  void timelineWritesOneEventPerTask(@TempDir Path dir) throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        refs.add(ray.task(() -> 1).name("job \"" + i + "\"").remote());
      }
      ray.get(refs);
      Path file = dir.resolve("timeline.json");
      ray.timeline(file);
      String json = Files.readString(file);
      assertTrue(json.startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":["), json);
      assertTrue(json.strip().matches("(?s).*\n],\"otherData\":\\{\"origin_epoch_us\":\\d+}}"),
          "the events, then the wall-clock time of ts 0: " + json);
      assertEquals(10, json.split("\"ph\":\"X\"", -1).length - 1);
      assertTrue(json.contains("\"name\":\"job \\\"3\\\"\""), "names are escaped");
      assertTrue(json.contains("\"thread_name\""));
      assertTrue(json.contains("\"state\":\"FINISHED\""));
    }
  }

  /** An actor for the timeline test. */
  static final class Adder {
    private int sum;

    int add(int n) {
      sum += n;
      return sum;
    }

    int fail() {
      throw new IllegalStateException("no");
    }
  }

  @Test
  void timelineShowsActorCallsAndTheConstructorOnTheirActorsRow(@TempDir Path dir) throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Adder> adder = ray.actor(Adder::new).name("adder").remote();
      ray.get(adder.task(Adder::add, 1).remote());
      ray.get(adder.task(Adder::add, 2).remote());
      ObjectRef<Integer> failed = adder.task(Adder::fail).remote();
      assertThrows(TaskFailedException.class, () -> ray.get(failed));
      ray.get(ray.task(() -> 1).name("plain").remote());
      Path file = dir.resolve("timeline.json");
      ray.timeline(file);
      List<String> lines = Files.readAllLines(file);

      List<String> calls = lines.stream().filter(l -> l.contains("\"cat\":\"actor_task\"")).toList();
      assertEquals(3, calls.size(), String.join("\n", lines));
      assertEquals(2, calls.stream().filter(l -> l.contains("\"name\":\"LifecycleTest.Adder.add\"")
          && l.contains("\"state\":\"FINISHED\"")).count(), String.join("\n", calls));
      assertEquals(1, calls.stream().filter(l -> l.contains("\"name\":\"LifecycleTest.Adder.fail\"")
          && l.contains("\"state\":\"FAILED\"")).count(), String.join("\n", calls));
      // All on one row, named after the actor, apart from the plain task's worker row.
      Set<String> rows = new HashSet<>();
      for (String call : calls) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"tid\":(\\d+)").matcher(call);
        assertTrue(m.find(), call);
        rows.add(m.group(1));
      }
      assertEquals(1, rows.size(), rows.toString());
      String row = rows.iterator().next();
      // The constructor's run is on the same row, as Ray's actor creation task.
      List<String> creations = lines.stream().filter(l -> l.contains("\"cat\":\"actor_creation_task\"")).toList();
      assertEquals(1, creations.size(), String.join("\n", lines));
      assertTrue(creations.get(0).contains("\"name\":\"LifecycleTest.Adder.new\"")
          && creations.get(0).contains("\"state\":\"FINISHED\"") && creations.get(0).contains("\"tid\":" + row + ","),
          creations.get(0));
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"thread_name\"") && l.contains("\"tid\":" + row + ",")
          && l.contains("\"name\":\"actor adder (")), String.join("\n", lines));
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"name\":\"plain\"") && l.contains("\"cat\":\"task\"")
          && !l.contains("\"tid\":" + row + ",")));
      assertTrue(lines.stream().anyMatch(l -> l.contains("\"thread_name\"") && l.contains("\"name\":\"worker ")));
    }
  }

  /** Reads a ref expected to be cancelled. */
  static final class ExecutionExceptionCheck {
    static void assertCancelled(ObjectRef<?> ref) {
      java.util.concurrent.CompletionException wrapped = assertThrows(
          java.util.concurrent.CompletionException.class, () -> ref.toCompletableFuture().join(), "ref " + ref);
      TaskCancelledException e = assertInstanceOf(TaskCancelledException.class, wrapped.getCause());
      assertTrue(e.getMessage().contains("closed") || e.getMessage().contains("cancelled"), e.getMessage());
    }
  }
}
