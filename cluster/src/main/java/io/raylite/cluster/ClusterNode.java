package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.Resources;
import io.raylite.TaskCall;
import io.raylite.TaskCancelledException;
import io.raylite.TaskFailedException;
import io.raylite.function.RayFunc;
import io.raylite.function.RayFunc0;
import io.raylite.spi.ValueCodec;
import io.raylite.spi.Invocation;
import io.raylite.spi.JavaSerializationCodec;
import io.raylite.spi.NestedTasks;
import io.raylite.spi.RemoteAttempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * One Raylite node: a Hazelcast member plus a local Raylite runtime that does the node's exact
 * resource accounting, GPU packing and work stealing. Drivers (Hazelcast clients) and other nodes
 * send it NodeRequests through the member's executor; each request is handed to the methods below
 * on an executor thread, never on a partition or event thread, and none of them waits for a task.
 *
 * Tasks: accept() queues each attempt in the local runtime (which queues what does not fit yet)
 * and returns; the executor thread is free again at once. The task's body reads its function and
 * arguments on the local worker that runs it. When it ends, answer() encodes its result or failure
 * on the thread that completed it, and reply() hands it to the BatchingSender of the submitter's
 * reply topic, which publishes the answers that gathered meanwhile as one message. `accepted`
 * remembers the attempt ids of the last three minutes, so a request delivered twice runs once.
 *
 * Output: while the body runs, the lines it prints (System.out, System.err, RuntimeContext.log)
 * are gathered by a TaskOutput.Capture and travel on the same reply sender, ahead of the answer
 * (ReplyMessage), so the submitter prints them before its get returns; the node prints them too.
 *
 * Nested tasks: `submitter` is a second runtime on this node, whose backend is a HazelcastBackend
 * on this member (home = this); runBody binds it with NestedTasks, so Raylite.current() in a task
 * places the tasks it submits across the cluster, and those placed here come back to accept()
 * without a request. Cancel and lost answers: `attempts` (NodeAttempts) finds the local task of a
 * submitter's attempt for cancel(); `answered` keeps each answer while `accepted` remembers its
 * attempt, for a submitter that asks again (checkAnswers). The answer is kept before the attempt
 * stops being live, so a check never finds it in neither.
 *
 * Objects: a task's result of more than INLINE_LIMIT encoded bytes stays in the local runtime's
 * store (with its spilling) under a key "<nodeId>/<n>", held by the ObjectRef in `owned` until a
 * FreeObject request (the driver's last holder let go, or free()) removes it. Readers fetch it in
 * chunks, several at a time: the first request of a transfer encodes the value once into
 * `transfers`, keyed by the reader's transfer id; the request that sends its last unsent bytes, or
 * a minute without a request, drops those bytes.
 *
 * Refs made here (a put in a task, the result of a nested task) that leave inside a value are
 * shared: `shared` (SharedRefs) holds each under a key "<nodeId>/s<n>" for its borrowers, who
 * fetch it as they fetch an owned result, except that its size is unknown until the owner has it
 * (prepareTransfer, on the await executor, waits for a pending one). See SharedRefs.
 *
 * Threads: `owned` and `transfers` are concurrent maps touched by any executor thread; everything
 * else is final after start. The local runtime is thread-safe.
 */
final class ClusterNode implements AutoCloseable {
  static final String USER_CONTEXT_KEY = "raylite.node";
  /** Results up to this many encoded bytes travel inside the ref, as in Ray. */
  static final int INLINE_LIMIT = 256;
  /** The most task answers one reply message carries. */
  static final int MAX_BATCH = 1_000;
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");

  /** The node of this JVM, for tasks that inspect it (tests); null outside a node. */
  private static volatile ClusterNode current;

  final String nodeId;
  /** The port its member bound. */
  final int port;
  final Raylite ray;
  final ValueCodec codec;
  private final byte[] token;
  private final String tokenText;
  private final HazelcastInstance hz;
  private final ConcurrentMap<String, ObjectRef<?>> owned = new ConcurrentHashMap<>();
  /** Refs made by this node's tasks that left it inside values, for their borrowers. */
  final SharedRefs shared;
  /** The backend of the node's submitting runtime, which reads the refs borrowed in its tasks. */
  private volatile HazelcastBackend nestedBackend;
  private final Cache<String, Transfer> transfers =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).build();
  private final AtomicLong objectIds = new AtomicLong();
  /**
   * Attempts accepted lately, by reply topic and id: a request delivered twice runs once. A
   * duplicate comes from a resent invocation, within Hazelcast's invocation timeout (120 s), so
   * three minutes cover it; the size bound keeps a busy node's memory in check.
   */
  private final Cache<String, Boolean> accepted =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(3)).maximumSize(1_000_000).build();
  /**
   * Answers sent lately, by reply topic and id, for a submitter that asks again (its copy was
   * lost); kept as long as `accepted` remembers the attempt.
   */
  private final Cache<String, Wire.TaskDone> answered =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(3)).maximumSize(100_000).build();
  /** Fault hook for tests: the next answer of a task of each of these names is dropped. */
  private final java.util.Set<String> dropAnswerOf = ConcurrentHashMap.newKeySet();
  /** The attempts queued or running here, for cancel requests. */
  private final NodeAttempts attempts = new NodeAttempts();
  /** Ends what a driver that left owned here: see FateSharing. */
  private final FateSharing fateSharing = new FateSharing();
  /** Answers and task output lines on their way to each submitter's reply topic. */
  private final ConcurrentMap<String, BatchingSender<ReplyMessage.Item>> replies = new ConcurrentHashMap<>();
  private final String localUuid;
  /** Signalled whenever an owned object is dropped, for awaitOwnedAtMost. */
  private final java.util.concurrent.locks.ReentrantLock ownedLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition ownedDropped = ownedLock.newCondition();
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** The bundles of the cluster's placement groups held here, each group's in a local group. */
  final NodeBundles bundles;
  /** The actors that live here, and this node's side as a caller of actors (see ClusterActors). */
  final ActorHost actorHost;
  final ClusterActors actors;
  /**
   * The node's own connection to the cluster, through its member: Raylite.current() in the tasks
   * it runs, so that their nested tasks are placed cluster-wide (see HazelcastBackend's home).
   * Completed once the member has joined: a submitter that saw the member join may send it tasks
   * before that, and their bodies wait for it.
   */
  private final java.util.concurrent.CompletableFuture<Raylite> submitter = new java.util.concurrent.CompletableFuture<>();

  /**
   * Starts a node: its local runtime, then its member, which joins the cluster. Port 0 takes any
   * free port (NodePorts); {@link #nodeId} and {@link #port} say which.
   *
   * @throws RayliteException if it could not join the head, or the cluster runs another version,
   *     or its explicit port is in use (a {@link NodePorts.PortInUseException} naming the port)
   */
  static ClusterNode start(NodeOptions options) {
    return NodePorts.start(options.bindHost(), options.port(), port -> startOn(options.withPort(port)));
  }

  /** Starts a node on {@code options.port()}, which is not 0. */
  private static ClusterNode startOn(NodeOptions options) {
    String nodeId = options.bindHost() + ":" + options.port();
    Raylite.Builder builder = Raylite.builder().name("node " + nodeId).nodeId(nodeId).cpus(options.cpus())
        .logStream(TaskOutput.install());
    if (options.gpus() != null) {
      builder.gpus(options.gpus());
    }
    options.resources().forEach(builder::resource);
    Raylite ray = builder.build();
    try {
      return new ClusterNode(options, nodeId, ray);
    } catch (RuntimeException e) {
      ray.close();
      throw e;
    }
  }

  private ClusterNode(NodeOptions options, String nodeId, Raylite ray) {
    this.nodeId = nodeId;
    this.port = options.port();
    this.ray = ray;
    this.bundles = new NodeBundles(nodeId, ray);
    this.shared = new SharedRefs(nodeId);
    this.codec = new ForyCodec(options.loader());
    this.tokenText = ClusterConfigs.token(options.secret());
    this.token = tokenText.getBytes(StandardCharsets.UTF_8);
    Config config = ClusterConfigs.member(options.secret(), options.bindHost(), options.port(),
        options.head() ? List.of() : List.of(options.headAddress()), options.loader());
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_NODE_ID, nodeId);
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_RESOURCES,
        ResourceText.format(ray.totalResources()));
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_VERSION, ClusterConfigs.version());
    ConcurrentMap<String, Object> context = new ConcurrentHashMap<>();
    context.put(USER_CONTEXT_KEY, this);
    config.setUserContext(context);
    try {
      this.hz = Hazelcast.newHazelcastInstance(config);
    } catch (HazelcastException e) {
      if (e.getCause() instanceof BindException) {
        throw new NodePorts.PortInUseException(options.bindHost(), options.port(), e);
      }
      throw e;
    }
    this.localUuid = hz.getCluster().getLocalMember().getUuid().toString();
    try {
      checkJoin(options);
    } catch (RuntimeException e) {
      submitter.completeExceptionally(e);
      hz.shutdown();
      throw e;
    }
    // The actors first: the submitting runtime's backend shares them (its tasks create and call actors).
    this.actorHost = new ActorHost(nodeId, ray, codec, hz, tokenText);
    hz.getUserContext().put(ActorHost.USER_CONTEXT_KEY, actorHost);
    fateSharing.start(hz, tokenText, nodeId, this::cancelTasksOf);
    this.actors = new ClusterActors(hz, codec, tokenText);
    actors.attach(ray);
    io.raylite.spi.ActorHosting.useClusterActors(ray, actors);
    try {
      submitter.complete(ScopedValue.where(HazelcastClusterProvider.CONNECTING_NODE, this).call(
          () -> Raylite.builder().name("node " + nodeId + " submitter").address(nodeId).dashboard(false).build()));
    } catch (RuntimeException e) {
      submitter.completeExceptionally(e);
      fateSharing.close();
      actors.close();
      actorHost.close();
      hz.shutdown();
      throw e;
    }
    current = this;
  }

  /** Raylite's join step: a worker must have found the head, and every member must run our version. */
  private void checkJoin(NodeOptions options) {
    if (!options.head() && hz.getCluster().getMembers().size() < 2) {
      throw new RayliteException("node " + nodeId + " could not join the head at " + options.headAddress()
          + ": is the head running, and is the secret the one its start printed?");
    }
    String mine = ClusterConfigs.version();
    for (Member m : hz.getCluster().getMembers()) {
      String theirs = m.getAttribute(ClusterConfigs.ATTR_VERSION);
      if (!m.localMember() && !mine.equals(theirs)) {
        throw new RayliteException("node " + nodeId + " runs Raylite " + mine + " but node "
            + m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " runs Raylite " + theirs
            + ": every node and driver of a cluster must run the same version");
      }
    }
  }

  /** The backend of the node's submitting runtime: a HazelcastBackend on this node's member. */
  HazelcastBackend submitterBackend() {
    HazelcastBackend backend = new HazelcastBackend(nodeId, tokenText, codec, hz, this);
    nestedBackend = backend;
    return backend;
  }

  /** The node's submitting runtime (Raylite.current() in its tasks), once it exists. */
  Raylite nestedRuntime() {
    return submitter.join();
  }

  /** The backend of the node's submitting runtime, or null before it exists. */
  HazelcastBackend nestedBackend() {
    return nestedBackend;
  }

  /** This node's Hazelcast member id. */
  String localUuid() {
    return localUuid;
  }

  /** The node of this JVM, or null. */
  static ClusterNode current() {
    return current;
  }

  /** How many objects this node owns for remote holders now. */
  int ownedObjects() {
    return owned.size();
  }

  void checkToken(String presented) {
    if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new SecurityException("request refused by node " + nodeId + ": wrong cluster secret");
    }
  }

  /* ---------------- Tasks ---------------- */

  /**
   * Queues one attempt of a task in the local runtime, on the executor thread that received it,
   * and returns at once; when the task ends, its answer goes to {@code replyTopic}. An attempt
   * already accepted (the same request delivered twice) is ignored.
   */
  void accept(String replyTopic, Wire.TaskSpec spec) {
    String key = replyTopic + "/" + spec.id();
    NodeAttempts.Attempt attempt = attempts.open(key);  // before the accepted mark: see NodeAttempts
    if (attempt == null) {
      return;
    }
    if (accepted.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      attempts.close(key, attempt);
      return;
    }
    if (attempt.cancelled() || fateSharing.gone(replyTopic)) {
      Wire.TaskDone cancelled = new Wire.TaskDone(spec.id(), failure(new io.raylite.spi.CancelledThereException("task '"
          + spec.name() + "' (" + spec.taskId() + ") was cancelled before it started on node " + nodeId)));
      answered.put(key, cancelled);
      attempts.close(key, attempt);
      reply(replyTopic, cancelled);
      return;
    }
    ObjectRef<Object> ref;
    try {
      TaskCall<Object> call = ray.task((RayFunc0<Object>) () -> runBody(replyTopic, spec)).name(spec.name())
          .maxRetries(0).priority(spec.priority());
      if (spec.placementGroup() != null) {
        NodeBundles.Target in = bundles.target(spec.placementGroup(), spec.bundleIndex(), spec.name());
        call.placementGroup(in.local(), in.localIndex());
      }
      spec.resources().forEach((name, amount) -> {
        switch (name) {
          case Resources.CPU -> call.numCpus(amount);
          case Resources.GPU -> call.numGpus(amount);
          case Resources.MEMORY -> call.memory(amount.longValue());
          default -> call.resource(name, amount);
        }
      });
      ref = RemoteAttempt.submitAs(spec.attempt(), call::remote);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " could not queue task '" + spec.name() + "'", e);
      Wire.TaskDone refused = new Wire.TaskDone(spec.id(), failure(e));
      answered.put(key, refused);
      attempts.close(key, attempt);
      reply(replyTopic, refused);
      return;
    }
    attempt.started(ref, ray);
    ref.toCompletableFuture().whenComplete((value, error) -> {
      Wire.TaskDone done;
      try {
        done = answer(spec, ref, value, error);
      } catch (Throwable t) {  // an answer must leave, or the submitter would wait forever
        done = new Wire.TaskDone(spec.id(), failure(new RayliteException("node " + nodeId
            + " could not answer task '" + spec.name() + "': " + t, t)));
      }
      answered.put(key, done);  // before the attempt stops being live: see checkAnswers
      attempts.close(key, attempt);
      if (dropAnswerOf.remove(spec.name())) {
        return;  // the fault hook: this answer is lost on its way
      }
      reply(replyTopic, done);
    });
  }

  /**
   * Cancels the attempt {@code id} of the submitter at {@code replyTopic}, queued or running here,
   * or the one that has not arrived yet; its answer then says it was cancelled. Does nothing for
   * an attempt already answered.
   */
  void cancel(String replyTopic, long id, boolean force) {
    CompletableFuture<Void> hold = cancelHold.get();
    if (hold != null && !force && cancelHeld.compareAndSet(false, true)) {
      try {
        hold.get(HOLD_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        cancelHold.compareAndSet(hold, null);  // no forced cancel came meanwhile, as it should be
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);  // never: the hold is only ever completed normally
      }
    }
    String key = replyTopic + "/" + id;
    NodeAttempts.Attempt attempt = attempts.forCancel(key, k -> accepted.getIfPresent(k) != null);
    if (attempt != null) {
      attempt.cancel(force, ray);
    }
    if (force && cancelHold.get() != null) {
      forcedWhileHeld = true;
    }
  }

  /** Fault hook for tests: see holdNextCancelUntilAForcedOne. */
  private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> cancelHold =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean cancelHeld = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean forcedWhileHeld;
  private static final long HOLD_SECONDS = 10;

  /**
   * Fault hook for tests: the next cancel that is not forced waits, before it applies, until a
   * forced cancel has been applied here and a task has started after it (on what the forced one
   * freed), or HOLD_SECONDS pass. A submitter that sends its cancels in order never lets a later
   * forced one overtake, so the wait runs out; one that does not, shows it.
   */
  void holdNextCancelUntilAForcedOne() {
    forcedWhileHeld = false;
    cancelHeld.set(false);
    cancelHold.set(new CompletableFuture<>());
  }

  /** Ends the fault hook above: a cancel held now applies at once, and the next one is not held. */
  void stopHoldingCancels() {
    CompletableFuture<Void> held = cancelHold.getAndSet(null);
    if (held != null) {
      held.complete(null);
    }
  }

  /** The fault hook's release: a task starts here after a forced cancel while a cancel is held. */
  private void releaseHeldCancel() {
    if (forcedWhileHeld) {
      CompletableFuture<Void> held = cancelHold.getAndSet(null);
      if (held != null) {
        held.complete(null);
      }
    }
  }

  /** Cancels, with force, every attempt of the submitter at {@code replyTopic} queued or running here; how many. */
  int cancelTasksOf(String replyTopic) {
    long[] ids = attempts.liveIds(replyTopic);
    for (long id : ids) {
      cancel(replyTopic, id, true);
    }
    return ids.length;
  }

  /** What checkAnswers says of each attempt. */
  static final byte LIVE = 0;
  static final byte RESENT = 1;
  static final byte NOT_ARRIVED = 2;
  static final byte LOST = 3;

  /**
   * For a submitter that has waited long for these attempts' answers: for each, whether it is
   * still queued or running here (LIVE), was answered and its answer is sent again (RESENT), has
   * not arrived (NOT_ARRIVED, its request may be on its way), or was answered and forgotten (LOST).
   */
  byte[] checkAnswers(String replyTopic, long[] ids) {
    byte[] states = new byte[ids.length];
    java.util.Set<Long> live = new java.util.HashSet<>();
    for (long id : attempts.liveIds(replyTopic)) {
      live.add(id);
    }
    for (int i = 0; i < ids.length; i++) {
      String key = replyTopic + "/" + ids[i];
      Wire.TaskDone done;
      if (live.contains(ids[i])) {
        states[i] = LIVE;
      } else if ((done = answered.getIfPresent(key)) != null) {
        reply(replyTopic, done);  // delivered twice at worst: the submitter drops the second
        states[i] = RESENT;
      } else {
        states[i] = accepted.getIfPresent(key) == null ? NOT_ARRIVED : LOST;
      }
    }
    return states;
  }

  /** Fault hook for tests: drops the next answer of a task named {@code taskName} on this node. */
  void dropNextAnswerOf(String taskName) {
    dropAnswerOf.add(taskName);
  }

  /**
   * The task itself, on a worker of the local runtime: reads its function and arguments, and calls
   * it, gathering the lines it prints for its submitter (TaskOutput).
   */
  private Object runBody(String replyTopic, Wire.TaskSpec spec) throws Exception {
    releaseHeldCancel();
    var context = Raylite.context();
    TaskOutput.Capture capture = new TaskOutput.Capture(spec.id(),
        "(" + spec.name() + " node=" + nodeId + " worker=" + context.workerName() + ") ",
        c -> send(replyTopic, new ReplyMessage.Output(c)));
    try {
      Raylite nested = submitter.join();
      return ScopedValue.where(TaskOutput.CAPTURE, capture)
          .where(ClusterGenerators.SINK, (itemId, value) -> sendItem(replyTopic, itemId, value))
          .call(() -> NestedTasks.submitThrough(nested, () -> {
        RayFunc f = (RayFunc) decode(spec.function(), "function of task '" + spec.name() + "'");
        Object[] values = new Object[spec.args().length];
        for (int i = 0; i < values.length; i++) {
          values[i] = argument(spec.args()[i], spec.name(), i);
        }
        return Invocation.invoke(f, values);
      }));
    } finally {
      capture.close();
    }
  }

  /** The answer for a task that ended: its result inline or owned here, or its failure. */
  private Wire.TaskDone answer(Wire.TaskSpec spec, ObjectRef<Object> ref, Object value, Throwable error) {
    if (error != null) {
      Throwable t = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
      if (t instanceof TaskCancelledException && !(t instanceof io.raylite.spi.CancelledThereException)) {
        // This runtime cancelled it (its body's own TaskCancelledException arrives wrapped in a
        // TaskFailedException): the submitter finishes its task as cancelled.
        return new Wire.TaskDone(spec.id(), failure(new io.raylite.spi.CancelledThereException(t.getMessage())));
      }
      return new Wire.TaskDone(spec.id(), failure(t instanceof TaskFailedException && t.getCause() != null
          ? t.getCause() : t));
    }
    SizingStream sized = new SizingStream();
    List<String> exported = new ArrayList<>();  // refs the encoding shared (see SharedRefs)
    try {
      long raw = JavaSerializationCodec.rawArraySize(value);
      if (raw > INLINE_LIMIT) {
        sized.count = raw;  // a large primitive array: its size is known without encoding it
      } else {
        ScopedValue.where(BorrowedRef.EXPORTED, exported).call(() -> {
          codec.encode(value, sized);
          return null;
        });
      }
    } catch (IOException e) {
      exported.forEach(shared::release);
      return new Wire.TaskDone(spec.id(), failure(new RayliteException("the result of task '" + spec.name() + "' ("
          + spec.taskId() + ", " + (value == null ? "null" : value.getClass().getName()) + ") cannot be serialized: "
          + e, e)));
    }
    if (sized.count <= INLINE_LIMIT) {
      // Its refs' holds go with the bytes, to the reader of the answer (see SharedRefs).
      return new Wire.TaskDone(spec.id(), new Wire.TaskReply(Wire.TaskReply.Kind.INLINE,
          java.util.Arrays.copyOf(sized.head, (int) sized.count), null, null));
    }
    exported.forEach(shared::release);  // the value is encoded again for each reader, sharing anew
    String key = nodeId + "/" + objectIds.incrementAndGet();
    owned.put(key, ref);
    return new Wire.TaskDone(spec.id(), new Wire.TaskReply(Wire.TaskReply.Kind.OWNED, null,
        new Wire.ObjectHandle(localUuid, nodeId, key, sized.count), null));
  }

  /**
   * Counts an encoding and keeps its first INLINE_LIMIT bytes only: a large result stays in the
   * store as a value, and is encoded again only when it is read.
   */
  private static final class SizingStream extends java.io.OutputStream {
    final byte[] head = new byte[INLINE_LIMIT];
    long count;

    @Override
    public void write(int b) {
      if (count < INLINE_LIMIT) {
        head[(int) count] = (byte) b;
      }
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (count < INLINE_LIMIT) {
        System.arraycopy(b, off, head, (int) count, (int) Math.min(len, INLINE_LIMIT - count));
      }
      count += len;
    }
  }

  /**
   * Sends a streaming generator's value to the submitter at {@code replyTopic} under {@code itemId},
   * as a task's result travels: inline when small, else kept here and sent as its handle (see
   * ClusterGenerators).
   *
   * @throws IOException if the value cannot be serialized
   */
  private void sendItem(String replyTopic, long itemId, Object value) throws IOException {
    SizingStream sized = new SizingStream();
    long raw = JavaSerializationCodec.rawArraySize(value);
    if (raw > INLINE_LIMIT) {
      sized.count = raw;
    } else {
      codec.encode(value, sized);
    }
    Wire.TaskReply reply;
    if (sized.count <= INLINE_LIMIT) {
      reply = new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, java.util.Arrays.copyOf(sized.head, (int) sized.count),
          null, null);
    } else {
      String key = nodeId + "/" + objectIds.incrementAndGet();
      owned.put(key, ray.put(value));
      reply = new Wire.TaskReply(Wire.TaskReply.Kind.OWNED, null, new Wire.ObjectHandle(localUuid, nodeId, key,
          sized.count), null);
    }
    reply(replyTopic, new Wire.TaskDone(itemId, reply));
  }

  /** Sends an answer to its submitter, batched with the others bound there. */
  private void reply(String replyTopic, Wire.TaskDone done) {
    send(replyTopic, new ReplyMessage.Answer(done));
  }

  /** Queues an answer or a task's lines for the submitter's reply topic; see ReplyMessage. */
  private void send(String replyTopic, ReplyMessage.Item item) {
    replies.computeIfAbsent(replyTopic, topic -> new BatchingSender<ReplyMessage.Item>(MAX_BATCH,
        batch -> hz.<byte[]>getTopic(topic).publishAsync(ReplyMessage.write(batch)),
        (batch, failure) -> LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " could not send "
            + batch.size() + " task answers or output batches to " + topic + "; its submitter will not see them",
            failure)))
        .offer(item);
  }

  private Object argument(Object wire, String taskName, int index) {
    if (wire instanceof Wire.EncodedArg encoded) {
      return decode(encoded.bytes(), "argument " + index + " of task '" + taskName + "'");
    }
    Wire.ObjectHandle handle = (Wire.ObjectHandle) wire;
    if (handle.ownerNodeId().equals(nodeId)) {
      return ownedRef(handle.key()).get();
    }
    boolean[] ownerGone = {false};
    try {
      return ScopedValue.where(BorrowedRef.TAKE_OVER, Boolean.TRUE).call(
          () -> RemoteObjects.fetch(hz, codec, tokenText, handle, () -> ownerGone[0] = true));
    } catch (ObjectLostException lost) {
      if (ownerGone[0]) {
        // Not this task's failure: its submitter rebuilds the argument and runs it again.
        throw new io.raylite.spi.ArgumentLostException(handle.ownerUuid(), "argument " + index + " of task '"
            + taskName + "' was lost while node " + nodeId + " fetched it: " + lost.getMessage(), lost);
      }
      throw lost;
    }
  }

  private Object decode(byte[] bytes, String what) {
    return decode(codec, nodeId, bytes, what);
  }

  /** Decodes {@code what} on node {@code nodeId}; a missing class is named with the two ways to add it. */
  static Object decode(ValueCodec codec, String nodeId, byte[] bytes, String what) {
    try {
      return codec.decode(bytes);
    } catch (ClassNotFoundException e) {
      throw new RayliteException("the " + what + " needs class " + e.getMessage() + ", which is not on the "
          + "class path of node " + nodeId + ": start the node with --classpath app.jar, or as "
          + "java -cp raylite-cluster.jar:app.jar io.raylite.cluster.NodeMain start ...", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " on node " + nodeId + ": " + e.getMessage(), e);
    }
  }


  private Wire.TaskReply failure(Throwable t) {
    return failure(codec, nodeId, t);
  }

  /** A task's or actor call's exception, encoded to travel to its submitter; one that cannot be, as a description. */
  static Wire.TaskReply failure(ValueCodec codec, String nodeId, Throwable t) {
    byte[] bytes;
    try {
      bytes = codec.encode(t);
    } catch (IOException notSerializable) {
      try {
        bytes = codec.encode(new RayliteException(t + " (on node " + nodeId
            + "; the exception itself could not be serialized: " + notSerializable + ")"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Wire.TaskReply(Wire.TaskReply.Kind.FAILED, bytes, null, t.toString());
  }


  /* ---------------- Objects ---------------- */

  private ObjectRef<?> ownedRef(String key) {
    ObjectRef<?> ref = SharedRefs.isShared(key) ? shared.get(key) : owned.get(key);
    if (ref == null) {
      throw new ObjectLostException("object " + key + " was freed on node " + nodeId);
    }
    return ref;
  }

  /**
   * An object's encoding being read by one reader, and how many of its bytes are still to be sent.
   * A primitive array is not encoded ahead: each chunk is copied out of the value itself
   * (JavaSerializationCodec.copyRawArrayEncoding), so a large array costs no second copy in full.
   */
  private record Transfer(Object rawArray, byte[] bytes, long size, AtomicLong unsent) {
    static Transfer of(Object value, ValueCodec codec) throws IOException {
      long raw = JavaSerializationCodec.rawArraySize(value);
      if (raw >= 0) {
        return new Transfer(value, null, raw, new AtomicLong(raw));
      }
      byte[] bytes = codec.encode(value);
      return new Transfer(null, bytes, bytes.length, new AtomicLong(bytes.length));
    }

    byte[] range(long offset, int n) {
      byte[] data = new byte[n];
      if (rawArray != null) {
        JavaSerializationCodec.copyRawArrayEncoding(rawArray, offset, data, 0, n);
      } else {
        System.arraycopy(bytes, (int) offset, data, 0, n);
      }
      return data;
    }
  }

  /**
   * A chunk of the object's encoding for the reader's transfer, as a plain array (which Hazelcast
   * writes without Java serialization); empty past the end. The reader may ask for several chunks
   * at once, which arrive in any order; the encoding is dropped once every byte was sent.
   */
  byte[] chunk(String key, String transfer, long offset, int length) {
    ObjectRef<?> ref = ownedRef(key);
    Transfer t = transfers.get(transfer, id -> {
      try {
        return Transfer.of(ref.get(), codec);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode object " + key + " on node " + nodeId, e);
      }
    });
    int n = (int) Math.max(0, Math.min(length, t.size() - offset));
    byte[] data = t.range(Math.min(offset, t.size()), n);
    if (t.unsent().addAndGet(-n) <= 0) {
      transfers.invalidate(transfer);
    }
    return data;
  }

  /**
   * Waits until the object {@code key} is ready (a shared ref's task may still run), encodes it for
   * the reader's {@code transfer}, and returns its encoded size; chunk() then serves the bytes.
   * Runs on the await executor, whose threads may wait this long (see ClusterConfigs).
   *
   * @throws io.raylite.TaskFailedException as the object's get would
   */
  long prepareTransfer(String key, String transfer) {
    Object value = ownedRef(key).get();  // not inside the cache's compute: other transfers go on meanwhile
    Transfer t;
    try {
      t = Transfer.of(value, codec);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode object " + key + " on node " + nodeId, e);
    }
    transfers.put(transfer, t);
    return t.size();
  }

  /** A key of its own for a reader of the shared ref {@code key}; see SharedRefs. */
  String hold(String key) {
    return shared.hold(key);
  }

  /** How many holds of shared refs this node keeps now. */
  int sharedRefs() {
    return shared.size();
  }

  /**
   * Waits until this node keeps at most {@code count} holds of shared refs; whether it came to that
   * within the timeout. For tests that watch borrowers let go.
   */
  boolean awaitSharedAtMost(int count, Duration timeout) throws InterruptedException {
    return awaitDroppedTo(shared::size, count, timeout);
  }

  /** Drops the object, or a borrower's hold of a shared ref; whether it was still here. */
  boolean free(String key) {
    if (SharedRefs.isShared(key)) {
      boolean held = shared.release(key);
      signalDropped();
      return held;
    }
    ObjectRef<?> ref = owned.remove(key);
    if (ref != null) {
      ray.free(List.of(ref));
      signalDropped();
    }
    return ref != null;
  }

  private void signalDropped() {
    ownedLock.lock();
    try {
      ownedDropped.signalAll();
    } finally {
      ownedLock.unlock();
    }
  }

  /**
   * Waits until this node owns at most {@code count} objects for remote holders; whether it came to
   * that within the timeout. For tests that watch remote releases.
   */
  boolean awaitOwnedAtMost(int count, Duration timeout) throws InterruptedException {
    return awaitDroppedTo(owned::size, count, timeout);
  }

  /** Waits on ownedDropped until {@code size} is at most {@code count}; whether it was within the timeout. */
  private boolean awaitDroppedTo(java.util.function.IntSupplier size, int count, Duration timeout)
      throws InterruptedException {
    long left = timeout.toNanos();
    ownedLock.lock();
    try {
      while (size.getAsInt() > count) {
        if (left <= 0) {
          return false;
        }
        left = ownedDropped.awaitNanos(left);
      }
      return true;
    } finally {
      ownedLock.unlock();
    }
  }

  /* ---------------- Lifecycle ---------------- */

  /** The nodes of the cluster as this member sees them. */
  List<String> describeMembers() {
    List<String> lines = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      Map<String, Double> resources = new LinkedHashMap<>(ResourceText.parse(m.getAttribute(ClusterConfigs.ATTR_RESOURCES)));
      lines.add(m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " " + resources);
    }
    return lines;
  }

  /** Blocks until the node is closed. */
  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    try {
      fateSharing.close();
      actors.close();
      Raylite nested = submitter.getNow(null);
      if (nested != null) {
        nested.close();
      }
      hz.shutdown();
    } finally {
      ray.close();
      actorHost.close();
      current = null;
      stopped.countDown();
    }
  }
}
