package io.raylite.gpu;

import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes the GpuContexts a task leaves open when the task ends, and those an actor keeps across
 * calls when the actor dies.
 *
 * <pre>
 * Implementation overview
 *
 * One Scope per running task, or per actor instance, holds the GpuContexts opened in it and not
 * closed yet. It is created by the first open inside that task or actor and registered once with
 * RuntimeContext.onEnd, which the engine runs when the task ends or when the actor's instance is
 * dropped (death or restart). A context removes itself from its scope when closed, so an actor
 * that opens and closes a context per call keeps its scope's set small and registers only once.
 *
 * Scopes are found through {@code SCOPES}, keyed by the runtime and the task id (for a task) or
 * the actor id (for an actor); the end action removes the key. A scope's set is touched by the
 * thread running the task, or by the actor's calls (several at once for a threaded actor) and
 * the engine's end action, which runs when no call does: the set is synchronized.
 *
 * A task that leaves a context open gets one warning per task name on the io.raylite.gpu
 * System.Logger, so a leak repeated by thousands of tasks is reported without flooding the log.
 * An actor keeping its context is the intended use and is not reported.
 * </pre>
 */
final class TaskScopes {
  private static final System.Logger LOG = System.getLogger("io.raylite.gpu");

  private record Key(Raylite runtime, String id) {}

  private static final Map<Key, Scope> SCOPES = new ConcurrentHashMap<>();
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private TaskScopes() {}

  /** The scope of the running task or actor, or null outside one. */
  static Scope current() {
    Optional<RuntimeContext> running = Raylite.contextIfRunning();
    if (running.isEmpty()) {
      return null;
    }
    RuntimeContext context = running.get();
    Optional<String> actor = context.actorId();
    Key key = new Key(context.runtime(), actor.orElse(context.taskId()));
    Scope scope = SCOPES.get(key);
    if (scope == null) {
      // Only this task's thread, or this actor's calls, use the key; a threaded actor's calls may
      // race here, and computeIfAbsent makes one of them register.
      scope = SCOPES.computeIfAbsent(key, k -> new Scope(k, context.taskName(), actor.isPresent()));
      if (!scope.registered) {
        synchronized (scope) {
          if (!scope.registered) {
            scope.registered = true;
            Scope s = scope;
            context.onEnd(() -> s.end());
          }
        }
      }
    }
    return scope;
  }

  /** The contexts opened in one task or actor instance and still open. */
  static final class Scope {
    private final Key key;
    private final String taskName;
    private final boolean actor;
    private final Set<GpuContext> open = new LinkedHashSet<>();
    /** Guarded by this. */
    private boolean registered;

    private Scope(Key key, String taskName, boolean actor) {
      this.key = key;
      this.taskName = taskName;
      this.actor = actor;
    }

    synchronized void add(GpuContext context) {
      open.add(context);
    }

    synchronized void remove(GpuContext context) {
      open.remove(context);
    }

    private void end() {
      SCOPES.remove(key, this);
      List<GpuContext> left;
      synchronized (this) {
        left = List.copyOf(open);
        open.clear();
      }
      if (left.isEmpty()) {
        return;
      }
      if (!actor && WARNED.add(taskName)) {
        LOG.log(Level.WARNING, "task '" + taskName + "' (" + key.id() + ") returned with "
            + left.size() + " GpuContext(s) open: " + left + ". They are closed now that it has"
            + " ended; close them in the task (try-with-resources) to free the device sooner."
            + " Reported once per task name.");
      }
      RuntimeException failure = null;
      for (GpuContext context : left) {
        try {
          context.close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;  // the engine logs it, naming the task or actor
      }
    }
  }
}
