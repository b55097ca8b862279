package io.raylite.internal;

import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.ResourceInfo;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.TaskSummary;
import io.raylite.WorkerInfo;
import io.raylite.internal.actor.ActorCallRun;
import io.raylite.internal.actor.ActorRecord;
import io.raylite.internal.object.Ids;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.ObjectStore;
import io.raylite.internal.task.StateRecorder;
import io.raylite.internal.task.TaskRun;
import io.raylite.internal.task.TaskTable;
import io.raylite.internal.task.TimelineSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/*
 * Implementation overview
 *
 * The state API of one runtime (io.raylite.StateApi): it answers each listing from the runtime's own
 * structures at the moment it is asked, and keeps only what those structures forget.
 *
 * Sources:
 *   tasks    live ones from TaskTable's live list, finished ones from its ring (read in that order,
 *            so a task that ends meanwhile is in one or the other; a task in both shows its
 *            finished row)
 *   actors   the registry's live actors, described under each actor's monitor; dead ones from a
 *            ring of their last rows, filled by ActorRegistry.forget
 *   objects  a map of the entries the object store accounts for (larger than ObjectStore.SMALL_MAX),
 *            filled by ObjectStore.admit and emptied by ObjectStore.release, with who produced each
 *   logs     a ring of the last lines written with RuntimeContext.log
 *   actor calls  the timeline's ring (nothing is kept for them here)
 *
 * Threads: every method may be called from any thread; none takes a lock the runtime's hot paths
 * hold longer than a stripe's link or unlink (TaskTable), the scheduler's lock for the resource
 * figures, or an actor's monitor for its row. An object stored while it is released (a result freed
 * while its task runs) is removed again: the store re-reads the entry's release after objectStored,
 * and a release marks the entry before objectReleased, so one of the two sees the other.
 *
 * Rooms: this class sits in the top room beside LocalRuntime and reads every room below; the rooms
 * below reach it only through task.StateRecorder (and its object.StoreObserver), and keep tasks in
 * the engine's task.TaskTable.
 */
public final class RuntimeState implements StateRecorder {
  private static final int DEAD_ACTORS = 1_000;
  private static final int LOG_LINES = 1_000;

  private final LocalRuntime runtime;
  private final ConcurrentHashMap<ObjectEntry, String> objects = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<DeadActor> deadActors = new AtomicReferenceArray<>(DEAD_ACTORS);
  private final AtomicLong deadCount = new AtomicLong();
  private final AtomicReferenceArray<String> logLines = new AtomicReferenceArray<>(LOG_LINES);
  private final AtomicLong logCount = new AtomicLong();

  /** The last row of an actor that died. */
  private record DeadActor(long seq, ActorInfo info) {}

  /** Reads the runtime's parts only when asked, so it may be made before the runtime's engine. */
  RuntimeState(LocalRuntime runtime) {
    this.runtime = runtime;
  }

  private TaskTable tasks() {
    return runtime.engine.tasks;
  }

  public String runtimeName() {
    return runtime.name;
  }

  /* ---------------- Hooks ---------------- */

  /** An object the store accounts for was stored (a release meanwhile follows it: see StoreObserver). */
  @Override
  public void objectStored(ObjectEntry e) {
    String producer = switch (e.producer) {
      case TaskRun task -> task.taskId();
      case ActorCallRun call -> call.taskId();
      case null, default -> "put by " + caller();
    };
    objects.put(e, producer);
  }

  @Override
  public void objectReleased(ObjectEntry e) {
    objects.remove(e);
  }

  @Override
  public void actorDied(long actorSeq, ActorInfo info) {
    deadActors.lazySet((int) (deadCount.getAndIncrement() % DEAD_ACTORS), new DeadActor(actorSeq, info));
  }

  @Override
  public void logged(String line) {
    logLines.lazySet((int) (logCount.getAndIncrement() % LOG_LINES), line);
  }

  private static String caller() {
    TaskRun task = TaskRun.current();
    if (task != null) {
      return task.taskId();
    }
    ActorCallRun call = ActorCallRun.current();
    return call != null ? call.taskId() : "driver";
  }

  /** Who submits a task from this thread: 0 the driver, a task's id, or minus an actor call's id. */
  static long callerSeq() {
    TaskRun parent = TaskRun.current();
    if (parent != null) {
      return parent.seq();
    }
    ActorCallRun call = ActorCallRun.current();
    return call == null ? 0 : -call.seq();
  }

  /* ---------------- Tasks ---------------- */

  /** A task to show: a live record or a finished event, with its state read once. */
  private record TaskRef(long seq, String name, TaskState state, TaskTable.LiveTask live, TimelineSink.TaskEvent done) {}

  private List<TaskRef> allTasks() {
    TaskTable tasks = tasks();
    if (!tasks.enabled()) {
      throw new IllegalStateException("task tracking is off in runtime '" + runtime.name
          + "': build it with Raylite.builder().finishedTaskCapacity(n) with n >= 1");
    }
    List<TaskTable.LiveTask> live = tasks.liveTasks();
    List<TimelineSink.TaskEvent> done = tasks.finishedTasks();
    Map<Long, TaskRef> byId = new HashMap<>(Math.max(16, (live.size() + done.size()) * 2));
    for (TaskTable.LiveTask t : live) {
      byId.put(t.id(), new TaskRef(t.id(), t.name(), t.state(), t, null));
    }
    for (TimelineSink.TaskEvent e : done) {
      byId.put(e.taskSeq(), new TaskRef(e.taskSeq(), e.name(), TaskTable.outcome(e.outcome()), null, e));
    }
    return new ArrayList<>(byId.values());
  }

  public Listing<TaskInfo> tasks(StateFilter filter, int limit) {
    io.raylite.spi.NodeStates nodes = nodeStates();
    return nodes == null ? localTasks(filter, limit)
        : ClusterListings.tasks(localTasks(filter, Integer.MAX_VALUE), nodes.tasks(filter, limit), limit);
  }

  public List<io.raylite.NodeInfo> nodes() {
    return runtime.nodes();
  }

  /** The state API's rows on a cluster's nodes, or null for a runtime whose tasks run here. */
  private io.raylite.spi.NodeStates nodeStates() {
    return runtime.engine.backend == null ? null : runtime.engine.backend.nodeStates();
  }

  private Listing<TaskInfo> localTasks(StateFilter filter, int limit) {
    TaskState wanted = parse(TaskState.class, filter.state());
    String name = filter.name();
    List<TaskRef> matching = new ArrayList<>();
    for (TaskRef t : allTasks()) {
      if ((wanted == null || t.state == wanted) && (name == null || name.equals(t.name))) {
        matching.add(t);
      }
    }
    matching.sort(Comparator.comparingLong(TaskRef::seq).reversed());
    List<TaskInfo> rows = new ArrayList<>(Math.min(limit, matching.size()));
    for (int i = 0; i < matching.size() && i < limit; i++) {
      rows.add(row(matching.get(i)));
    }
    return new Listing<>(rows, matching.size(), matching.size() > rows.size());
  }

  public Optional<TaskInfo> task(String taskId) {
    for (TaskRef t : allTasks()) {
      if (Ids.task(t.seq).equals(taskId)) {
        return Optional.of(row(t));
      }
    }
    io.raylite.spi.NodeStates nodes = nodeStates();
    return nodes == null ? Optional.empty() : nodes.task(taskId);  // a row a node listed
  }

  /** See {@link io.raylite.StateApi#explain(String)}. */
  public Optional<io.raylite.Explanation> explain(String taskId) {
    return runtime.explainTask(taskId);
  }

  public TaskSummary summary() {
    Map<String, Map<TaskState, Integer>> byName = new TreeMap<>();
    Map<TaskState, Integer> byState = new EnumMap<>(TaskState.class);
    for (TaskRef t : allTasks()) {
      byName.computeIfAbsent(t.name, n -> new EnumMap<>(TaskState.class)).merge(t.state, 1, Integer::sum);
      byState.merge(t.state, 1, Integer::sum);
    }
    return new TaskSummary(byName, byState);
  }

  private TaskInfo row(TaskRef t) {
    TaskTable tasks = tasks();
    String[] names = runtime.scheduler.ledger().names();
    if (t.done != null) {
      TimelineSink.TaskEvent e = t.done;
      return new TaskInfo(Ids.task(e.taskSeq()), e.name(), t.state, e.attempt(),
          e.request().toMap(names), e.startedNanos() == 0 ? null : e.workerLabel(),
          tasks.millis(e.submittedNanos()), tasks.millis(e.startedNanos()), tasks.millis(e.finishedNanos()),
          e.error(), callerName(e.callerSeq()), List.of());
    }
    TaskTable.LiveTask r = t.live;
    boolean started = t.state == TaskState.RUNNING;
    return new TaskInfo(Ids.task(r.id()), r.name(), t.state, r.attempt(), r.request().toMap(names),
        started ? r.workerLabel() : null, tasks.millis(r.submittedNanos()),
        started ? tasks.millis(r.startedNanos()) : 0, 0, null, callerName(r.callerSeq()), waitingFor(r.waitingFor()));
  }

  private static String callerName(long seq) {
    return seq == 0 ? "driver" : seq > 0 ? Ids.task(seq) : Ids.actorCall(-seq);
  }

  private static List<String> waitingFor(Object what) {
    return switch (what) {
      case ObjectEntry e -> List.of(e.idString());
      case io.raylite.internal.task.BlockedGet get -> List.of(get.entry().idString());
      case ObjectEntry[] entries -> Arrays.stream(entries).map(ObjectEntry::idString).toList();
      case null, default -> List.of();
    };
  }

  /** The recent finished calls of an actor, from the timeline's ring (or its node's), newest first. */
  public List<TaskInfo> actorCalls(String actorId, int limit) {
    io.raylite.spi.NodeStates nodes = nodeStates();
    if (nodes != null) {  // an actor on a node (the driver's own are not on any)
      List<TaskInfo> onNodes = nodes.actorCalls(actorId, limit);
      if (!onNodes.isEmpty()) {
        return onNodes;
      }
    }
    return localActorCalls(actorId, limit);
  }

  private List<TaskInfo> localActorCalls(String actorId, int limit) {
    TaskTable tasks = tasks();
    List<TimelineSink.ActorCallEvent> calls = new ArrayList<>();
    for (TimelineSink.Event event : runtime.timeline.snapshot()) {
      if (event instanceof TimelineSink.ActorCallEvent call && !call.construction()
          && Ids.actor(call.actorSeq()).equals(actorId)) {
        calls.add(call);
      }
    }
    calls.sort(Comparator.comparingLong(TimelineSink.ActorCallEvent::callSeq).reversed());
    List<TaskInfo> rows = new ArrayList<>();
    for (int i = 0; i < calls.size() && i < limit; i++) {
      TimelineSink.ActorCallEvent c = calls.get(i);
      rows.add(new TaskInfo(Ids.actorCall(c.callSeq()), c.name(), TaskTable.outcome(c.outcome()), c.attempt(), Map.of(),
          null, tasks.millis(c.submittedNanos()), tasks.millis(c.startedNanos()), tasks.millis(c.finishedNanos()),
          null, "driver", List.of()));
    }
    return rows;
  }

  /* ---------------- Actors ---------------- */

  public Listing<ActorInfo> actors(StateFilter filter, int limit) {
    io.raylite.spi.NodeStates nodes = nodeStates();
    return nodes == null ? localActors(filter, limit)
        : ClusterListings.actors(localActors(filter, Integer.MAX_VALUE), nodes.actors(filter, limit), limit);
  }

  private Listing<ActorInfo> localActors(StateFilter filter, int limit) {
    ActorState wanted = parse(ActorState.class, filter.state());
    String name = filter.name();
    Map<Long, ActorInfo> byId = new HashMap<>();
    for (ActorRecord actor : runtime.actors.liveActors()) {
      byId.put(actor.seq(), actor.describe());
    }
    for (int i = 0; i < DEAD_ACTORS; i++) {
      DeadActor dead = deadActors.get(i);
      if (dead != null) {
        byId.put(dead.seq, dead.info);
      }
    }
    Predicate<ActorInfo> keep = a -> (wanted == null || a.state() == wanted)
        && (name == null || name.equals(a.name()) || name.equals(a.className()));
    List<Map.Entry<Long, ActorInfo>> matching = new ArrayList<>();
    for (Map.Entry<Long, ActorInfo> e : byId.entrySet()) {
      if (keep.test(e.getValue())) {
        matching.add(e);
      }
    }
    matching.sort(Map.Entry.<Long, ActorInfo>comparingByKey().reversed());
    List<ActorInfo> rows = matching.stream().limit(limit).map(Map.Entry::getValue).toList();
    return new Listing<>(rows, matching.size(), matching.size() > rows.size());
  }

  /* ---------------- Objects ---------------- */

  public Listing<ObjectInfo> objects(StateFilter filter, int limit) {
    io.raylite.spi.NodeStates nodes = nodeStates();
    return nodes == null ? localObjects(filter, limit)
        : ClusterListings.objects(localObjects(filter, Integer.MAX_VALUE), nodes.objects(filter, limit), limit);
  }

  private Listing<ObjectInfo> localObjects(StateFilter filter, int limit) {
    ObjectInfo.Location wanted = parse(ObjectInfo.Location.class, filter.state());
    String name = filter.name();
    List<ObjectInfo> matching = new ArrayList<>();
    for (Map.Entry<ObjectEntry, String> o : objects.entrySet()) {
      ObjectEntry e = o.getKey();
      boolean memory = runtime.store.inMemory(e);
      boolean spilled = ObjectStore.spilled(e);
      if (!memory && !spilled) {
        continue;  // released meanwhile
      }
      ObjectInfo.Location where = memory && spilled ? ObjectInfo.Location.MEMORY_AND_SPILLED
          : memory ? ObjectInfo.Location.MEMORY : ObjectInfo.Location.SPILLED;
      if ((wanted == null || where == wanted) && (name == null || name.equals(o.getValue()))) {
        int uses = e.uses();
        int arguments = Math.min(e.argumentUses(), uses);  // two reads: keep the split consistent
        matching.add(new ObjectInfo(e.idString(), e.size(), where, uses, o.getValue(), uses - arguments, arguments));
      }
    }
    matching.sort(Comparator.comparingLong(ObjectInfo::sizeBytes).reversed().thenComparing(ObjectInfo::objectId));
    List<ObjectInfo> rows = matching.subList(0, Math.min(limit, matching.size()));
    return new Listing<>(rows, matching.size(), matching.size() > rows.size());
  }

  /* ---------------- Resources and workers ---------------- */

  public ResourceInfo resources() {
    Map<String, Double> total = runtime.scheduler.ledger().capacityMap();
    Map<String, Double> available = runtime.scheduler.available();
    List<ResourceInfo.Resource> resources = new ArrayList<>();
    for (Map.Entry<String, Double> e : total.entrySet()) {
      double used = Math.max(0, e.getValue() - available.getOrDefault(e.getKey(), e.getValue()));
      resources.add(new ResourceInfo.Resource(e.getKey(), e.getValue(), used));
    }
    double[] gpuUse = runtime.scheduler.gpuUse();
    List<ResourceInfo.Gpu> gpus = new ArrayList<>(gpuUse.length);
    for (int d = 0; d < gpuUse.length; d++) {
      gpus.add(new ResourceInfo.Gpu(d, gpuUse[d]));
    }
    return new ResourceInfo(resources, gpus, runtime.store.stats());
  }

  public List<WorkerInfo> workers() {
    Map<String, List<String>> running = new LinkedHashMap<>();
    for (String label : runtime.engine.workers.poolLabels()) {
      running.put(label, new ArrayList<>());
    }
    TaskTable tasks = tasks();
    List<TaskTable.LiveTask> live = tasks.enabled() ? new ArrayList<>(tasks.liveTasks()) : List.of();
    live.sort(Comparator.comparingLong(TaskTable.LiveTask::id));
    for (TaskTable.LiveTask t : live) {
      String worker = t.workerLabel();
      if (t.state() == TaskState.RUNNING && worker != null) {
        running.computeIfAbsent(worker, w -> new ArrayList<>()).add(Ids.task(t.id()));
      }
    }
    List<WorkerInfo> workers = new ArrayList<>();
    for (Map.Entry<String, List<String>> w : running.entrySet()) {
      workers.add(new WorkerInfo(w.getKey(), w.getKey().startsWith("v"), w.getValue()));
    }
    return workers;
  }

  /* ---------------- Placement groups ---------------- */

  /** Every placement group with its state and bundles, in creation order. */
  public List<io.raylite.PlacementGroupInfo> placementGroups() {
    List<io.raylite.PlacementGroupInfo> rows = new ArrayList<>();
    for (io.raylite.internal.placement.PlacementGroupRecord group : runtime.placementGroups.list()) {
      rows.add(group.describe(runtime.actors.countPlacedIn(group)));
    }
    return rows;
  }

  /* ---------------- Logs ---------------- */

  public List<String> logs(int limit) {
    long end = logCount.get();
    long start = Math.max(0, Math.max(end - LOG_LINES, end - limit));
    List<String> lines = new ArrayList<>();
    for (long i = start; i < end; i++) {
      String line = logLines.get((int) (i % LOG_LINES));
      if (line != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  /* ---------------- Filters ---------------- */

  /** The constant named {@code state}, or null for none; a bad name fails naming the allowed ones. */
  private static <E extends Enum<E>> E parse(Class<E> type, String state) {
    if (state == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(state)) {
        return e;
      }
    }
    throw new IllegalArgumentException("state must be one of " + Arrays.toString(type.getEnumConstants())
        + ", got '" + state + "'");
  }
}
