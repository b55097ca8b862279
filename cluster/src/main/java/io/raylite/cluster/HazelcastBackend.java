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
import io.raylite.spi.AllowlistCodec;
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
 * for hours); an answer lost while its node and the connection both stay up is not detected.

 * Objects: a small result comes back inline and is stored in the driver's runtime as a value; a
 * large one stays on its node, and the driver stores a RemoteObject, which fetches it in chunks
 * when read and which, when the driver's store drops it (every ref gone, or free()), tells the
 * owner to drop it too, through a Cleaner.
 *
 * Threads: `inFlight` and `outboxes` are concurrent; whoever removes an id from `inFlight` (its
 * answer, a failed send, a node leaving, the cluster lost) releases its placement and completes its
 * future, so each happens once. `lost` is written by the lifecycle listener and read by workers;
 * Placement has its own lock. Hazelcast's callbacks only complete futures, send the next batch and
 * update the Placement: nothing blocks on its event threads.
 *
 * For actors across nodes (a later part): an actor call is one more kind of TaskSpec bound to the
 * node that owns the actor; the outbox, the reply topic and the failure paths above carry it as
 * they are.
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
  private final AllowlistCodec codec;
  private final Placement placement = new Placement();
  private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Each node's task requests on their way, batched while one is in flight. */
  private final Map<String, BatchingSender<Wire.TaskSpec>> outboxes = new ConcurrentHashMap<>();
  /** Functions prepare() encoded, reused when they are sent: a task's function is encoded once. */
  private final Cache<RayFunc, byte[]> encodedFunctions = Caffeine.newBuilder().weakKeys().build();
  /** Where nodes publish this driver's answers. */
  private final String replyTopic = "raylite.replies." + UUID.randomUUID();
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

  private record InFlight(String memberUuid, Placement.Slot slot, String taskName, Map<String, Double> resources,
      CompletableFuture<Object> answer) {}

  /**
   * Joins the cluster at {@code address} as a client.
   *
   * @throws RayliteException if it cannot, or if a node runs another Raylite version
   */
  HazelcastBackend(String address, String secret, ClassLoader loader) {
    this.address = address;
    this.token = ClusterConfigs.token(secret);
    this.codec = new AllowlistCodec(loader);
    try {
      this.client = HazelcastClient.newHazelcastClient(ClusterConfigs.client(secret, address, loader));
    } catch (IllegalStateException e) {
      throw new RayliteException("could not join the cluster at " + address + ": is a node running there, "
          + "and is the secret (RAYLITE_SECRET or -Draylite.secret) the one 'start --head' printed? " + e.getMessage(), e);
    }
    try {
      client.<byte[]>getTopic(replyTopic).addMessageListener(
          message -> replyReader.execute(() -> onReplies(message.getMessageObject())));
      client.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          addMember(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          memberLeft(event.getMember());
        }
      });
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
      client.getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED
            || event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
          lostCluster();
        }
      });
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  private void addMember(Member m) {
    String resources = m.getAttribute(ClusterConfigs.ATTR_RESOURCES);
    if (resources != null && placement.nodeIdOf(m.getUuid().toString()) == null) {
      placement.add(m.getUuid().toString(), m.getAttribute(ClusterConfigs.ATTR_NODE_ID),
          m.getAddress().getHost() + ":" + m.getAddress().getPort(), ResourceText.parse(resources));
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
    for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
      if (e.getValue().memberUuid().equals(uuid) && slot != null) {
        fail(e.getKey(), Placement.died(slot, e.getValue().taskName()));
      }
    }
  }

  private void lostCluster() {
    if (lost == null) {
      lost = closing ? "the driver's runtime closed" : "the driver lost its connection to the cluster at " + address;
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
    encodedFunctions.put(function, codec.encodeFunction(taskName, function));
    Object[] kept = args.clone();
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) == 0) {
        kept[i] = new Wire.EncodedArg(codec.encodeArgument(taskName, i, args[i]));
      }
    }
    return kept;
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
        wire[i] = new Wire.EncodedArg(codec.encodeArgument(task.name(), i, a));  // a value put on the driver
      }
    }
    byte[] f = encodedFunctions.get(function, fn -> codec.encodeFunction(task.name(), fn));
    Placement.Slot slot = placement.place(task.name(), task.resources(), preferred);
    long id = ids.incrementAndGet();
    CompletableFuture<Object> answer = new CompletableFuture<>();
    InFlight flight = new InFlight(slot.uuid, slot, task.name(), task.resources(), answer);
    inFlight.put(id, flight);
    String why = lost;
    if (why != null) {  // a loss that happened before the registration above failed nothing
      fail(id, closing ? new RuntimeClosedException(why) : new RayliteException(why));
      return answer;
    }
    outboxes.computeIfAbsent(slot.uuid, uuid -> new BatchingSender<Wire.TaskSpec>(MAX_BATCH,
            batch -> send(slot, batch), (batch, failure) -> notSent(slot, batch, failure)))
        .offer(new Wire.TaskSpec(id, task.taskId(), task.name(), task.attempt(), Wire.copy(task.resources()), f, wire));
    return answer;
  }

  /** Sends one batch to the node; the stage completes when the node has queued it, or fails in time. */
  private CompletableFuture<Boolean> send(Placement.Slot slot, List<Wire.TaskSpec> batch) {
    CompletableFuture<Boolean> queued = new CompletableFuture<>();
    Member member = RemoteObjects.memberOf(client, slot.uuid);
    if (member == null) {
      queued.completeExceptionally(Placement.died(slot, batch.getFirst().name()));
      return queued;
    }
    client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
        new NodeRequests.RunTasks(token, replyTopic, batch), member, new ExecutionCallback<Boolean>() {
          @Override
          public void onResponse(Boolean response) {
            queued.complete(response);
          }

          @Override
          public void onFailure(Throwable t) {
            queued.completeExceptionally(t);
          }
        });
    return queued.orTimeout(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
    InFlight f = inFlight.remove(id);
    if (f != null) {
      placement.release(f.slot(), f.resources());
      f.answer().completeExceptionally(failure);
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
      TaskOutput.print(lines.lines());
    }
    if (!read.answers().isEmpty()) {
      replyHandlers.execute(() -> complete(read.answers()));
    }
  }

  /** Completes the attempts a message answered, on a reply handler's thread. */
  private void complete(List<Wire.TaskDone> answers) {
    for (Wire.TaskDone done : answers) {
      InFlight f = inFlight.remove(done.id());
      if (f == null) {
        continue;
      }
      placement.release(f.slot(), f.resources());
      Object value;
      try {
        value = result(done.reply(), f.taskName());
      } catch (Throwable t) {
        f.answer().completeExceptionally(t);
        continue;
      }
      f.answer().complete(value);
    }
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
      case INLINE -> codec.decode(answer.bytes());
      case OWNED -> new RemoteObject(this, answer.handle());
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

  /** Fetches an object owned by a node. */
  Object fetch(Wire.ObjectHandle handle) {
    checkConnected();
    return RemoteObjects.fetch(client, codec, token, handle);
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

  @Override
  public boolean supportsActors() {
    return false;
  }

  @Override
  public void close() {
    closing = true;
    lostCluster();
    try {
      client.getTopic(replyTopic).destroy();
    } catch (RuntimeException e) {
      if (lost == null || client.getLifecycleService().isRunning()) {
        LOG.log(System.Logger.Level.DEBUG, "could not drop the reply topic " + replyTopic, e);
      }
    } finally {
      client.shutdown();
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

    RemoteObject(HazelcastBackend backend, Wire.ObjectHandle handle) {
      this.backend = backend;
      this.handle = handle;
      CLEANER.register(this, new Release(backend, handle));
    }

    @Override
    public Object fetch() {
      return backend.fetch(handle);
    }

    @Override
    public void free() {
      backend.release(handle, true);
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
