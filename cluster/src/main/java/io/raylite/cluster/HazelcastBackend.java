package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.raylite.NodeInfo;
import io.raylite.RayliteException;
import io.raylite.RuntimeClosedException;
import io.raylite.function.RayFunc;
import io.raylite.spi.ValueCodec;
import io.raylite.spi.TaskBackend;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * A driver's connection to the cluster: a Hazelcast client (the driver never holds data
 * partitions, never takes part in membership or migrations, and its death disturbs no node), a
 * Placement of the nodes from their member attributes, and the tasks in flight.
 *
 * A task attempt: the driver's runtime holds no resources for it (the nodes account exactly and
 * queue what does not fit yet; see TaskBackend.placesTasks) and calls submit() as soon as its
 * arguments are ready. submit() places it on a node at once (Placement never waits), registers it
 * in `inFlight` under a fresh attempt id, and offers it to that node's outbox, a BatchingSender that
 * sends each batch as one RunTasks request and the tasks that gathered meanwhile as the next one.
 * The node queues them and acknowledges within SEND_TIMEOUT_SECONDS, or the batch's tasks fail with
 * a named failure (NodeDiedException, retried elsewhere, if the node is gone). Each answer comes
 * back later on this driver's reply topic, in batches too; the topic's listener only hands each
 * message to `replyReader`, one virtual thread that reads the messages in the order they came and
 * prints the task output lines they carry (see TaskOutput), then hands the answers to a virtual
 * thread of their own, which completes the attempts' futures (and with them the driver's tasks).
 * So a task's lines, which its node sends before or with its answer, are printed before its get
 * returns. An answer for an id no longer in flight is dropped, so one delivered twice does
 * no harm; the node ignores an attempt id it has already accepted.
 *
 * Futures in flight are failed by events, never by polling: a member removed, or a send to it that
 * fails for a dropped connection, fails those placed on it with NodeDiedException (which the runtime
 * retries within maxRetries); the client losing the cluster fails every one with a
 * RayliteException, and later calls fail at once. A task's own run has no timeout (tasks may run
 * for hours); an answer lost while its node and the connection both stay up is asked for again by
 * AnswerChecks (a one-shot timer per node with attempts in flight, see checkAnswers), and the
 * attempt fails with a RayliteException if the node no longer has it.
 *
 * Held tasks: when every node that could run a task has a full queue (Placement), submit() leaves
 * it in `backlog` with its answer future; each release (an answer, a failure) and each node that
 * joins or leaves drains the backlog, which sends what fits now and fails what no live node can
 * run any more. A node's own submitter (`home` set: the runtime Raylite.current() returns in the
 * node's tasks, on the node's member) never holds, since its submitters are tasks blocked in get;
 * it queues a task placed on its own node directly (ClusterNode.accept), and the lines of the
 * tasks it submits join the submitting task's output (`submitterOutput`).
 *
 * Cancel: cancel() drops a held attempt, or sends a cancel to the node that has it, whose answer
 * (cancelled, or the result if it ended first) then completes the attempt as usual. A node gets
 * this submitter's cancels in the order they were made (one CancelAttempts batch in flight per
 * node, as for tasks), so cancelling a queued task and then the running one ahead of it never lets
 * the queued one start in between. A cancel may still overtake its own task's request, which the
 * node remembers (NodeAttempts). An attempt being taken from the backlog as it is cancelled is
 * neither held nor in flight for a moment: cancel() marks the Attempt first and dispatch() looks at
 * the mark after registering it in flight, so one of the two sends the cancel (twice is harmless).

 * Objects: a small result comes back inline and is stored in the driver's runtime as a value; a
 * large one stays on its node, and the driver stores a RemoteObject, which fetches it in chunks
 * when read and which, when the driver's store drops it (every ref gone, or free()), tells the
 * owner to drop it too, through a Cleaner. A RemoteObject whose owner is gone says so (lost(), or
 * its fetch fails), and the driver's runtime rebuilds the value from the task's lineage, as Ray
 * reconstructs objects (ObjectEntry.fetched and valueToSend, bounded by LineageLedger); a fetch
 * that finds the owner gone takes it out of the Placement first, so the rebuild goes to a live node.
 *
 * Refs made on nodes: a node's submitting runtime (home set) writes a ref of its own that leaves
 * inside a value as a BorrowedRef (exportRef; the node holds it in SharedRefs), and any runtime
 * that reads one stores a RemoteObject for it under a ref of its own (borrow), which fetches from
 * the owner and, when dropped, releases its hold there. The owner keeps the object, or for a
 * nested task's result its lineage, so the owner's death loses it: OwnerDiedException, as Ray's
 * OwnerDiedError. A node that finds an argument's owner gone while it fetches it answers
 * ArgumentLostException: this backend takes the owner out of the placement first, so that the
 * runtime's rerun of the attempt rebuilds the argument (or fails with its loss).
 *
 * Observability: Raylite.timeline and the state API ask every node for its own (ClusterTimeline,
 * ClusterStates) and join the answers on the driver.
 *
 * Threads: `inFlight` and `outboxes` are concurrent; whoever removes an id from `inFlight` (its
 * answer, a failed send, a node leaving, the cluster lost) releases its placement and completes its
 * future, so each happens once. `lost` is written by the lifecycle listener and read by workers;
 * Placement has its own lock. Hazelcast's callbacks only complete futures, send the next batch and
 * update the Placement: nothing blocks on its event threads.
 *
 * Actors live on nodes too (ClusterActors, which this backend hands the runtime as its
 * ActorBackend): their calls travel in outboxes and come back on a reply topic of their own, as
 * tasks do here, with each caller's order restored on the actor's node.
 */
final class HazelcastBackend implements TaskBackend {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");
  /** The most task requests one message carries. */
  static final int MAX_BATCH = 1_000;
  /** How long a node may take to queue a batch of tasks (not to run them). */
  static final long SEND_TIMEOUT_SECONDS = 60;

  private final String address;
  private final String token;
  private final HazelcastInstance client;
  private final ValueCodec codec;
  private final Placement placement;
  /** Tasks held because every node that could run them has a full queue (a driver's only). */
  private final Backlog backlog;
  private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  /** Attempts whose submit has not returned yet, by task id and attempt: see cancelWhilePlaced. */
  private final java.util.concurrent.ConcurrentMap<String, Attempt> placing = new java.util.concurrent.ConcurrentHashMap<>();
  /** Cancels that came before their attempt was made (true: forced): see cancelWhilePlaced. */
  private final java.util.concurrent.ConcurrentMap<String, Boolean> cancelledWhilePlaced =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Each node's task requests on their way, batched while one is in flight. */
  private final Map<String, BatchingSender<Wire.TaskSpec>> outboxes = new ConcurrentHashMap<>();
  /** Each node's cancel requests on their way, in the order they were made. */
  private final Map<String, BatchingSender<NodeRequests.Cancel>> cancelOutboxes = new ConcurrentHashMap<>();
  /** Functions prepare() encoded, reused when they are sent: a task's function is encoded once. */
  private final Cache<RayFunc, byte[]> encodedFunctions = Caffeine.newBuilder().weakKeys().build();
  /**
   * Where nodes publish this driver's answers: named after a driver's client, so that the nodes
   * cancel its tasks when it leaves (FateSharing); a node's submitter's is random.
   */
  private final String replyTopic;
  /** The streaming generator tasks of this submitter whose values are still to come. */
  private final ClusterGenerators generators = new ClusterGenerators();
  /** Runs the handling of each reply message, off Hazelcast's event threads. */
  private final ExecutorService replyHandlers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("raylite-cluster-replies-", 0).factory());
  /**
   * Reads each reply message and prints its lines in the order the messages came, before their
   * answers go to replyHandlers: a task's lines, sent before or with its answer, are printed first.
   */
  private final ExecutorService replyReader = Executors.newSingleThreadExecutor(
      Thread.ofVirtual().name("raylite-cluster-reply-reader").factory());
  private volatile String lost;
  private volatile boolean closing;
  /** The cluster's actors, as this driver calls them. */
  private final ClusterActors actors;
  /** The cluster's placement groups, as this submitter creates and uses them. */
  private final ClusterPlacementGroups placementGroups;
  /** Attempts placed in a placement group that wait for their bundle to be held, by id. */
  private final Map<Long, CompletableFuture<Object>> waitingForBundle = new ConcurrentHashMap<>();
  /**
   * The node this backend submits for (its tasks' nested tasks), whose member it shares; null on
   * a driver, which owns its client.
   */
  private final ClusterNode home;
  /** Lines of each attempt submitted by a task running here, for that task's own output (nested tasks). */
  private final Map<Long, TaskOutput.Capture> submitterOutput = new ConcurrentHashMap<>();
  /** The capture of the node task that prepared each argument array or encoded argument (by identity). */
  private final Cache<Object, TaskOutput.Capture> preparedOutput = Caffeine.newBuilder().weakKeys().build();
  private final List<Runnable> unregister = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Attempts one check found lost; the next check that says so fails them (see checked). */
  private final Map<Long, Boolean> suspectedLost = new ConcurrentHashMap<>();
  /** Asks a node about answers waited for long: see AnswerChecks. */
  private final AnswerChecks answerChecks = new AnswerChecks(this::checkAnswers);

  private record InFlight(String memberUuid, Placement.Slot slot, String taskName, Map<String, Double> resources,
      CompletableFuture<Object> answer, long sentNanos) {}

  /**
   * Joins the cluster at {@code address} as a client.
   *
   * @throws RayliteException if it cannot, or if a node runs another Raylite version
   */
  HazelcastBackend(String address, String secret, ClassLoader loader) {
    this(address, ClusterConfigs.token(secret), new ForyCodec(loader), join(address, secret, loader), null);
  }

  private static HazelcastInstance join(String address, String secret, ClassLoader loader) {
    try {
      return HazelcastClient.newHazelcastClient(ClusterConfigs.client(secret, address, loader));
    } catch (IllegalStateException e) {
      throw new RayliteException("could not join the cluster at " + address + ": is a node running there, "
          + "and is the secret (RAYLITE_SECRET or -Draylite.secret) the one 'start --head' printed? " + e.getMessage(), e);
    }
  }

  /**
   * Submits through {@code hz}: a driver's own client, or, when {@code home} is set, the member of
   * that node, for the nested tasks of the tasks it runs (the member stays up when this closes).
   */
  HazelcastBackend(String address, String token, ValueCodec codec, HazelcastInstance hz, ClusterNode home) {
    this.address = address;
    this.token = token;
    this.codec = codec;
    this.client = hz;
    this.home = home;
    String driver = home == null ? FateSharing.driverOf(hz) : null;
    this.replyTopic = driver != null ? FateSharing.taskTopic(driver) : "raylite.replies." + UUID.randomUUID();
    // A node's submitter never holds a task: its submitters are tasks blocked in get, which lend
    // their CPUs on their nodes while this placement still counts them, so holding their children
    // until they finish would wait for ever. They queue on the nodes instead.
    this.placement = home == null ? new Placement() : new Placement(Double.POSITIVE_INFINITY);
    this.backlog = new Backlog(placement);
    try {
      var topic = client.<byte[]>getTopic(replyTopic);
      var topicListener = topic.addMessageListener(
          message -> replyReader.execute(() -> onReplies(message.getMessageObject())));
      unregister.add(() -> topic.removeMessageListener(topicListener));
      var members = client.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          addMember(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          memberLeft(event.getMember());
        }
      });
      unregister.add(() -> client.getCluster().removeMembershipListener(members));
      String mine = ClusterConfigs.version();
      for (Member m : client.getCluster().getMembers()) {
        String theirs = m.getAttribute(ClusterConfigs.ATTR_VERSION);
        if (!mine.equals(theirs)) {
          throw new RayliteException("this driver runs Raylite " + mine + " but node "
              + m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " runs Raylite " + theirs
              + ": every node and driver of a cluster must run the same version");
        }
        addMember(m);
      }
      var lifecycle = client.getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED
            || event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
          lostCluster();
        }
      });
      this.actors = home != null ? home.actors : new ClusterActors(client, codec, token);
      this.placementGroups = new ClusterPlacementGroups(client, token, placement);
      actors.placeGroupsWith(placementGroups);  // a node's actors: its submitter's groups
      if (home == null) {
        BorrowedRef.DRIVERS.add(this);  // removed by close()
      }
      unregister.add(() -> client.getLifecycleService().removeLifecycleListener(lifecycle));
    } catch (RuntimeException e) {
      if (home == null) {
        client.shutdown();
      } else {
        unregister.forEach(Runnable::run);
      }
      throw e;
    }
  }

  private void addMember(Member m) {
    String resources = m.getAttribute(ClusterConfigs.ATTR_RESOURCES);
    if (resources != null && placement.nodeIdOf(m.getUuid().toString()) == null) {
      placement.add(m.getUuid().toString(), m.getAttribute(ClusterConfigs.ATTR_NODE_ID),
          m.getAddress().getHost() + ":" + m.getAddress().getPort(), ResourceText.parse(resources));
      drainBacklog();  // held tasks may go to the new node
      if (placementGroups != null) {  // null while the constructor adds the first members
        placementGroups.nodeJoined();
      }
    }
  }

  private void memberLeft(Member m) {
    nodeLeft(m.getUuid().toString());
  }

  /**
   * The node is gone: no task is placed there again, and those running there fail with
   * NodeDiedException (retried elsewhere). Called when Hazelcast removes the member, and as soon
   * as a call to it fails for a dropped connection, which comes seconds earlier. Idempotent.
   */
  private void nodeLeft(String uuid) {
    Placement.Slot slot = placement.remove(uuid);
    outboxes.remove(uuid);
    cancelOutboxes.remove(uuid);
    for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
      if (e.getValue().memberUuid().equals(uuid) && slot != null) {
        fail(e.getKey(), Placement.died(slot, e.getValue().taskName()));
      }
    }
    drainBacklog();  // held tasks that only that node could run fail now
    if (slot != null && placementGroups != null) {  // null while the constructor runs
      placementGroups.nodeLeft(uuid);
    }
  }

  private void lostCluster() {
    if (lost == null) {
      lost = closing ? "the driver's runtime closed" : "the driver lost its connection to the cluster at " + address;
    }
    failHeld(h -> true);
    RayliteException why = closing ? new RuntimeClosedException(lost) : new RayliteException(lost);
    if (placementGroups != null) {
      placementGroups.lost(why);  // their ready refs fail instead of waiting
    }
    for (Long id : waitingForBundle.keySet()) {
      CompletableFuture<Object> waiting = waitingForBundle.remove(id);
      if (waiting != null) {
        waiting.completeExceptionally(why);
      }
    }
    for (Long id : inFlight.keySet()) {
      fail(id, closing ? new RuntimeClosedException(lost) : new RayliteException(lost));
    }
  }

  private void checkConnected() {
    String why = lost;
    if (why != null) {
      throw closing ? new RuntimeClosedException(why) : new RayliteException(why);
    }
  }

  @Override
  public String description() {
    return "the cluster at " + address + " (" + placement.nodes().size() + " nodes), every argument and result "
        + "through " + codec;
  }

  @Override
  public Map<String, Double> totalResources() {
    return placement.totals();
  }

  @Override
  public Object[] prepare(RayFunc function, String taskName, Map<String, Double> resources, Object[] args,
      int refMask) {
    checkConnected();
    placement.checkFeasible(taskName, resources);
    java.util.List<String> exported = new java.util.ArrayList<>();  // refs shared inside the bytes
    byte[] encodedFunction = ScopedValue.where(BorrowedRef.EXPORTED, exported).call(
        () -> codec.encodeFunction(taskName, function));
    encodedFunctions.put(function, encodedFunction);
    holdWhileReachable(encodedFunction, exported);
    Object[] kept = args.clone();
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) == 0) {
        // A placement group travels as its id, bound on the node to the group there.
        Object value = args[i] instanceof io.raylite.PlacementGroup pg && placementGroups.byId(pg.id()).isPresent()
            ? new ClusterPlacementGroups.GroupRef(pg.id()) : args[i];
        java.util.List<String> shared = new java.util.ArrayList<>();
        int index = i;
        kept[i] = new Wire.EncodedArg(ScopedValue.where(BorrowedRef.EXPORTED, shared).call(
            () -> codec.encodeArgument(taskName, index, value)));
        holdWhileReachable(kept[i], shared);
      }
    }
    if (TaskOutput.CAPTURE.isBound()) {
      // A task on this node submits; submit() may run on another thread, and finds the submitting
      // task's capture by the arguments prepared here: the same array when no argument is a ref,
      // else one of its encoded values (a task whose arguments are all refs is not found).
      TaskOutput.Capture output = TaskOutput.CAPTURE.get();
      preparedOutput.put(kept, output);
      for (int i = 0; i < kept.length; i++) {
        if ((refMask & (1 << i)) == 0) {
          preparedOutput.put(kept[i], output);
        }
      }
    }
    return kept;
  }

  /**
   * Keeps the refs shared in {@code bytes} held until the bytes are unreachable: encoded once for
   * every attempt of a task, they may be read by several, each of which takes a hold of its own
   * (see SharedRefs).
   */
  private void holdWhileReachable(Object bytes, java.util.List<String> keys) {
    if (!keys.isEmpty() && home != null) {
      CLEANER.register(bytes, new ReleaseShared(home, java.util.List.copyOf(keys)));
    }
  }

  /** The cleaning action of bytes that held shared refs: it must not refer to them. */
  private record ReleaseShared(ClusterNode node, java.util.List<String> keys) implements Runnable {
    @Override
    public void run() {
      keys.forEach(node::free);
    }
  }

  /**
   * A ref made on a node's task, leaving inside a value: shared by the node (see SharedRefs) and
   * written as a BorrowedRef. A driver's own refs cannot leave inside a value; passed as a task's
   * argument, a ref's value travels instead.
   */
  @Override
  public Object exportRef(io.raylite.ObjectRef<?> ref) throws java.io.NotSerializableException {
    if (home == null) {
      throw new java.io.NotSerializableException("io.raylite.ObjectRef " + ref.id() + " of the driver cannot travel "
          + "inside a value; pass the ref itself as a task argument (refs made in tasks on nodes can travel inside values)");
    }
    String key = home.shared.share(ref);
    if (BorrowedRef.EXPORTED.isBound()) {
      BorrowedRef.EXPORTED.get().add(key);
    }
    return new BorrowedRef(new Wire.ObjectHandle(home.localUuid(), home.nodeId, key, -1));
  }

  /**
   * A ref made on another JVM's task, read here: on its owner, the ref itself; elsewhere, a ref of
   * this backend's runtime whose value is fetched from the owner. {@code takeOver}: the bytes were
   * read once, and their hold becomes this ref's; else this ref takes a hold of its own, which fails
   * (leaving a ref that gives the loss when read) if the owner is gone or let go.
   */
  io.raylite.ObjectRef<?> borrow(Wire.ObjectHandle handle, boolean takeOver) {
    if (home != null && handle.ownerUuid().equals(home.localUuid())) {
      io.raylite.ObjectRef<?> own = home.shared.get(handle.key());
      if (own != null) {
        if (takeOver) {
          home.free(handle.key());  // the ref itself holds the object now
        }
        return own;
      }
    }
    if (takeOver) {
      return runtime().put(new RemoteObject(this, handle, true, true));
    }
    Wire.ObjectHandle held = hold(handle);
    return runtime().put(held != null ? new RemoteObject(this, held, true, true)
        : new RemoteObject(this, handle, true, false));
  }

  /** A hold of its own on a shared ref, from its owner; null if the owner is gone or let go of it. */
  private Wire.ObjectHandle hold(Wire.ObjectHandle handle) {
    Member owner = RemoteObjects.memberOf(client, handle.ownerUuid());
    if (owner == null || lost != null) {
      return null;
    }
    try {
      String key = client.getExecutorService(ClusterConfigs.EXECUTOR)
          .<String>submitToMember(new NodeRequests.HoldObject(token, handle.key()), owner)
          .get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new Wire.ObjectHandle(handle.ownerUuid(), handle.ownerNodeId(), key, handle.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while reading object " + handle.key() + " of node "
          + handle.ownerNodeId(), e);
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not hold object " + handle.key() + " on node " + handle.ownerNodeId()
          + "; reading it gives its loss", e);
      return null;
    }
  }

  /** The runtime this backend submits for, whose refs the borrowed ones read here become. */
  private io.raylite.Raylite runtime() {
    return home != null ? home.nestedRuntime() : actors.runtime();
  }

  @Override
  public boolean placesTasks() {
    return true;
  }

  @Override
  public Map<String, Double> availableResources() {
    return placement.available();
  }

  @Override
  public Object execute(RayFunc function, Object[] args, TaskInfo task) throws Exception {
    try {
      return submit(function, args, task).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * Places the attempt on a node and queues it in that node's outbox; the node's answer, on the
   * reply topic, completes the returned future (see onReplies).
   */
  @Override
  public CompletableFuture<Object> submit(RayFunc function, Object[] args, TaskInfo task) {
    checkConnected();
    Object[] wire = new Object[args.length];
    java.util.List<String> exported = new java.util.ArrayList<>();  // refs shared inside values encoded here
    String preferred = null;
    long preferredBytes = 0;
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Wire.EncodedArg) {
        wire[i] = a;
      } else if (a instanceof RemoteObject remote) {
        wire[i] = remote.handle;
        if (remote.handle.size() > preferredBytes) {
          preferredBytes = remote.handle.size();
          preferred = remote.handle.ownerUuid();
        }
      } else {
        int index = i;
        wire[i] = new Wire.EncodedArg(ScopedValue.where(BorrowedRef.EXPORTED, exported).call(
            () -> codec.encodeArgument(task.name(), index, a)));  // a value put on the driver
      }
    }
    if (preferred == null && home != null) {
      preferred = home.localUuid();  // a nested task stays on its parent's node while it fits there
    }
    byte[] f = encodedFunctions.get(function, fn -> codec.encodeFunction(task.name(), fn));
    Hold hold = HOLD_BEFORE_ATTEMPT.isEmpty() ? null : HOLD_BEFORE_ATTEMPT.remove(task.name());
    if (hold != null) {
      hold.reached().complete(null);
      hold.release().join();  // the fault hook: the submitting thread is descheduled here
    }
    long id = ids.incrementAndGet();
    Attempt answer = new Attempt(id);
    String placingKey = placingKey(task);
    placing.put(placingKey, answer);
    try {
      Boolean cancelledEarly = cancelledWhilePlaced.remove(placingKey);  // after the put: see cancelWhilePlaced
      if (cancelledEarly != null) {
        answer.cancelRequest = cancelledEarly ? FORCE : CANCEL;
      }
      return submitAttempt(id, answer, task, args, f, wire, exported, preferred);
    } finally {
      placing.remove(placingKey);
    }
  }

  /** The rest of submit, once the attempt exists and a cancel can find it (see cancelWhilePlaced). */
  private CompletableFuture<Object> submitAttempt(long id, Attempt answer, TaskInfo task, Object[] args, byte[] f,
      Object[] wire, java.util.List<String> exported, String preferred) {
    if (answer.cancelRequest != NOT_CANCELLED) {  // cancelled before submit began: never sent
      answer.completeExceptionally(cancelledUnsent(task.name(), task.taskId()));
      return answer;
    }
    if (!exported.isEmpty() && home != null) {
      // Read once per attempt, by a node that takes its own hold before the attempt can end.
      answer.whenComplete((value, failure) -> exported.forEach(home::free));
    }
    // A task on this node that submits: the lines of its nested tasks are its own (TaskOutput).
    TaskOutput.Capture output = submitterOf(args);
    if (task.placementGroupId() != null) {
      return submitToBundle(id, answer, new Wire.TaskSpec(id, task.taskId(), task.name(), task.attempt(),
          task.priority(), Wire.copy(task.resources()), f, wire), task, preferred, output);
    }
    Backlog.Held held = new Backlog.Held(new Wire.TaskSpec(id, task.taskId(), task.name(), task.attempt(), task.priority(),
        Wire.copy(task.resources()), f, wire), preferred, answer, output);
    Placement.Slot slot = backlog.placeOrHold(held);
    if (slot == null) {
      if (lost != null) {  // held after the loss failed the backlog
        failHeld(h -> true);
      }
      return answer;  // held until a node has room: see Backlog
    }
    dispatch(held, slot);
    CompletableFuture<?> hold = HOLD_AFTER_DISPATCH.isEmpty() ? null : HOLD_AFTER_DISPATCH.remove(task.name());
    if (hold != null) {
      hold.join();  // the fault hook: the submitter is slow to hear that its task was sent
    }
    return answer;
  }

  /**
   * Fault hook for tests: submit() of the next task named as a key, once it has sent the task,
   * waits until the value completes before it returns, as a submitter descheduled at that moment
   * would.
   */
  static final Map<String, CompletableFuture<?>> HOLD_AFTER_DISPATCH = new ConcurrentHashMap<>();

  /**
   * Fault hook for tests: submit() of the next task named as a key completes {@code reached} and
   * waits for {@code release} before it makes the attempt, as a submitting thread descheduled
   * before it could would.
   */
  static final Map<String, Hold> HOLD_BEFORE_ATTEMPT = new ConcurrentHashMap<>();

  record Hold(CompletableFuture<Void> reached, CompletableFuture<Void> release) {}

  /**
   * Sends an attempt placed in a placement group to the node holding its bundle, once the group
   * holds it: the bundle's resources are held there already, so the Placement counts nothing.
   */
  private CompletableFuture<Object> submitToBundle(long id, CompletableFuture<Object> answer, Wire.TaskSpec unplaced,
      TaskInfo task, String preferred, TaskOutput.Capture output) {
    waitingForBundle.put(id, answer);
    placementGroups.target(task.placementGroupId(), task.bundleIndex(), task.resources(), task.name())
        .whenComplete((target, failure) -> {
          if (waitingForBundle.remove(id) == null) {  // cancelled, or the cluster lost, meanwhile
            if (target != null) {
              target.done();
            }
            return;
          }
          if (failure != null) {
            answer.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null
                ? c.getCause() : failure);
            return;
          }
          answer.whenComplete((v, e) -> target.done());
          Placement.Slot slot = placement.live(target.nodeUuid());
          if (slot == null) {
            answer.completeExceptionally(new io.raylite.NodeDiedException("the node holding bundle "
                + target.bundle() + " of placement group " + task.placementGroupId() + " left the cluster before task '"
                + task.name() + "' was sent there"));
            return;
          }
          Wire.TaskSpec spec = new Wire.TaskSpec(id, unplaced.taskId(), unplaced.name(), unplaced.attempt(),
              unplaced.priority(), unplaced.resources(), unplaced.function(), unplaced.args(), task.placementGroupId(),
              target.bundle());
          dispatch(new Backlog.Held(spec, preferred, answer, output), slot);
        });
    return answer;
  }

  /** The future submit() returns: an attempt's answer, with its id for cancel(). */
  private static final class Attempt extends CompletableFuture<Object> {
    final long id;
    /** Set by cancel() before it looks for the attempt: NOT_CANCELLED, CANCEL or FORCE. */
    volatile byte cancelRequest;

    Attempt(long id) {
      this.id = id;
    }
  }

  /**
   * A held attempt is dropped and fails at once; one placed on a node is cancelled there by a
   * cancel request (see sendCancel), and the node's answer (cancelled, or its result if it ended first)
   * completes it. A cancel that cannot be sent leaves the attempt to its answer or its node's
   * departure, as before it.
   */
  @Override
  public void cancel(java.util.concurrent.CompletionStage<Object> attempt, boolean force) {
    if (!(attempt instanceof Attempt a) || a.isDone()) {
      return;
    }
    if (force || a.cancelRequest == NOT_CANCELLED) {
      a.cancelRequest = force ? FORCE : CANCEL;  // before the look below: see dispatch()
    }
    for (Backlog.Held h : backlog.remove(h -> h.spec().id() == a.id)) {
      h.answer().completeExceptionally(cancelledUnsent(h.spec().name(), h.spec().taskId()));
      return;
    }
    CompletableFuture<Object> waiting = waitingForBundle.remove(a.id);
    if (waiting != null) {
      waiting.completeExceptionally(new io.raylite.TaskCancelledException("task was cancelled before its placement "
          + "group bundle was held"));
      return;
    }
    InFlight f = inFlight.get(a.id);
    if (f != null) {
      sendCancel(a.id, f, force);
    }
    // Else answered meanwhile, or taken from the backlog (or still in submit) and not yet in flight:
    // dispatch() sees the mark once it has registered the attempt, and drops it unsent.
  }

  /**
   * A cancel of an attempt whose submit has not returned to the engine. The attempt is found in
   * {@code placing} once submit has made it, and cancelled as any other, in order with this
   * submitter's other cancels; before that, the request waits in {@code cancelledWhilePlaced} for
   * submit, which marks its attempt, and a marked attempt is never sent (submitAttempt, dispatch).
   * Each side writes its map before it reads the other's, so at least one of them sees the other
   * (both may: the second cancel is harmless). A request made after submit has returned finds
   * neither and stays in the map (a few bytes, until close): the engine then cancels the attempt it
   * has by then.
   */
  @Override
  public void cancelWhilePlaced(TaskInfo task, boolean force) {
    String key = placingKey(task);
    Attempt a = placing.get(key);
    if (a == null) {
      cancelledWhilePlaced.merge(key, force, Boolean::logicalOr);
      a = placing.get(key);
      if (a == null) {
        return;  // submit has not made it yet, and will find the request
      }
    }
    cancel(a, force);
  }

  /** The answer of an attempt cancelled before it was sent to any node. */
  private static io.raylite.TaskCancelledException cancelledUnsent(String name, String taskId) {
    return new io.raylite.TaskCancelledException("task '" + name + "' (" + taskId
        + ") was cancelled before it was placed on a node");
  }

  private static String placingKey(TaskInfo task) {
    return task.taskId() + "#" + task.attempt();
  }

  private static final byte NOT_CANCELLED = 0;
  private static final byte CANCEL = 1;
  private static final byte FORCE = 2;

  /** Sends a cancel for an attempt in flight to its node, after this submitter's earlier cancels there. */
  private void sendCancel(long id, InFlight f, boolean force) {
    if (home != null && f.memberUuid().equals(home.localUuid())) {
      home.cancel(replyTopic, id, force);
      return;
    }
    cancelOutboxes.computeIfAbsent(f.memberUuid(), uuid -> new BatchingSender<NodeRequests.Cancel>(MAX_BATCH,
            batch -> sendCancels(uuid, batch), (batch, failure) -> cancelsNotSent(f.slot(), batch, failure)))
        .offer(new NodeRequests.Cancel(id, force, f.taskName()));
  }

  /** Sends one batch of cancels; the stage completes when the node has applied them, in order. */
  private CompletableFuture<Boolean> sendCancels(String uuid, List<NodeRequests.Cancel> batch) {
    Member member = RemoteObjects.memberOf(client, uuid);
    if (member == null) {
      return CompletableFuture.completedFuture(Boolean.FALSE);  // its node left: its attempts fail with NodeDiedException
    }
    return RemoteObjects.ask(client, new NodeRequests.CancelAttempts(token, replyTopic, batch), member)
        .orTimeout(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private void cancelsNotSent(Placement.Slot slot, List<NodeRequests.Cancel> batch, Throwable failure) {
    for (NodeRequests.Cancel c : batch) {
      LOG.log(System.Logger.Level.WARNING, "could not cancel task '" + c.taskName() + "' on node "
          + slot.nodeId + "; it runs on until it ends or its node leaves", failure);
    }
  }

  /**
   * Asks the node with member {@code uuid} about this submitter's attempts there that were sent
   * at least AnswerChecks.after() ago: it resends the answers it still has; an answer it no longer
   * has, or a task that never reached it, fails the attempt with a RayliteException saying so,
   * instead of leaving its get waiting for ever. On the AnswerChecks timer's thread; never waits.
   */
  private void checkAnswers(String uuid) {
    try {
      long now = System.nanoTime();
      long after = answerChecks.after().toNanos();
      List<Long> old = new java.util.ArrayList<>();
      boolean any = false;
      for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
        if (e.getValue().memberUuid().equals(uuid)) {
          any = true;
          if (now - e.getValue().sentNanos() >= after) {
            old.add(e.getKey());
          }
        }
      }
      if (any) {
        answerChecks.arm(uuid);
      }
      if (old.isEmpty()) {
        return;
      }
      long[] ids = old.stream().mapToLong(Long::longValue).toArray();
      if (home != null && uuid.equals(home.localUuid())) {
        checked(ids, home.checkAnswers(replyTopic, ids));
        return;
      }
      Member member = RemoteObjects.memberOf(client, uuid);
      if (member == null) {
        return;  // it left: nodeLeft fails its attempts
      }
      client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
          new NodeRequests.CheckAnswers(token, replyTopic, ids), member, new ExecutionCallback<byte[]>() {
            @Override
            public void onResponse(byte[] states) {
              checked(ids, states);
            }

            @Override
            public void onFailure(Throwable t) {
              LOG.log(System.Logger.Level.WARNING, "could not ask a node about " + ids.length
                  + " task answers; it is asked again after " + answerChecks.after(), t);
            }
          });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "checking the answers of a node failed; it is checked again after "
          + answerChecks.after(), e);
    }
  }

  /** What a node said of the attempts checkAnswers asked about. */
  private void checked(long[] ids, byte[] states) {
    long now = System.nanoTime();
    for (int i = 0; i < ids.length && i < states.length; i++) {
      InFlight f = inFlight.get(ids[i]);
      if (f == null) {
        suspectedLost.remove(ids[i]);
        continue;  // answered meanwhile (a resent answer, or the first one late)
      }
      if (states[i] != ClusterNode.LOST) {
        suspectedLost.remove(ids[i]);
      }
      // Lost only when two checks in a row say so: a node that is still starting may answer one
      // check before its own state settles.
      if (states[i] == ClusterNode.LOST && suspectedLost.remove(ids[i]) == null) {
        suspectedLost.put(ids[i], Boolean.TRUE);
      } else if (states[i] == ClusterNode.LOST) {
        fail(ids[i], new RayliteException("the answer of task '" + f.taskName() + "' from node " + f.slot().nodeId
            + " was lost on its way, and the node no longer holds it"));
      } else if (states[i] == ClusterNode.NOT_ARRIVED
          && now - f.sentNanos() > TimeUnit.SECONDS.toNanos(SEND_TIMEOUT_SECONDS) + answerChecks.after().toNanos()) {
        fail(ids[i], new RayliteException("node " + f.slot().nodeId + " never received task '" + f.taskName()
            + "', sent " + TimeUnit.NANOSECONDS.toSeconds(now - f.sentNanos()) + " s ago"));
      }
    }
  }

  /** The capture of the node task that prepared these arguments (see prepare), or null. */
  private TaskOutput.Capture submitterOf(Object[] args) {
    if (home == null) {
      return null;
    }
    TaskOutput.Capture output = preparedOutput.getIfPresent(args);
    for (int i = 0; output == null && i < args.length; i++) {
      if (args[i] instanceof Wire.EncodedArg) {
        output = preparedOutput.getIfPresent(args[i]);
      }
    }
    return output;
  }

  /** Registers a placed attempt in flight and queues it in its node's outbox. */
  private void dispatch(Backlog.Held held, Placement.Slot slot) {
    Wire.TaskSpec spec = held.spec();
    long id = spec.id();
    // A task in a placement group bundle is not counted: the bundle holds its resources.
    InFlight registered = new InFlight(slot.uuid, slot, spec.name(), spec.placementGroup() != null ? Map.of()
        : spec.resources(), held.answer(), System.nanoTime());
    inFlight.put(id, registered);
    answerChecks.arm(slot.uuid);
    if (held.output() != null) {
      submitterOutput.put(id, held.output());
    }
    String why = lost;
    if (why != null) {  // a loss that happened before the registration above failed nothing
      fail(id, closing ? new RuntimeClosedException(why) : new RayliteException(why));
      return;
    }
    if (held.answer() instanceof Attempt a && a.cancelRequest != NOT_CANCELLED) {
      // Cancelled before it was sent (taken from the backlog, or still being submitted): it is never
      // sent, so no later cancel to this node can overtake its own. (A cancel that found it registered
      // above has sent a cancel too, which the node keeps as a tombstone.)
      fail(id, cancelledUnsent(spec.name(), spec.taskId()));
      return;
    }
    outboxes.computeIfAbsent(slot.uuid, uuid -> new BatchingSender<Wire.TaskSpec>(MAX_BATCH,
            batch -> send(slot, batch), (batch, failure) -> notSent(slot, batch, failure)))
        .offer(spec);
    if (held.answer() instanceof Attempt a && a.cancelRequest != NOT_CANCELLED) {
      sendCancel(id, registered, a.cancelRequest == FORCE);  // cancelled while it was being offered
    }
  }

  /** Sends the held tasks that fit now, and fails those no live node can run any more. */
  private void drainBacklog() {
    Backlog.Drained drained = backlog.drain();
    for (Backlog.Failed f : drained.failed()) {
      f.held().answer().completeExceptionally(f.failure());
    }
    for (Backlog.Placed p : drained.placed()) {
      dispatch(p.held(), p.slot());
    }
  }

  /** Fails the held tasks that match, as the cluster is lost or closed. */
  private void failHeld(java.util.function.Predicate<Backlog.Held> which) {
    String why = lost;
    for (Backlog.Held h : backlog.remove(which)) {
      h.answer().completeExceptionally(closing ? new RuntimeClosedException(why) : new RayliteException(why));
    }
  }

  /** Sends one batch to the node; the stage completes when the node has queued it, or fails in time. */
  private CompletableFuture<Boolean> send(Placement.Slot slot, List<Wire.TaskSpec> batch) {
    CompletableFuture<Boolean> queued = new CompletableFuture<>();
    if (home != null && slot.uuid.equals(home.localUuid())) {
      for (Wire.TaskSpec spec : batch) {
        home.accept(replyTopic, spec);  // this node: queued in its runtime without a request
      }
      queued.complete(Boolean.TRUE);
      return queued;
    }
    Member member = RemoteObjects.memberOf(client, slot.uuid);
    if (member == null) {
      queued.completeExceptionally(Placement.died(slot, batch.getFirst().name()));
      return queued;
    }
    return RemoteObjects.ask(client, new NodeRequests.RunTasks(token, replyTopic, batch), member)
        .orTimeout(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** A batch the node did not take: its tasks fail, as died (retried elsewhere) if the node is gone. */
  private void notSent(Placement.Slot slot, List<Wire.TaskSpec> batch, Throwable failure) {
    Throwable t = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    boolean gone = t instanceof io.raylite.NodeDiedException || nodeGone(t, slot);
    if (gone) {
      nodeLeft(slot.uuid);  // first, so that the retries are placed elsewhere
    }
    for (Wire.TaskSpec spec : batch) {
      fail(spec.id(), gone ? Placement.died(slot, spec.name(), t)
          : t instanceof TimeoutException ? new RayliteException("node " + slot.nodeId + " did not take task '"
              + spec.name() + "' within " + SEND_TIMEOUT_SECONDS + " s", t)
          : new RayliteException("node " + slot.nodeId + " refused task '" + spec.name() + "': " + t, t));
    }
  }

  private void fail(long id, Throwable failure) {
    submitterOutput.remove(id);
    InFlight f = inFlight.remove(id);
    if (f != null) {
      placement.release(f.slot(), f.resources());
      f.answer().completeExceptionally(failure);
      drainBacklog();
    }
  }

  /**
   * Answers from a node, on a thread of our own (a message listener only hands them over). An
   * answer for an id no longer in flight (failed meanwhile, or delivered twice) is dropped.
   */
  private void onReplies(byte[] message) {
    ReplyMessage.Read read;
    try {
      read = ReplyMessage.read(message);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "a message on " + replyTopic + " cannot be read; the tasks it answers "
          + "will not complete", e);
      return;
    }
    for (ReplyMessage.Lines lines : read.lines()) {
      TaskOutput.Capture parent = submitterOutput.get(lines.id());
      if (parent != null) {
        parent.forward(lines.lines());
      } else {
        TaskOutput.print(lines.lines());
      }
    }
    List<Wire.TaskDone> answers = read.answers();
    if (answers.stream().anyMatch(d -> ClusterGenerators.isItem(d.id()))) {
      answers = generatorItems(answers);  // here, in order: see ClusterGenerators
    }
    if (!answers.isEmpty()) {
      List<Wire.TaskDone> attempts = answers;
      replyHandlers.execute(() -> complete(attempts));
    }
  }

  /** Hands the generator values among {@code answers} to their streams; returns the attempts' answers. */
  private List<Wire.TaskDone> generatorItems(List<Wire.TaskDone> answers) {
    List<Wire.TaskDone> attempts = new java.util.ArrayList<>(answers.size());
    for (Wire.TaskDone done : answers) {
      if (!ClusterGenerators.isItem(done.id())) {
        attempts.add(done);
        continue;
      }
      Object stored;
      try {
        stored = result(done.reply(), "generator");
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "a generator value on " + replyTopic + " cannot be read; its generator "
            + "ends without it and the values after it", e);
        continue;
      }
      generators.arrived(done.id(), stored);
    }
    return attempts;
  }

  @Override
  public Streaming streaming(RayFunc generator, Items items) {
    return generators.open(generator, items);
  }

  /** Completes the attempts a message answered, on a reply handler's thread. */
  private void complete(List<Wire.TaskDone> answers) {
    for (Wire.TaskDone done : answers) {
      submitterOutput.remove(done.id());
      InFlight f = inFlight.remove(done.id());
      if (f == null) {
        continue;
      }
      placement.release(f.slot(), f.resources());
      Object value;
      try {
        value = result(done.reply(), f.taskName());
      } catch (Throwable t) {
        if (t instanceof io.raylite.spi.ArgumentLostException argumentLost) {
          nodeLeft(argumentLost.ownerId());  // first: the rerun then finds the argument lost, and rebuilds it
        }
        f.answer().completeExceptionally(t);
        continue;
      }
      f.answer().complete(value);
    }
    drainBacklog();  // the released resources may make room for held tasks
  }

  /**
   * Whether a failed call means its node is gone (see RemoteObjects.nodeGone). A node that only
   * lost its connection for a moment may still run the task: then it runs twice, as a retried task
   * may in Ray.
   */
  private boolean nodeGone(Throwable t, Placement.Slot slot) {
    return RemoteObjects.nodeGone(client, slot.uuid, t);
  }

  private Object result(Wire.TaskReply answer, String taskName) throws Exception {
    return switch (answer.kind()) {
      case INLINE -> ScopedValue.where(BorrowedRef.READER, this).where(BorrowedRef.TAKE_OVER, Boolean.TRUE)
          .call(() -> codec.decode(answer.bytes()));  // read once: its refs take over their holds
      case OWNED -> new RemoteObject(this, answer.handle(), false, true);
      case FAILED -> {
        Object failure;
        try {
          failure = codec.decode(answer.bytes());
        } catch (IOException | ClassNotFoundException e) {
          throw new RayliteException("task '" + taskName + "' failed on its node with " + answer.failureText()
              + ", which cannot be read here: " + e, e);
        }
        if (failure instanceof Exception ex) {
          throw ex;
        }
        throw (Error) failure;
      }
    };
  }

  /**
   * Fetches an object owned by a node. An owner found gone is taken out of the placement at once
   * (as a failed send does), so that the rebuild of the object (see ObjectEntry.fetched) is placed
   * on a node that is alive.
   */
  Object fetch(Wire.ObjectHandle handle) {
    checkConnected();
    return ScopedValue.where(BorrowedRef.READER, this).where(BorrowedRef.TAKE_OVER, Boolean.TRUE)
        .call(() -> RemoteObjects.fetch(client, codec, token, handle, () -> nodeLeft(handle.ownerUuid())));
  }

  /**
   * The loss of a borrowed object whose owner is gone, as Ray's OwnerDiedError: neither its value
   * nor what rebuilds it outlived the owner.
   */
  static io.raylite.OwnerDiedException ownerDied(Wire.ObjectHandle handle, Throwable cause) {
    return new io.raylite.OwnerDiedException("object " + handle.key() + " was lost: its owner node "
        + handle.ownerNodeId() + " left the cluster. A ref made in a task on a node (a put, or a result of a task "
        + "it submitted) is owned by that node, which keeps its value and lineage, so it cannot be read or rebuilt "
        + "once the node is gone", cause);
  }

  /** The loss of an object whose owner this driver knows to be gone, else null. */
  io.raylite.ObjectLostException lostObject(Wire.ObjectHandle handle) {
    return placement.nodeIdOf(handle.ownerUuid()) != null ? null
        : RemoteObjects.lost(handle, "its owner node " + handle.ownerNodeId() + " left the cluster");
  }

  /**
   * Tells the owner that this driver no longer holds the object: for free(), waiting for the
   * owner's answer; for the cleaner, without waiting.
   */
  void release(Wire.ObjectHandle handle, boolean wait) {
    if (lost != null) {
      return;
    }
    Member owner = RemoteObjects.memberOf(client, handle.ownerUuid());
    if (owner == null) {
      return;  // gone with its node
    }
    var done = client.getExecutorService(ClusterConfigs.EXECUTOR)
        .submitToMember(new NodeRequests.FreeObject(token, handle.key()), owner);
    if (wait) {
      try {
        done.get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayliteException("interrupted while freeing object " + handle.key() + " on node "
            + handle.ownerNodeId(), e);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        if (RemoteObjects.memberOf(client, handle.ownerUuid()) != null) {
          throw new RayliteException("node " + handle.ownerNodeId() + " did not free object " + handle.key()
              + ": " + e, e);
        }
      }
    }
  }

  @Override
  public List<NodeInfo> nodes() {
    return placement.nodes();
  }

  /** The state API's rows on the nodes (see ClusterStates). */
  @Override
  public io.raylite.spi.NodeStates nodeStates() {
    checkConnected();
    return new ClusterStates(client, token, codec);
  }

  /** Every node's timeline in one file, one process per node (see ClusterTimeline). */
  @Override
  public boolean writeTimeline(java.nio.file.Path file) throws IOException {
    checkConnected();
    ClusterTimeline.write(client, token, file);
    return true;
  }

  @Override
  public boolean supportsActors() {
    return true;
  }

  @Override
  public io.raylite.spi.ActorBackend actors() {
    return actors;
  }

  @Override
  public io.raylite.spi.PlacementGroupBackend placementGroups() {
    return placementGroups;
  }

  @Override
  public void close() {
    closing = true;
    placementGroups.close();  // first: its groups are removed on their nodes while the cluster is reachable
    BorrowedRef.DRIVERS.remove(this);
    lostCluster();
    if (home == null) {
      actors.close();  // a node's submitter shares the node's actors, closed with the node
    }
    try {
      client.getTopic(replyTopic).destroy();
    } catch (RuntimeException e) {
      if (lost == null || client.getLifecycleService().isRunning()) {
        LOG.log(System.Logger.Level.DEBUG, "could not drop the reply topic " + replyTopic, e);
      }
    } finally {
      if (home == null) {
        client.shutdown();
      } else {
        unregister.forEach(Runnable::run);
      }
      answerChecks.close();
      replyReader.close();
      replyHandlers.close();
    }
  }

  /**
   * A result that lives on the node that computed it. When the driver's store lets go of it (no
   * ref and no pending task holds it, or free()), the cleaner tells the owner to drop it too.
   */
  static final class RemoteObject implements TaskBackend.RemoteValue {
    final Wire.ObjectHandle handle;
    private final HazelcastBackend backend;
    /** A ref made on its node (see borrow): its loss with the node is an OwnerDiedException. */
    private final boolean borrowed;
    /** Whether this holds {@code handle}'s key, to release when dropped. */
    private final boolean releases;

    RemoteObject(HazelcastBackend backend, Wire.ObjectHandle handle, boolean borrowed, boolean releases) {
      this.backend = backend;
      this.handle = handle;
      this.borrowed = borrowed;
      this.releases = releases;
      if (releases) {
        CLEANER.register(this, new Release(backend, handle));
      }
    }

    @Override
    public Object fetch() {
      try {
        return backend.fetch(handle);
      } catch (io.raylite.ObjectLostException e) {
        if (borrowed && !(e instanceof io.raylite.OwnerDiedException) && backend.lostObject(handle) != null) {
          throw ownerDied(handle, e);
        }
        throw e;
      }
    }

    @Override
    public void free() {
      if (releases) {
        backend.release(handle, true);
      }
    }

    @Override
    public io.raylite.ObjectLostException lost() {
      io.raylite.ObjectLostException lost = backend.lostObject(handle);
      return lost != null && borrowed ? ownerDied(handle, lost) : lost;
    }

    @Override
    public String toString() {
      return "RemoteObject(" + handle.key() + ", " + handle.size() + " bytes)";
    }
  }

  /** The cleaning action: it must not refer to its RemoteObject. */
  private record Release(HazelcastBackend backend, Wire.ObjectHandle handle) implements Runnable {
    @Override
    public void run() {
      backend.release(handle, false);
    }
  }
}
