package io.raylite.internal;

import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.Explanation;
import io.raylite.Explanation.Reason;
import io.raylite.RayliteException;
import io.raylite.TaskState;
import io.raylite.internal.actor.ActorCallRun;
import io.raylite.internal.actor.ActorCallStanding;
import io.raylite.internal.actor.ActorRecord;
import io.raylite.internal.actor.ActorRegistry;
import io.raylite.internal.object.ObjectEntry;
import io.raylite.internal.object.Producer;
import io.raylite.internal.resource.QueueStanding;
import io.raylite.internal.resource.Scheduler;
import io.raylite.internal.task.BlockedGet;
import io.raylite.internal.task.Engine;
import io.raylite.internal.task.TaskRun;
import io.raylite.internal.task.TaskTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@link Explanation}s: reads the object's producer (a task or an actor call), where it
 * stands (its arguments, the scheduler's queue and ledger, its actor's mailbox, the get it is
 * blocked in), and follows what it waits for, up to {@link Explanation#MAX_DEPTH} links. Reads
 * racily, without stopping anything: an explanation describes a moment, and a link read just
 * before or after a transition only describes a slightly different one.
 */
final class Explainer {
  /** The most holders of a resource named in one explanation. */
  private static final int MAX_HOLDERS = 8;

  private final Engine engine;
  private final ActorRegistry actors;
  private final Set<ObjectEntry> seen = Collections.newSetFromMap(new IdentityHashMap<>());

  private Explainer(Engine engine, ActorRegistry actors) {
    this.engine = engine;
    this.actors = actors;
  }

  static Explanation explain(Engine engine, ActorRegistry actors, ObjectEntry entry) {
    return new Explainer(engine, actors).explain(entry, 0);
  }

  private Explanation explain(ObjectEntry entry, int depth) {
    String id = entry.idString();
    Producer producer = entry.producer;
    if (entry.isDone()) {
      return finished(id, entry);
    }
    if (depth >= Explanation.MAX_DEPTH) {
      return new Explanation(id, Reason.NOT_FOLLOWED, null, "not followed: the chain is longer than "
          + Explanation.MAX_DEPTH + " links", List.of());
    }
    if (!seen.add(entry)) {
      return new Explanation(id, Reason.NOT_FOLLOWED, null, "explained above: the chain loops back here", List.of());
    }
    return switch (producer) {
      case TaskRun task -> task(id, task, depth);
      case ActorCallRun call -> call(id, call, depth);
      // Done meanwhile (a put, or a result that arrived from elsewhere): say so, not "loops back".
      case null -> entry.isDone() ? finished(id, entry)
          : new Explanation(id, Reason.RUNNING, null, "not ready; produced elsewhere", List.of());
      default -> new Explanation(id, Reason.RUNNING, producer.toString(), "not ready; produced by "
          + producer, List.of());
    };
  }

  /* ---------------- Tasks ---------------- */

  /** A finished object: ready, or failed with its exception. */
  private static Explanation finished(String id, ObjectEntry entry) {
    if (entry.ready.isCompletedExceptionally()) {
      RayliteException failure = entry.failure();
      return new Explanation(id, Reason.FAILED, null, "failed: " + failure.getClass().getSimpleName() + ": "
          + failure.getMessage(), List.of());
    }
    return new Explanation(id, Reason.READY, null, "ready", List.of());
  }

  private Explanation task(String id, TaskRun task, int depth) {
    String who = task.describe();
    TaskState state = task.taskState();
    return switch (state) {
      case PENDING_ARGS_AVAIL -> {
        List<ObjectEntry> unready = task.unreadyArguments();
        List<Explanation> blockers = new ArrayList<>(unready.size());
        List<String> ids = new ArrayList<>(unready.size());
        for (ObjectEntry argument : unready) {
          ids.add(argument.idString());
          blockers.add(explain(argument, depth + 1));
        }
        yield new Explanation(id, Reason.WAITING_FOR_ARGUMENTS, who, who + " waits for "
            + (ids.size() == 1 ? "its argument " : ids.size() + " of its arguments: ") + String.join(", ", ids),
            blockers);
      }
      case PENDING_NODE_ASSIGNMENT -> resources(id, task);
      case SUBMITTED_TO_WORKER -> new Explanation(id, Reason.STARTING, who, who
          + " has its resources and is about to start on a worker", List.of());
      case RUNNING -> running(id, who, "is RUNNING for " + since(task.startedNanos()) + " on worker "
          + task.workerLabel(), task.blockedGet(), depth);
      default -> explain(task.result, depth);  // ended just now
    };
  }

  private Explanation resources(String id, TaskRun task) {
    String who = task.describe();
    Scheduler<TaskRun> scheduler = task.scheduler();  // a placement-group bundle's has its own ledger
    QueueStanding standing = scheduler.standing(task);
    String[] names = scheduler.ledger().names();
    Map<String, Double> asked = task.request().toMap(names);
    StringBuilder detail = new StringBuilder(who).append(" waits for resources: ").append(amounts(asked));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Double> e : asked.entrySet()) {
      double free = standing.available().getOrDefault(e.getKey(), 0.0);
      if (e.getValue() > 0 && (e.getValue() > free + 1e-9 || e.getKey().equals(io.raylite.Resources.GPU))) {
        missing.add(e.getKey());
      }
    }
    detail.append("; free now: ").append(amounts(standing.available()));
    double[] gpuFree = standing.gpuFree();
    if (asked.getOrDefault(io.raylite.Resources.GPU, 0.0) > 0 && gpuFree.length > 0) {
      detail.append("; GPU devices free: ");
      for (int d = 0; d < gpuFree.length; d++) {
        detail.append(d == 0 ? "" : ", ").append("device ").append(d).append(" at ").append(number(gpuFree[d]));
      }
    }
    List<String> holders = holders(missing, names, task);
    if (!holders.isEmpty()) {
      detail.append("; ").append(String.join(", ", missing)).append(" held by ").append(String.join(", ", holders));
    }
    if (standing.ahead() > 0) {
      detail.append("; queued behind ").append(standing.ahead()).append(standing.ahead() == 1 ? " task" : " tasks")
          .append(" of the same shape");
    }
    if (standing.reclaimers() > 0) {
      detail.append("; ").append(standing.reclaimers()).append(" blocked tasks take their CPUs back first");
    }
    return new Explanation(id, Reason.WAITING_FOR_RESOURCES, who, detail.toString(), List.of());
  }

  /** The running tasks and live actors that hold some of {@code resources}, named. */
  private List<String> holders(List<String> resources, String[] names, TaskRun self) {
    List<String> holders = new ArrayList<>();
    int more = 0;
    if (resources.isEmpty()) {
      return holders;
    }
    for (TaskTable.LiveTask t : engine.tasks.liveTasks()) {
      if ((t.state() == TaskState.RUNNING || t.state() == TaskState.SUBMITTED_TO_WORKER) && t.id() != self.seq()
          && holdsAny(t.request().toMap(names), resources)) {
        if (holders.size() < MAX_HOLDERS) {
          holders.add("task '" + t.name() + "' (" + io.raylite.internal.object.Ids.task(t.id()) + ")");
        } else {
          more++;
        }
      }
    }
    for (ActorRecord actor : actors.liveActors()) {
      ActorInfo info = actor.describe();
      if (info.state() != ActorState.DEAD && info.state() != ActorState.PENDING_CREATION
          && holdsAny(info.resources(), resources)) {
        if (holders.size() < MAX_HOLDERS) {
          holders.add("actor '" + actor.displayName() + "' (" + info.actorId() + ")");
        } else {
          more++;
        }
      }
    }
    if (more > 0) {
      holders.add(more + " more");
    }
    return holders;
  }

  private static boolean holdsAny(Map<String, Double> held, List<String> resources) {
    for (String r : resources) {
      if (held.getOrDefault(r, 0.0) > 0) {
        return true;
      }
    }
    return false;
  }

  /* ---------------- Actor calls ---------------- */

  private Explanation call(String id, ActorCallRun call, int depth) {
    String who = call.describe();
    ActorCallStanding standing = call.standing();
    if (standing.running()) {
      return running(id, who, "is RUNNING for " + since(call.startedNanos()), call.blockedGet(), depth);
    }
    return switch (standing.actorState()) {
      case PENDING_CREATION -> new Explanation(id, Reason.ACTOR_NOT_READY, who, who + " waits for "
          + standing.actor() + (standing.restarts() > 0
              ? ", which is restarting (restart " + standing.restarts() + ": its constructor runs again)"
              : " to be created (its constructor's arguments, resources or run)"), List.of());
      case RESTARTING -> new Explanation(id, Reason.ACTOR_NOT_READY, who, who + " waits for " + standing.actor()
          + ", which is restarting (restart " + standing.restarts() + ": its running calls end first)", List.of());
      case DEAD -> explainDone(call, depth, who + " cannot run: " + standing.actor() + " is dead");
      case ALIVE -> {
        List<Explanation> blockers = new ArrayList<>();
        StringBuilder running = new StringBuilder();
        for (ActorCallRun r : standing.groupRunning()) {
          running.append(running.isEmpty() ? "" : ", ").append("'").append(r.taskName()).append("' (")
              .append(r.taskId()).append(")");
          blockers.add(explain(r.result(), depth + 1));
        }
        String detail = who + " is queued behind " + standing.ahead() + (standing.ahead() == 1 ? " call" : " calls")
            + " on " + standing.actor() + ", which runs " + standing.limit() + " at a time"
            + (running.isEmpty() ? "" : "; running now: " + running);
        yield new Explanation(id, Reason.ACTOR_CALL_QUEUED, who, detail, blockers);
      }
    };
  }

  private Explanation explainDone(ActorCallRun call, int depth, String otherwise) {
    ObjectEntry result = call.result();
    if (result.isDone()) {
      seen.remove(result);
      return explain(result, depth);
    }
    return new Explanation(result.idString(), Reason.FAILED, call.describe(), otherwise, List.of());
  }

  /* ---------------- Shared ---------------- */

  private Explanation running(String id, String who, String how, BlockedGet get, int depth) {
    if (get == null) {
      return new Explanation(id, Reason.RUNNING, who, who + " " + how, List.of());
    }
    ObjectEntry waited = get.entry();
    return new Explanation(id, Reason.BLOCKED_IN_GET, who, who + " " + how + ", blocked in get of object "
        + waited.idString(), List.of(explain(waited, depth + 1)));
  }

  private static String since(long startedNanos) {
    if (startedNanos == 0) {
      return "a moment";
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    return millis < 10_000 ? millis + " ms" : millis / 1000 + " s";
  }

  private static String amounts(Map<String, Double> amounts) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Double> e : amounts.entrySet()) {
      if (e.getValue() != 0 || e.getKey().equals(io.raylite.Resources.CPU)) {
        out.append(out.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(number(e.getValue()));
      }
    }
    return out.toString();
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.4g", value).replaceAll("0+$", "");
  }
}
