package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state API: each listing against what the runtime holds, filters, limits and the ring. */
@Timeout(60)
class StateApiTest {

  /** A task body that says it started and runs until released. */
  static int hold(CountDownLatch started, CompletableFuture<Void> release) throws Exception {
    started.countDown();
    release.get();
    return 1;
  }

  static int fail(String message) {
    throw new IllegalStateException(message);
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out waiting for a task to start");
  }

  static TaskInfo only(Listing<TaskInfo> listing) {
    assertEquals(1, listing.rows().size(), () -> "expected one row, got " + listing.rows());
    return listing.rows().get(0);
  }

  @Test
  void runningTask_isListedRunning_withItsWorkerAndResources() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> ref = ray.task(StateApiTest::hold, started, release).name("holder").remote();
      await(started);
      TaskInfo task = only(ray.state().tasks(StateFilter.name("holder"), 10));
      assertEquals(TaskState.RUNNING, task.state());
      assertNotNull(task.worker());
      assertEquals(1.0, task.resources().get(Resources.CPU));
      assertEquals("driver", task.caller());
      assertTrue(task.startedMillis() >= task.submittedMillis() && task.submittedMillis() > 0);
      assertEquals(0, task.endedMillis());
      release.complete(null);
      ray.get(ref);
    }
  }

  @Test
  void taskWaitingForAnArgument_isPendingArgsAvail() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> first = ray.task(StateApiTest::hold, started, release).remote();
      ObjectRef<Integer> second = ray.task((Integer x) -> x + 1, first).name("dependent").remote();
      assertEquals(TaskState.PENDING_ARGS_AVAIL, only(ray.state().tasks(StateFilter.name("dependent"), 10)).state());
      release.complete(null);
      assertEquals(2, ray.get(second));
    }
  }

  @Test
  void taskWaitingForResources_isPendingNodeAssignment() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).resource("slot", 1).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> holder = ray.task(StateApiTest::hold, started, release).resource("slot", 1).remote();
      await(started);
      ObjectRef<Integer> queued = ray.task(() -> 2).resource("slot", 1).name("queued").remote();
      assertEquals(TaskState.PENDING_NODE_ASSIGNMENT, only(ray.state().tasks(StateFilter.name("queued"), 10)).state());
      release.complete(null);
      assertEquals(1, ray.get(holder));
      assertEquals(2, ray.get(queued));
    }
  }

  @Test
  void taskBlockedInGet_isRunning_andNamesTheObjectItWaitsFor() throws Exception {
    // One CPU: the probe task starts only once the parent has lent its CPU, i.e. is blocked in get.
    try (Raylite ray = Raylite.builder().cpus(1).resource("slot", 1).build()) {
      CountDownLatch holderStarted = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> holder = ray.task(StateApiTest::hold, holderStarted, release)
          .numCpus(0).resource("slot", 1).remote();
      await(holderStarted);
      CompletableFuture<String> childId = new CompletableFuture<>();
      ObjectRef<Integer> parent = ray.task(() -> {
        ObjectRef<Integer> child = Raylite.current().task(() -> 5).resource("slot", 1).remote();
        childId.complete(child.id());
        return Raylite.current().get(child);
      }).name("parent").remote();
      CountDownLatch probeStarted = new CountDownLatch(1);
      ObjectRef<Integer> probe = ray.task(() -> {
        probeStarted.countDown();
        return 0;
      }).remote();
      await(probeStarted);
      TaskInfo row = only(ray.state().tasks(StateFilter.name("parent"), 10));
      assertEquals(TaskState.RUNNING, row.state());
      assertEquals(List.of(childId.get()), row.waitingFor());
      release.complete(null);
      assertEquals(5, ray.get(parent));
      ray.get(List.of(holder, probe));
    }
  }

  @Test
  void childTask_namesItsParentAsCaller() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ObjectRef<String> parent = ray.task(() -> {
        Raylite.current().get(Raylite.current().task(() -> 1).name("child").remote());
        return Raylite.context().taskId();
      }).remote();
      String parentId = ray.get(parent);
      assertEquals(parentId, only(ray.state().tasks(StateFilter.name("child"), 10)).caller());
    }
  }

  @Test
  void finishedTasks_areListedFinished_withTheirTimes() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ray.get(ray.task(() -> 1).name("quick").remote());
      TaskInfo row = only(ray.state().tasks(StateFilter.name("quick"), 10));
      assertEquals(TaskState.FINISHED, row.state());
      assertTrue(row.endedMillis() >= row.startedMillis() && row.startedMillis() > 0);
      assertNull(row.error());
      assertEquals(row, ray.state().task(row.taskId()).orElseThrow());
    }
  }

  @Test
  void failedTask_showsItsOriginalExceptionAndStackTrace() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ObjectRef<Integer> ref = ray.task(StateApiTest::fail, "boom").name("broken").remote();
      assertThrows(TaskFailedException.class, () -> ray.get(ref));
      TaskInfo row = only(ray.state().tasks(StateFilter.state("FAILED"), 10));
      assertEquals("broken", row.name());
      assertEquals("java.lang.IllegalStateException: boom", row.errorSummary());
      assertTrue(row.error().contains("\tat "), row.error());
    }
  }

  @Test
  void cancelledTask_isListedCancelled_withTheReason() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> holder = ray.task(StateApiTest::hold, started, release).remote();
      await(started);
      ObjectRef<Integer> queued = ray.task(() -> 1).name("never").remote();
      assertTrue(ray.cancel(queued, false));
      TaskInfo row = only(ray.state().tasks(StateFilter.name("never"), 10));
      assertEquals(TaskState.CANCELLED, row.state());
      assertTrue(row.error().contains("cancelled"), row.error());
      release.complete(null);
      ray.get(holder);
    }
  }

  @Test
  void filterAppliesBeforeLimit_soTheRunningTaskIsFoundAmongManyFinished() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      List<ObjectRef<Integer>> done = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        done.add(ray.task(() -> 1).name("many").remote());
      }
      ray.get(done);
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> running = ray.task(StateApiTest::hold, started, release).name("slow").remote();
      await(started);
      Listing<TaskInfo> runningOnly = ray.state().tasks(StateFilter.state("RUNNING"), 1);
      assertEquals("slow", only(runningOnly).name());
      assertEquals(1, runningOnly.total());
      assertFalse(runningOnly.truncated());
      Listing<TaskInfo> finished = ray.state().tasks(StateFilter.state("FINISHED").withName("many"), 10);
      assertEquals(10, finished.rows().size());
      assertEquals(500, finished.total());
      assertTrue(finished.truncated());
      release.complete(null);
      ray.get(running);
    }
  }

  @Test
  void finishedRing_keepsOnlyTheMostRecentTasks() {
    try (Raylite ray = Raylite.builder().cpus(2).finishedTaskCapacity(50).build()) {
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        refs.add(ray.task(() -> 1).remote());
      }
      ray.get(refs);
      Listing<TaskInfo> all = ray.state().tasks(StateFilter.ALL, 1_000);
      assertEquals(50, all.total());
      assertFalse(all.truncated());
    }
  }

  @Test
  void tasksAreListedNewestFirst() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ray.get(ray.task(() -> 1).name("older").remote());
      ray.get(ray.task(() -> 1).name("newer").remote());
      List<TaskInfo> rows = ray.state().tasks().rows();
      assertEquals(List.of("newer", "older"), rows.stream().map(TaskInfo::name).toList());
    }
  }

  @Test
  void unknownState_failsNamingTheAllowedStates() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.state().tasks(StateFilter.state("SLEEPING"), 10));
      assertTrue(e.getMessage().contains("PENDING_NODE_ASSIGNMENT") && e.getMessage().contains("'SLEEPING'"),
          e.getMessage());
    }
  }

  @Test
  void limitBelowOne_fails() {
    try (Raylite ray = Raylite.builder().cpus(1).build()) {
      assertThrows(IllegalArgumentException.class, () -> ray.state().tasks(StateFilter.ALL, 0));
    }
  }

  @Test
  void summary_countsTasksByNameAndState() {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      List<ObjectRef<Integer>> refs = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        refs.add(ray.task(() -> 1).name("ok").remote());
      }
      ray.get(refs);
      ObjectRef<Integer> bad = ray.task(StateApiTest::fail, "no").name("bad").remote();
      assertThrows(TaskFailedException.class, () -> ray.get(bad));
      TaskSummary summary = ray.state().summary();
      assertEquals(Map.of(TaskState.FINISHED, 7), summary.byName().get("ok"));
      assertEquals(Map.of(TaskState.FAILED, 1), summary.byName().get("bad"));
      assertEquals(Map.of(TaskState.FINISHED, 7, TaskState.FAILED, 1), summary.byState());
    }
  }

  @Test
  void trackingOff_taskListingsFailSayingHowToTurnItOn() {
    try (Raylite ray = Raylite.builder().cpus(1).finishedTaskCapacity(0).build()) {
      ray.get(ray.task(() -> 1).remote());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> ray.state().tasks());
      assertTrue(e.getMessage().contains("finishedTaskCapacity"), e.getMessage());
    }
  }

  static final class Box {
    int calls;

    Box() {}

    int hold(CountDownLatch started, CompletableFuture<Void> release) throws Exception {
      calls++;
      started.countDown();
      release.get();
      return calls;
    }

    int add(int n) {
      calls += n;
      return calls;
    }
  }

  @Test
  void actors_showStatePendingCallsAndResources_andStayListedWhenDead() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      ActorHandle<Box> box = ray.actor(Box::new).name("box").numCpus(1).remote();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> first = box.task(Box::hold, started, release).remote();
      await(started);
      ObjectRef<Integer> second = box.task(Box::add, 1).remote();
      ActorInfo alive = ray.state().actors(StateFilter.name("box"), 10).rows().get(0);
      assertEquals(ActorState.ALIVE, alive.state());
      assertEquals(box.id(), alive.actorId());
      assertEquals(2, alive.pendingCalls());
      assertEquals(1.0, alive.resources().get(Resources.CPU));
      assertTrue(alive.className().endsWith("Box"), alive.className());
      release.complete(null);
      assertEquals(2, ray.get(second));
      ray.get(first);
      assertEquals(2, ray.state().actorCalls(box.id(), 10).size());
      ray.kill(box);
      ActorInfo dead = ray.state().actors(StateFilter.state("DEAD"), 10).rows().get(0);
      assertEquals(box.id(), dead.actorId());
      assertNotNull(dead.deathCause());
      assertEquals(0, ray.state().actors(StateFilter.state("ALIVE"), 10).total());
    }
  }

  @Test
  void objects_showSizeReferencesProducerAndLocation(@TempDir Path spill) {
    try (Raylite ray = Raylite.builder().cpus(2).objectStoreMemory(100_000).spillDirectory(spill).build()) {
      ObjectRef<byte[]> put = ray.put(new byte[10_000]);
      ObjectRef<byte[]> made = ray.task(() -> new byte[20_000]).name("maker").remote();
      ray.get(made);
      ObjectRef<Integer> small = ray.put(7);
      Listing<ObjectInfo> objects = ray.state().objects();
      assertEquals(2, objects.total(), () -> "small objects are not in the store: " + objects.rows());
      ObjectInfo largest = objects.rows().get(0);
      assertEquals(made.id(), largest.objectId());
      assertTrue(largest.sizeBytes() >= 20_000, "size " + largest.sizeBytes());
      assertEquals(only(ray.state().tasks(StateFilter.name("maker"), 1)).taskId(), largest.producer());
      assertEquals(ObjectInfo.Location.MEMORY, largest.location());
      assertEquals(1, largest.references());
      ObjectInfo putRow = objects.rows().get(1);
      assertEquals(put.id(), putRow.objectId());
      assertEquals("put by driver", putRow.producer());
      assertEquals(7, ray.get(small));
    }
  }

  @Test
  void objects_spilledPastTheCapacity_areListedSpilled(@TempDir Path spill) {
    try (Raylite ray = Raylite.builder().cpus(1).objectStoreMemory(50_000).spillDirectory(spill).build()) {
      List<ObjectRef<byte[]>> refs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        refs.add(ray.put(new byte[20_000]));
      }
      Listing<ObjectInfo> spilled = ray.state().objects(StateFilter.state("SPILLED"), 10);
      assertEquals(ray.objectStoreStats().objectsSpilled(), spilled.total());
      assertTrue(spilled.total() >= 2, "spilled " + spilled.rows());
      assertEquals(4, ray.state().objects().total());
      assertEquals(4, refs.size());
    }
  }

  @Test
  void resources_showWhatRunningTasksHold_perResourceAndPerGpu() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(4).gpus(2).resource("slot", 3).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> ref = ray.task(StateApiTest::hold, started, release)
          .numCpus(2).numGpus(0.5).resource("slot", 1).remote();
      await(started);
      ResourceInfo now = ray.state().resources();
      Map<String, ResourceInfo.Resource> byName = new java.util.HashMap<>();
      now.resources().forEach(r -> byName.put(r.name(), r));
      assertEquals(new ResourceInfo.Resource(Resources.CPU, 4, 2), byName.get(Resources.CPU));
      assertEquals(new ResourceInfo.Resource(Resources.GPU, 2, 0.5), byName.get(Resources.GPU));
      assertEquals(new ResourceInfo.Resource("slot", 3, 1), byName.get("slot"));
      assertEquals(0.5, now.gpus().stream().mapToDouble(ResourceInfo.Gpu::used).sum());
      assertEquals(2, now.gpus().size());
      release.complete(null);
      ray.get(ref);
      assertEquals(0, ray.state().resources().resources().get(0).used());
    }
  }

  @Test
  void workers_showWhatEachRuns() throws Exception {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> release = new CompletableFuture<>();
      ObjectRef<Integer> ref = ray.task(StateApiTest::hold, started, release).name("busy").remote();
      await(started);
      TaskInfo busy = only(ray.state().tasks(StateFilter.name("busy"), 1));
      List<WorkerInfo> workers = ray.state().workers();
      WorkerInfo running = workers.stream().filter(w -> w.worker().equals(busy.worker())).findFirst().orElseThrow();
      assertEquals(List.of(busy.taskId()), running.running());
      assertFalse(running.virtual());
      release.complete(null);
      ray.get(ref);
    }
  }

  @Test
  void logs_keepTheLinesWithTheirTaskPrefix() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Raylite ray = Raylite.builder().cpus(1).logStream(out).build()) {
      ray.get(ray.task(() -> {
        Raylite.context().log("hello %d", 42);
        return 1;
      }).name("talker").remote());
      List<String> logs = ray.state().logs(10);
      assertEquals(1, logs.size());
      assertTrue(logs.get(0).startsWith("(talker worker=") && logs.get(0).endsWith(") hello 42"), logs.get(0));
    }
  }

  @Test
  void state_afterClose_throws() {
    Raylite ray = Raylite.builder().cpus(1).build();
    ray.close();
    assertThrows(RuntimeClosedException.class, ray::state);
  }
}
