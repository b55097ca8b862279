package io.raylite.spi;

import io.raylite.NodeInfo;
import io.raylite.function.RayFunc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a runtime runs its tasks when they do not simply run on its own workers: on the nodes of a
 * cluster (see {@link ClusterProvider}), or on its own workers through a serialization codec
 * ({@code Raylite.Builder.serializeArguments}). The runtime keeps its refs, waiting, cancellation,
 * retries and resource ledger; the backend moves each task's function, arguments and result.
 *
 * <p>Implementations are thread-safe: any worker may call {@link #execute} while others do.
 */
public interface TaskBackend extends AutoCloseable {

  /** One line for the runtime's start-up log: where tasks run and with which codec. */
  String description();

  /**
   * The resources the runtime's ledger offers, by name ({@code CPU}, {@code GPU}, {@code memory}
   * and custom ones); for a cluster, the sum of its nodes'. Empty to keep the builder's.
   */
  Map<String, Double> totalResources();

  /**
   * Checks a task at submission, on the caller's thread, and returns the arguments to keep for
   * {@link #execute}. Arguments whose bit is set in {@code refMask} are refs, left as they are.
   *
   * @throws IllegalArgumentException naming the argument and its class if one cannot be sent, or
   *     if the function captures a value that cannot be sent
   * @throws io.raylite.InfeasibleResourceException if no single node could ever run the task
   */
  Object[] prepare(RayFunc function, String taskName, Map<String, Double> resources, Object[] args, int refMask);

  /**
   * Runs one attempt of a task whose arguments are ready and whose resources the runtime holds,
   * and returns its result as it is to be stored (possibly a {@link RemoteValue}). Blocks the
   * calling worker until the result is known.
   *
   * @throws io.raylite.NodeDiedException if the node running it died (the runtime then retries it
   *     within its {@code maxRetries}, whatever {@code retryExceptions} says)
   * @throws Exception the task's own exception, as the function threw it
   */
  Object execute(RayFunc function, Object[] args, TaskInfo task) throws Exception;

  /**
   * Whether this backend places tasks on nodes that do their own resource accounting and queue
   * what does not fit yet (a cluster). Then the runtime holds no resources of its own for a task:
   * it checks the request with {@link #prepare}, hands the task over with {@link #submit} as soon
   * as its arguments are ready, and takes {@link #totalResources} and {@link #availableResources}
   * from the backend. Otherwise it calls {@link #execute} on a worker that holds the resources.
   */
  default boolean placesTasks() {
    return false;
  }

  /**
   * Hands one attempt of a task whose arguments are ready to a node, without blocking the caller,
   * for a backend that {@link #placesTasks}. The stage completes with the result as it is to be
   * stored (possibly a {@link RemoteValue}), or with the failure {@link #execute} would throw;
   * it completes on a thread of the backend's, never on the caller's.
   */
  default CompletionStage<Object> submit(RayFunc function, Object[] args, TaskInfo task) {
    throw new UnsupportedOperationException(description() + " runs tasks with execute()");
  }

  /**
   * Cancels an attempt that {@link #submit} returned and that has not completed: the node running
   * or queueing it cancels it in its own runtime (interrupting it if {@code force}), and the
   * attempt then completes with a {@link io.raylite.TaskCancelledException}, or with its result if
   * it ended first. Returns at once; does nothing for an attempt already done.
   */
  default void cancel(CompletionStage<Object> attempt, boolean force) {}

  /**
   * Cancels the attempt {@code task} names while its {@link #submit} has not returned (the caller
   * has no stage to pass to {@link #cancel} yet), in the order of this runtime's other cancels: an
   * attempt not sent yet is never sent, and one already sent is cancelled as {@link #cancel} would.
   * Returns at once. By default nothing is done here, and the caller cancels the stage once submit
   * returns it.
   */
  default void cancelWhilePlaced(TaskInfo task, boolean force) {}

  /**
   * What the nodes have not been given yet, by name, for a backend that {@link #placesTasks}:
   * each node's capacity less what runs or waits there for this runtime, summed.
   */
  default Map<String, Double> availableResources() {
    return totalResources();
  }

  /** The nodes tasks may run on. */
  List<NodeInfo> nodes();

  /**
   * Writes the timeline of the nodes' runs for {@code Raylite.timeline} (Chrome trace-event JSON,
   * one process per node), and returns true; false (the default) to write the runtime's own.
   *
   * @throws java.io.IOException if the file cannot be written or a node's timeline cannot be read
   */
  default boolean writeTimeline(java.nio.file.Path file) throws java.io.IOException {
    return false;
  }

  /** The state API's rows on the nodes, for a backend whose tasks run there; null (the default) if none. */
  default NodeStates nodeStates() {
    return null;
  }

  /** Whether actors may be created on this runtime. */
  boolean supportsActors();

  /**
   * Where the runtime's actors live when they live on the nodes of a cluster; null (the default)
   * when they live in the runtime itself.
   */
  default ActorBackend actors() {
    return null;
  }

  /**
   * A streaming generator for a backend that runs tasks elsewhere: the function to submit in place
   * of {@code generator}, which runs it where the task runs and sends each value it yields to
   * {@code items} (its index from 0, and the value as it is to be stored, possibly a
   * {@link RemoteValue}), in order, each before the task's result arrives; or null (the default)
   * if this backend cannot stream values.
   *
   * @throws IllegalArgumentException if {@code generator} returns void
   */
  default Streaming streaming(RayFunc generator, Items items) {
    return null;
  }

  /** Where a streaming generator's values go as they arrive; see {@link #streaming}. */
  @FunctionalInterface
  interface Items {
    /** Value {@code index} (from 0) arrived, as it is to be stored. */
    void arrived(int index, Object stored);
  }

  /** One streaming generator task, as {@link #streaming} set it up. */
  interface Streaming {
    /** The function to submit in place of the generator. */
    RayFunc function();

    /** The task ended (its result, or its last failure, is known): no value comes any more. */
    void ended();
  }

  /**
   * Where the runtime's placement groups reserve their bundles when they reserve them on the nodes
   * of a cluster; null (the default) when they reserve them in the runtime itself.
   */
  default PlacementGroupBackend placementGroups() {
    return null;
  }

  /**
   * What a ref of this runtime is written as when it leaves the JVM inside a value (a task's
   * result, or a field of an argument): a serializable stand-in that reads back as a ref on the JVM
   * that reads it, whose owner stays this runtime.
   *
   * @throws java.io.NotSerializableException if refs of this runtime cannot leave it (the default)
   */
  default Object exportRef(io.raylite.ObjectRef<?> ref) throws java.io.NotSerializableException {
    throw new java.io.NotSerializableException("io.raylite.ObjectRef " + ref.id() + ": the refs of a runtime on "
        + description() + " cannot leave its JVM inside a value; pass the ref itself as a task argument");
  }

  /** Disconnects; tasks still running elsewhere are abandoned. */
  @Override
  void close();

  /**
   * A stored value that lives elsewhere (on the node that produced it) and is fetched when read.
   * The runtime calls {@link #fetch} for {@code get}; a backend passes it on as a task argument so
   * the node that runs the task fetches it.
   */
  interface RemoteValue {
    /**
     * Fetches the value from its owner.
     *
     * @throws io.raylite.ObjectLostException naming the owner if it is gone
     */
    Object fetch();

    /** {@code free()} released the object here: the owner drops it too, before this returns. */
    void free();

    /**
     * The loss of the value if its owner is known to be gone (the runtime then rebuilds it from its
     * lineage before handing it to a task), else null.
     */
    default io.raylite.ObjectLostException lost() {
      return null;
    }
  }

  /**
   * What a backend knows of the task it runs.
   *
   * @param taskId the task id in the submitting runtime
   * @param name the task name
   * @param resources what the task holds while it runs, by name
   * @param attempt 0 for the first run
   * @param priority the task's {@code .priority(int)}: the node queues it with that priority
   * @param placementGroupId the id of the {@link PlacementGroupBackend} group the task is placed in,
   *     or null for none
   * @param bundleIndex the bundle index in that group, -1 for any bundle (ignored without a group)
   */
  record TaskInfo(String taskId, String name, Map<String, Double> resources, int attempt, int priority,
      String placementGroupId, int bundleIndex) {
    /** A task of the default priority, 0. */
    public TaskInfo(String taskId, String name, Map<String, Double> resources, int attempt) {
      this(taskId, name, resources, attempt, 0);
    }

    /** A task in no placement group. */
    public TaskInfo(String taskId, String name, Map<String, Double> resources, int attempt, int priority) {
      this(taskId, name, resources, attempt, priority, null, -1);
    }
  }
}
