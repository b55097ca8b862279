package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.raylite.ActorDiedException;
import io.raylite.ActorOptions;
import io.raylite.ConcurrencyGroup;
import io.raylite.InfeasibleResourceException;
import io.raylite.NodeDiedException;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.RuntimeClosedException;
import io.raylite.RuntimeContext;
import io.raylite.function.RayFunc;
import io.raylite.spi.ActorBackend;
import io.raylite.spi.ValueCodec;
import io.raylite.spi.RemoteActor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * One JVM's side of the cluster's actors, as a caller: the driver's (on its Hazelcast client) and
 * each node's (on its member), so that handles work the same wherever they are used. The actors
 * themselves live in the ActorHost of their node.
 *
 * Creation: the actor's node is chosen like a task's by its resources: among the nodes that could
 * ever hold it (none: InfeasibleResourceException at once), the one where it fits now with the
 * lowest load, asked of each node (ActorRequests.Available); ties go round-robin, so 0-CPU actors
 * spread. A name is registered first, with an atomic putIfAbsent in the NAMES map (never a lock):
 * exactly one of two concurrent creations wins; the other fails as locally, unless the holder is
 * no longer alive (its node left, or its node no longer hosts it), which it replaces atomically
 * (replace(key, old, new)). Then the node is asked to build it; if that fails, the name is removed
 * again (remove(key, value)).
 *
 * Calls: every call carries this JVM's caller id and its sequence number among this caller's calls
 * to that actor, taken at submission on the caller's thread (call()), so the actor's node can
 * restore the caller's order (CallSequencer) whatever order the calls arrive in. A call waits for
 * its ObjectRef arguments before it is sent; one abandoned (an argument failed) is still sent as an
 * empty place in the order. Calls go to their node's outbox, a BatchingSender, as tasks do; each
 * answer comes back on this JVM's reply topic and completes the call's future in `pending`. A node
 * that leaves (or a send that fails because it is gone) fails its calls in flight with
 * ActorDiedException naming the actor, the node and the cause; losing the cluster fails every one.
 *
 * Restarts across nodes: an actor with maxRestarts not 0 has a Home in the HOMES map (its
 * address, its restarts so far, its limits and its encoded Spec), written by its creator. When a
 * node leaves, the oldest remaining member (one JVM, so one restarter) rebuilds each actor whose
 * home is on a node no longer in the cluster: on the node chosen as at creation, as a restart
 * (wasActorRestarted() is true there, and the restarts count against maxRestarts), then moves the
 * name (replace(key, old, new)) and the home (replace(id, old, moved)); with no restart left, or
 * no node that takes it, it marks the home dead with the reason. A restart that then finds the
 * home changed meanwhile (the actor was killed, or its owner left: FateSharing) kills what it
 * built, unless another restart built it at the same address. The home's change reaches every
 * JVM (an entry listener), which retries, up to maxTaskRetries (-1: without limit), each of its
 * calls that had been sent to the lost node and not answered, and fails the others with
 * ActorDiedException naming the actor, the lost node and the cause. Answers already received are
 * kept, never replayed. Each caller's order across the move: a Track per actor holds the caller's
 * numbers not yet finished; on the move its lowest one becomes the floor sent with every later
 * call, the new incarnation takes the numbers below it as done, and the finished ones above it
 * are sent as empty places, so the retried calls run in their first order, before later ones.
 * Handles keep their first address; calls go to the Track's current one.
 *
 * maxPendingCalls is per caller, a caller being one JVM's connection: call() refuses a call while
 * this caller has that many unfinished calls to the actor (its Track's outstanding numbers); the
 * actor's node does not count them again.
 *
 * Streaming generator calls carry a stream id (ClusterGenerators): the node answers each value
 * under an id of its own before the call's answer, and this JVM reads its reply messages one at a
 * time on `replyReader`, in the order they came, handing values to their streams there and the
 * answers to `handlers`, so a stream has its values before its call ends.
 *
 * Threads: `pending`, `tracks` and `outboxes` are concurrent; a Track is guarded by its monitor; whoever removes a call from `pending`
 * completes it, once. Hazelcast's callbacks only hand work to `replyReader` (one virtual thread,
 * which reads the reply messages in order) and `handlers` (virtual threads) or complete futures;
 * nothing blocks on its event threads.
 */
final class ClusterActors implements ActorBackend {
  /** The cluster-wide map of named actors: "namespace\0name" to the actor's Address. */
  static final String NAMES = "raylite.actor-names";
  /** The cluster-wide map of restartable actors' homes: actor id to its ActorWire.Home. */
  static final String HOMES = "raylite.actor-homes";
  /** How the name of a call the caller did not name begins (the actor's node names it for its method). */
  static final String UNNAMED_CALL = "call of actor ";
  /** How long a node may take to queue calls or to start building an actor. */
  static final long SEND_TIMEOUT_SECONDS = 60;
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");
  /** The open connections of this JVM, for handles read here (normally one). */
  private static final List<ClusterActors> OPEN = new CopyOnWriteArrayList<>();

  private final HazelcastInstance hz;
  private final ValueCodec codec;
  private final String token;
  /** This JVM's connection as a caller of actors: the first part of every call's order. */
  final String callerId = UUID.randomUUID().toString();
  private final String replyTopic = "raylite.actor-replies." + callerId;
  private volatile Raylite runtime;
  private final ConcurrentMap<Long, Pending> pending = new ConcurrentHashMap<>();
  /**
   * The output of the task on this node that made each call, by call id: what the actor prints is
   * that task's (TaskOutput), as a nested task's lines are. Weak: a task that ended prints nothing more.
   */
  private final Cache<Long, TaskOutput.Capture> callerOutput = Caffeine.newBuilder().weakValues().build();
  private final AtomicLong callIds = new AtomicLong();
  private final AtomicLong actorIds = new AtomicLong();
  private final AtomicInteger nextNode = new AtomicInteger();
  /** This caller's calls to each actor, by actor id. */
  private final ConcurrentMap<String, Track> tracks = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, BatchingSender<ActorWire.Call>> outboxes = new ConcurrentHashMap<>();
  /** Methods encoded once each: a batch of calls of one method carries its bytes once. */
  private final Cache<RayFunc, byte[]> methods = Caffeine.newBuilder().weakKeys().build();
  /** The streaming generator calls of this caller whose values are still to come. */
  private final ClusterGenerators generators = new ClusterGenerators();
  private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("raylite-actor-replies-", 0).factory());
  /**
   * Reads the reply messages one at a time, in the order they came, so that the output lines they
   * carry are printed in the order the actors printed them and generator values precede their
   * call's answer; the answers go on to `handlers`.
   */
  private final ExecutorService replyReader = Executors.newSingleThreadExecutor(
      Thread.ofVirtual().name("raylite-actor-reply-reader").factory());
  /**
   * The non-detached actors this connection created and has not killed: closing it kills them,
   * as Ray ends a job's non-detached actors when its driver exits.
   */
  private final ConcurrentMap<String, ActorWire.Address> owned = new ConcurrentHashMap<>();
  private final UUID topicListener;
  private final UUID membershipListener;
  private volatile String lost;

  private final UUID homesListener;
  /** This driver's client uuid, under which FateSharing.OWNED lists its actors; null on a node. */
  private final String driver;

  /**
   * This caller's calls to one actor: where they go now, the next sequence number, and the numbers
   * taken and not yet finished. All guarded by this.
   */
  private static final class Track {
    ActorWire.Address current;
    int incarnation;
    long next;
    long floor;
    final java.util.TreeSet<Long> outstanding = new java.util.TreeSet<>();

    Track(ActorWire.Address first) {
      current = first;
    }

    synchronized void finished(long seq) {
      outstanding.remove(seq);
    }
  }

  /** A call sent and not yet answered; {@code sentTo} is where it went last (null while it is being sent). */
  private static final class Pending {
    final ActorWire.Address actor;
    final String callName;
    final CompletableFuture<Object> answer;
    final Track track;
    final ActorWire.Call call;
    /** Guarded by track. */
    ActorWire.Address sentTo;
    /** Guarded by track. */
    int retries;
    /** Guarded by track: its node was gone before it could be handed over, so a retry is not counted. */
    boolean undelivered;

    Pending(ActorWire.Address actor, String callName, CompletableFuture<Object> answer, Track track,
        ActorWire.Call call) {
      this.actor = actor;
      this.callName = callName;
      this.answer = answer;
      this.track = track;
      this.call = call;
    }

    ActorWire.Address actor() {
      return actor;
    }

    String callName() {
      return callName;
    }

    CompletableFuture<Object> answer() {
      return answer;
    }
  }

  /** Where actors placed in placement groups find their bundles' nodes; null until set. */
  private volatile ClusterPlacementGroups placementGroups;

  ClusterActors(HazelcastInstance hz, ValueCodec codec, String token) {
    this.hz = hz;
    this.codec = codec;
    this.token = token;
    this.driver = FateSharing.driverOf(hz);
    this.topicListener = hz.<byte[]>getTopic(replyTopic).addMessageListener(
        message -> replyReader.execute(() -> onReplies(message.getMessageObject())));
    this.membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        handlers.execute(() -> nodeLeft(event.getMember()));
      }
    });
    this.homesListener = hz.<String, ActorWire.Home>getMap(HOMES).addEntryListener(
        (com.hazelcast.map.listener.EntryUpdatedListener<String, ActorWire.Home>) event ->
            handlers.execute(() -> relocate(event.getKey(), event.getValue())), true);
    hz.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED
          || event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
        lostCluster("the connection to the cluster was lost");
      }
    });
    OPEN.add(this);
  }

  /**
   * The connection a handle read on this thread binds to: the one whose runtime runs the current
   * task or actor call, else the first open one; null if this JVM has none.
   */
  static ClusterActors forThisJvm() {
    Optional<RuntimeContext> context = Raylite.contextIfRunning();
    if (context.isPresent()) {
      for (ClusterActors c : OPEN) {
        if (c.runtime == context.get().runtime()) {
          return c;
        }
      }
    }
    return OPEN.isEmpty() ? null : OPEN.getFirst();
  }

  static String nameKey(String namespace, String name) {
    return namespace + "\u0000" + name;
  }

  @Override
  public void attach(Raylite runtime) {
    this.runtime = runtime;
  }

  Raylite runtime() {
    Raylite r = runtime;
    if (r == null) {
      throw new IllegalStateException("no runtime uses this connection to the cluster yet");
    }
    return r;
  }

  private void checkConnected() {
    String why = lost;
    if (why != null) {
      throw new RayliteException(why);
    }
  }

  /* ---------------- Creation and names ---------------- */

  @Override
  public RemoteActor create(RayFunc constructor, Object[] args, ActorOptions options) {
    checkConnected();
    String name = options.name();
    String namespace = name == null ? null : options.namespace() != null ? options.namespace() : runtime().namespace();
    String what = name != null ? "actor '" + name + "'" : "actor";
    codec.encodeFunction(what, constructor);
    for (int i = 0; i < args.length; i++) {
      codec.encodeArgument(what + " constructor", i, args[i]);
    }
    List<ActorWire.Group> groups = new ArrayList<>();
    for (ConcurrencyGroup g : options.concurrencyGroups()) {
      groups.add(new ActorWire.Group(g.name(), g.maxConcurrency(), new ArrayList<>(g.methods())));
    }
    // In a placement group: the node holding its bundle, once the group holds it.
    ClusterPlacementGroups.Target bundle = options.placementGroup() == null ? null
        : bundleOf(options, what);
    byte[] spec;
    try {
      spec = codec.encode(new ActorWire.Spec(constructor, args.clone(), new java.util.HashMap<>(options.resources()),
          name, namespace, options.lifetime(), options.maxRestarts(), options.maxTaskRetries(),
          options.maxConcurrency(), options.maxPendingCalls(), options.dedicatedThread(), groups,
          bundle == null ? null : options.placementGroup().id(), bundle == null ? -1 : bundle.bundle()));
    } catch (IOException e) {
      throw new IllegalArgumentException("the options of " + what + " cannot be sent to a node (a concurrency "
          + "group's method is not serializable?): " + e.getMessage(), e);
    }
    Member node = bundle == null ? chooseNode(options.resources(), what) : bundleNode(bundle, what);
    ActorWire.Address address = new ActorWire.Address("actor-" + callerId.substring(0, 8) + "-"
        + actorIds.incrementAndGet(), node.getUuid().toString(), node.getAttribute(ClusterConfigs.ATTR_NODE_ID),
        name, namespace, options.maxPendingCalls());
    boolean fateShared = driver != null && options.lifetime() != io.raylite.ActorLifetime.DETACHED;
    if (fateShared) {
      // Listed before its name is taken: if this driver dies from here on, the name is freed with it.
      FateSharing.owned(hz).put(driver, address);
    }
    if (name != null) {
      try {
        register(address);
      } catch (RuntimeException e) {
        if (fateShared) {
          FateSharing.owned(hz).remove(driver, address);
        }
        throw e;
      }
    }
    if (options.maxRestarts() != 0) {
      homes().set(address.id(), new ActorWire.Home(address, 0, options.maxRestarts(), options.maxTaskRetries(),
          ResourceText.format(options.resources()), spec, null));
    }
    try {
      await(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
          new ActorRequests.Create(token, address, spec, replyTopic), node), "node " + address.nodeId() + " to start " + what);
    } catch (RuntimeException e) {
      if (name != null) {
        names().remove(nameKey(namespace, name), address);
      }
      if (options.maxRestarts() != 0) {
        homes().delete(address.id());
      }
      if (fateShared) {
        FateSharing.owned(hz).remove(driver, address);
      }
      throw e;
    }
    if (options.lifetime() != io.raylite.ActorLifetime.DETACHED) {
      owned.put(address.id(), address);
    }
    return new ClusterActor(address, this);
  }

  @Override
  public RemoteActor create(RayFunc constructor, Object[] args, int refMask, ActorOptions options,
      CompletionStage<Object[]> refValues) {
    ClusterActor actor = (ClusterActor) create(constructor, ConstructorArgs.marked(args, refMask), options);
    String what = options.name() != null ? "actor '" + options.name() + "'" : "actor";
    refValues.whenCompleteAsync((values, failure) -> {
      try {
        ConstructorArgs.send(hz, token, located(actor.address), options.maxRestarts() != 0,
            ConstructorArgs.values(codec, "the caller", what, values, failure));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not send the constructor arguments of actor "
            + actor.address.describe() + "; its constructor waits for them", e);
      }
    }, handlers);
    return actor;
  }

  /** Has actors placed in placement groups find their bundles through {@code groups}; set once, before use. */
  void placeGroupsWith(ClusterPlacementGroups groups) {
    this.placementGroups = groups;
  }

  /**
   * The bundle of a placement group an actor is created in, waiting until the group holds it (a
   * pending group: Ray's creation returns at once and starts the actor then).
   */
  private ClusterPlacementGroups.Target bundleOf(ActorOptions options, String what) {
    ClusterPlacementGroups groups = placementGroups;
    if (groups == null) {
      throw new UnsupportedOperationException("this connection to the cluster has no placement groups");
    }
    io.raylite.PlacementGroup group = options.placementGroup();
    if (group.state() == io.raylite.PlacementGroupState.REMOVED) {
      throw new io.raylite.PlacementGroupRemovedException(what + " cannot be placed in placement group " + group.id()
          + ": it was removed");
    }
    try {
      return groups.target(group.id(), options.bundleIndex(), options.resources(), what).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while " + what + " waited for placement group " + group.id()
          + " to be placed", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RayliteException(e.getCause().toString(), e.getCause());
    }
  }

  private Member bundleNode(ClusterPlacementGroups.Target bundle, String what) {
    Member node = RemoteObjects.memberOf(hz, bundle.nodeUuid());
    if (node == null) {
      throw new io.raylite.NodeDiedException("the node holding bundle " + bundle.bundle() + " of placement group "
          + bundle.group().id + " left the cluster before " + what + " could start there");
    }
    return node;
  }

  private IMap<String, ActorWire.Address> names() {
    return hz.getMap(NAMES);
  }

  private IMap<String, ActorWire.Home> homes() {
    return hz.getMap(HOMES);
  }

  /**
   * Where the actor first known at {@code address} lives now, as far as this JVM can tell: its
   * calls' destination, else its home when it moved off a node that left.
   */
  private ActorWire.Address located(ActorWire.Address address) {
    ActorWire.Address now = current(address);
    if (RemoteObjects.memberOf(hz, now.nodeUuid()) == null) {
      ActorWire.Home home = homes().get(address.id());
      if (home != null && home.death() == null) {
        return home.address();
      }
    }
    return now;
  }

  /** Where this JVM sends the calls of the actor first known at {@code address} now. */
  ActorWire.Address current(ActorWire.Address address) {
    Track t = tracks.get(address.id());
    if (t == null) {
      return address;
    }
    synchronized (t) {
      return t.current;
    }
  }

  /** Takes the actor's name cluster-wide, or fails as a local runtime does when a live actor holds it. */
  private void register(ActorWire.Address address) {
    String key = nameKey(address.namespace(), address.name());
    IMap<String, ActorWire.Address> names = names();
    for (;;) {
      ActorWire.Address holder = names.putIfAbsent(key, address);
      if (holder == null) {
        return;
      }
      if (alive(holder)) {
        throw new IllegalArgumentException("actor name '" + address.name() + "' is already taken in namespace '"
            + address.namespace() + "' by live actor " + holder.id() + " on node " + holder.nodeId()
            + "; kill it first or choose another name");
      }
      if (names.replace(key, holder, address)) {
        return;
      }
    }
  }

  /** Whether the actor at {@code address} is alive: its node is in the cluster and still hosts it. */
  private boolean alive(ActorWire.Address address) {
    Member node = RemoteObjects.memberOf(hz, address.nodeUuid());
    if (node == null) {
      return false;
    }
    try {
      return await(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
          new ActorRequests.Alive(token, address.id()), node), "node " + address.nodeId() + " to answer");
    } catch (RayliteException e) {
      if (RemoteObjects.memberOf(hz, address.nodeUuid()) == null) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public Optional<RemoteActor> named(String name, String namespace) {
    checkConnected();
    ActorWire.Address holder = names().get(nameKey(namespace, name));
    if (holder == null || !alive(holder)) {
      return Optional.empty();
    }
    return Optional.of(new ClusterActor(holder, this));
  }

  /** The node for a new actor; see the overview. */
  private Member chooseNode(Map<String, Double> request, String what) {
    List<Member> feasible = new ArrayList<>();
    List<String> capacities = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      String text = m.getAttribute(ClusterConfigs.ATTR_RESOURCES);
      if (text == null) {
        continue;
      }
      Map<String, Double> capacity = ResourceText.parse(text);
      capacities.add(m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " " + capacity);
      if (fits(request, capacity)) {
        feasible.add(m);
      }
    }
    if (feasible.isEmpty()) {
      throw new InfeasibleResourceException(what + " asks for " + request + ", which no node of the cluster could "
          + "ever hold; its nodes have " + capacities);
    }
    List<Future<String>> asked = new ArrayList<>();
    for (Member m : feasible) {
      asked.add(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(new ActorRequests.Available(token), m));
    }
    int start = Math.floorMod(nextNode.getAndIncrement(), feasible.size());
    Member best = null;
    double bestLoad = Double.MAX_VALUE;
    for (int k = 0; k < feasible.size(); k++) {
      int i = (start + k) % feasible.size();
      Map<String, Double> free;
      try {
        free = ResourceText.parse(asked.get(i).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayliteException("interrupted while placing " + what, e);
      } catch (ExecutionException | TimeoutException e) {
        continue;  // a node that does not answer is not chosen
      }
      if (!fits(request, free)) {
        continue;
      }
      Map<String, Double> capacity = ResourceText.parse(feasible.get(i).getAttribute(ClusterConfigs.ATTR_RESOURCES));
      double load = 0;
      for (Map.Entry<String, Double> e : request.entrySet()) {
        double total = capacity.getOrDefault(e.getKey(), 0.0);
        if (e.getValue() > 0 && total > 0) {
          load = Math.max(load, (total - free.getOrDefault(e.getKey(), 0.0) + e.getValue()) / total);
        }
      }
      if (load < bestLoad) {
        best = feasible.get(i);
        bestLoad = load;
      }
    }
    return best != null ? best : feasible.get(start);  // none has room now: it waits on its node, as locally
  }

  private static boolean fits(Map<String, Double> request, Map<String, Double> have) {
    for (Map.Entry<String, Double> e : request.entrySet()) {
      if (e.getValue() > 0 && have.getOrDefault(e.getKey(), 0.0) + 1e-9 < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /* ---------------- Calls ---------------- */

  /** See RemoteActor.generatorCall: a call whose values go to {@code items} (see ClusterGenerators). */
  RemoteActor.Call generatorCall(ActorWire.Address actor, RayFunc method, Object[] args, int refMask,
      String callName, String group, int priority, io.raylite.spi.TaskBackend.Items items) {
    long stream = generators.register(method, items);
    RemoteActor.Call call;
    try {
      call = call(actor, method, args, refMask, callName, group, false, priority, stream);
    } catch (RuntimeException e) {
      generators.ended(stream);
      throw e;
    }
    return new RemoteActor.Call() {
      @Override
      public CompletionStage<Object> send(Object[] values) {
        CompletionStage<Object> answer;
        try {
          answer = call.send(values);
        } catch (RuntimeException e) {
          generators.ended(stream);
          throw e;
        }
        return answer.whenComplete((value, failure) -> generators.ended(stream));
      }

      @Override
      public void abandon() {
        generators.ended(stream);
        call.abandon();
      }
    };
  }

  /** See RemoteActor.call: encodes what can be encoded now and takes the call's place in this caller's order. */
  RemoteActor.Call call(ActorWire.Address actor, RayFunc method, Object[] args, int refMask, String callName,
      String group, boolean async, int priority) {
    return call(actor, method, args, refMask, callName, group, async, priority, 0);
  }

  private RemoteActor.Call call(ActorWire.Address actor, RayFunc method, Object[] args, int refMask, String callName,
      String group, boolean async, int priority, long stream) {
    checkConnected();
    String name = callName != null ? callName : UNNAMED_CALL + actor.describe();
    Object[] wire = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) == 0) {
        wire[i] = new Wire.EncodedArg(codec.encodeArgument(name, i, args[i]));
      }
    }
    byte[] m = methods.get(method, f -> codec.encodeFunction(name, f));
    TaskOutput.Capture output = TaskOutput.CAPTURE.isBound() ? TaskOutput.CAPTURE.get() : null;
    Track track = tracks.computeIfAbsent(actor.id(), id -> new Track(actor));
    long seq;
    synchronized (track) {
      int max = actor.maxPendingCalls();
      if (max >= 0 && track.outstanding.size() >= max) {
        throw new io.raylite.PendingCallsExceededException("actor " + actor.describe() + " has "
            + track.outstanding.size() + " calls from this JVM queued or running, the most its maxPendingCalls(" + max + ") allows per caller; "
            + "call '" + name + "' was not submitted");
      }
      seq = track.next++;
      track.outstanding.add(seq);
    }
    return new RemoteActor.Call() {
      @Override
      public CompletionStage<Object> send(Object[] values) {
        try {
          for (int i = 0; i < values.length; i++) {
            if ((refMask & (1 << i)) != 0) {
              wire[i] = values[i] instanceof HazelcastBackend.RemoteObject remote ? remote.handle
                  : new Wire.EncodedArg(codec.encodeArgument(name, i, values[i]));
            }
          }
        } catch (RuntimeException e) {
          abandon();  // the caller's later calls must not wait for this one's place
          throw e;
        }
        long callId = callIds.incrementAndGet();
        if (output != null) {
          callerOutput.put(callId, output);
        }
        CompletableFuture<Object> answer = new CompletableFuture<>();
        Pending p = new Pending(actor, name, answer, track,
            new ActorWire.Call(actor.id(), callerId, seq, callId, name, group, async, m, wire, 0, priority, stream));
        pending.put(callId, p);
        ActorWire.Address target;
        long floor;
        synchronized (track) {
          target = track.current;
          floor = track.floor;
          p.sentTo = target;
        }
        offer(target, p.call.withFloor(floor));
        return answer;
      }

      @Override
      public void abandon() {
        ActorWire.Address target;
        long floor;
        synchronized (track) {
          track.outstanding.remove(seq);
          target = track.current;
          floor = track.floor;
        }
        offer(target, new ActorWire.Call(actor.id(), callerId, seq, 0, name, group, async, null, new Object[0], floor));
      }
    };
  }

  private void offer(ActorWire.Address actor, ActorWire.Call call) {
    String why = lost;
    if (why != null) {
      fail(call.callId(), new RayliteException(why));
      return;
    }
    if (RemoteObjects.memberOf(hz, actor.nodeUuid()) == null) {
      Pending p = call.callId() == 0 ? null : pending.get(call.callId());
      if (p != null) {
        synchronized (p.track) {
          p.undelivered = actor.equals(p.sentTo);
        }
      }
      handlers.execute(() -> nodeGone(actor.nodeUuid()));  // retried where the actor moved, or failed
      return;
    }
    outboxes.computeIfAbsent(actor.nodeUuid(), uuid -> new BatchingSender<ActorWire.Call>(HazelcastBackend.MAX_BATCH,
            batch -> send(actor, batch), (batch, failure) -> notSent(actor, batch, failure)))
        .offer(call);
  }

  private CompletableFuture<Boolean> send(ActorWire.Address actor, List<ActorWire.Call> batch) {
    CompletableFuture<Boolean> queued = new CompletableFuture<>();
    Member member = RemoteObjects.memberOf(hz, actor.nodeUuid());
    if (member == null) {
      queued.completeExceptionally(new NodeDiedException("node " + actor.nodeId() + " left the cluster"));
      return queued;
    }
    return RemoteObjects.ask(hz, new ActorRequests.Calls(token, replyTopic, batch), member)
        .orTimeout(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** A batch the node did not take: its calls fail, as ActorDiedException if the node is gone. */
  private void notSent(ActorWire.Address actor, List<ActorWire.Call> batch, Throwable failure) {
    Throwable t = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    boolean gone = t instanceof NodeDiedException || RemoteObjects.nodeGone(hz, actor.nodeUuid(), t);
    if (gone) {
      nodeGone(actor.nodeUuid());  // retried where the actor moved, or failed
      return;
    }
    for (ActorWire.Call call : batch) {
      Pending p = pending.get(call.callId());
      ActorWire.Address target = p != null ? p.actor() : actor;
      fail(call.callId(), gone ? died(target, t) : t instanceof TimeoutException
          ? new RayliteException("node " + actor.nodeId() + " did not take call '" + call.name() + "' within "
              + SEND_TIMEOUT_SECONDS + " s", t)
          : new RayliteException("node " + actor.nodeId() + " refused call '" + call.name() + "': " + t, t));
    }
  }

  private static ActorDiedException died(ActorWire.Address actor, Throwable cause) {
    return new ActorDiedException(actor.name() != null ? actor.name() : actor.id(), actor.id(),
        "its node " + actor.nodeId() + " left the cluster",
        cause instanceof NodeDiedException ? cause : new NodeDiedException("node " + actor.nodeId()
            + " left the cluster", cause));
  }

  private void fail(long callId, Throwable failure) {
    Pending p = pending.remove(callId);
    if (p != null) {
      p.track.finished(p.call.seq());
      p.answer().completeExceptionally(failure);
    }
  }

  /**
   * A message from the actors' nodes, on the reply reader, in the order messages came: the lines
   * their calls printed (printed here, or sent on as the calling task's), then generator values,
   * which go to their streams here, in order; the answers are completed on a handler thread.
   */
  private void onReplies(byte[] message) {
    List<Wire.TaskDone> read;
    try {
      ReplyMessage.Read parsed = ReplyMessage.read(message);
      for (ReplyMessage.Lines lines : parsed.lines()) {
        TaskOutput.Capture caller = lines.id() == 0 ? null : callerOutput.getIfPresent(lines.id());
        if (caller != null) {
          caller.forward(lines.lines());
        } else {
          TaskOutput.print(lines.lines());
        }
      }
      read = parsed.answers();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "a message on " + replyTopic + " cannot be read; the actor calls it "
          + "answers will not complete", e);
      return;
    }
    List<Wire.TaskDone> answers = new ArrayList<>(read.size());
    for (Wire.TaskDone done : read) {
      if (!ClusterGenerators.isItem(done.id())) {
        answers.add(done);
        continue;
      }
      try {
        generators.arrived(done.id(), codec.decode(done.reply().bytes()));
      } catch (IOException | ClassNotFoundException e) {
        LOG.log(System.Logger.Level.ERROR, "a generator value on " + replyTopic + " cannot be read here; its "
            + "generator ends without it and the values after it", e);
      }
    }
    if (!answers.isEmpty()) {
      handlers.execute(() -> complete(answers));
    }
  }

  /** Answers from the actors' nodes, on a handler thread; an id no longer pending is dropped. */
  private void complete(List<Wire.TaskDone> answers) {
    for (Wire.TaskDone done : answers) {
      callerOutput.invalidate(done.id());
      Pending p = pending.remove(done.id());
      if (p == null) {
        continue;
      }
      p.track.finished(p.call.seq());
      Wire.TaskReply reply = done.reply();
      Object decoded;
      try {
        decoded = codec.decode(reply.bytes());
      } catch (IOException | ClassNotFoundException e) {
        p.answer().completeExceptionally(new RayliteException((reply.kind() == Wire.TaskReply.Kind.FAILED
            ? "call '" + p.callName() + "' failed with " + reply.failureText() + ", which"
            : "the result of call '" + p.callName() + "'") + " cannot be read here: " + e, e));
        continue;
      }
      if (reply.kind() == Wire.TaskReply.Kind.FAILED) {
        p.answer().completeExceptionally((Throwable) decoded);
      } else {
        p.answer().complete(decoded);
      }
    }
  }

  private void nodeLeft(Member member) {
    String uuid = member.getUuid().toString();
    outboxes.remove(uuid);
    if (restarter()) {
      restartLost();
    }
    nodeGone(uuid);
  }

  /** Whether this JVM restarts the actors of nodes that left: the oldest member does. */
  private boolean restarter() {
    var members = hz.getCluster().getMembers();
    return !members.isEmpty() && members.iterator().next().localMember();
  }

  /* ---------------- Restarts across nodes ---------------- */

  /** Rebuilds, or marks dead, every restartable actor whose home is on a node no longer in the cluster. */
  private void restartLost() {
    java.util.Set<String> live = new java.util.HashSet<>();
    for (Member m : hz.getCluster().getMembers()) {
      live.add(m.getUuid().toString());
    }
    try {
      for (Map.Entry<String, ActorWire.Home> e : homes().entrySet()) {
        ActorWire.Home home = e.getValue();
        if (home.death() == null && !live.contains(home.address().nodeUuid())) {
          restart(e.getKey(), home);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "could not restart the actors of a node that left; their calls fail "
          + "when their callers see the node gone", e);
    }
  }

  /** See the overview: builds the actor elsewhere and moves its name and home, or marks it dead. */
  private void restart(String id, ActorWire.Home home) {
    ActorWire.Address lost = home.address();
    String why = "its node " + lost.nodeId() + " left the cluster";
    ActorWire.Home next;
    if (home.maxRestarts() >= 0 && home.restarts() >= home.maxRestarts()) {
      next = home.died(why + ", and it had no restart left (maxRestarts " + home.maxRestarts() + ")");
    } else {
      try {
        Member node = chooseNode(ResourceText.parse(home.resources()), "actor " + lost.describe());
        ActorWire.Address moved = lost.on(node.getUuid().toString(), node.getAttribute(ClusterConfigs.ATTR_NODE_ID));
        await(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
            new ActorRequests.Create(token, moved, home.spec(), home.restarts() + 1), node),
            "node " + moved.nodeId() + " to restart actor " + lost.describe());
        if (lost.name() != null) {
          names().replace(nameKey(lost.namespace(), lost.name()), lost, moved);
        }
        next = home.movedTo(moved);
        LOG.log(System.Logger.Level.INFO, "actor " + lost.describe() + " restarted on node " + moved.nodeId()
            + " after " + why);
      } catch (RuntimeException e) {
        next = home.died(why + ", and restarting it failed: " + e);
      }
    }
    if (!homes().replace(id, home, next)) {
      // It died meanwhile (killed, or its owner left), or another restart moved it: unless that
      // restart built it on the same node (the same address), what this one built must go.
      ActorWire.Home now = next.death() == null ? homes().get(id) : null;
      if (next.death() == null && (now == null || now.death() != null || !now.address().equals(next.address()))) {
        ActorWire.Address built = next.address();
        Member node = RemoteObjects.memberOf(hz, built.nodeUuid());
        if (node != null) {
          hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(new ActorRequests.Kill(token, id, true), node,
              new com.hazelcast.core.ExecutionCallback<Boolean>() {
                @Override
                public void onResponse(Boolean alive) {
                }

                @Override
                public void onFailure(Throwable t) {
                  LOG.log(System.Logger.Level.WARNING, "could not kill the incarnation of actor " + lost.describe()
                      + " built on node " + built.nodeId() + " after it died or moved meanwhile", t);
                }
              });
        }
      }
      return;
    }
    if (next.death() != null && lost.name() != null) {
      names().remove(nameKey(lost.namespace(), lost.name()), lost);
    }
  }

  /** This JVM's calls sent to node {@code uuid}, which is gone: each actor's are retried or failed. */
  private void nodeGone(String uuid) {
    java.util.Set<String> actors = new java.util.HashSet<>();
    for (Pending p : pending.values()) {
      synchronized (p.track) {
        if (p.sentTo != null && p.sentTo.nodeUuid().equals(uuid)) {
          actors.add(p.actor.id());
        }
      }
    }
    for (String id : actors) {
      ActorWire.Home home;
      try {
        home = homes().get(id);
      } catch (RuntimeException e) {
        home = null;  // without the cluster, the calls fail
      }
      relocate(id, home);
    }
  }

  /**
   * The actor {@code id}'s home is now {@code home} (null: it has none, it cannot be restarted):
   * this JVM's calls to it on nodes no longer in the cluster are sent again where it lives now,
   * within maxTaskRetries, or fail; a call still on its way is left to its sender.
   */
  private void relocate(String id, ActorWire.Home home) {
    Track t = tracks.get(id);
    if (t == null) {
      return;
    }
    boolean moved = home != null && home.death() == null
        && RemoteObjects.memberOf(hz, home.address().nodeUuid()) != null;
    if (home != null && home.death() == null && !moved) {
      return;  // its restart is under way: its home's change brings us back
    }
    List<Pending> retry = new ArrayList<>();
    List<Pending> failed = new ArrayList<>();
    List<ActorWire.Address> failedOn = new ArrayList<>();
    List<Long> skips = new ArrayList<>();
    ActorWire.Address target;
    long floor;
    synchronized (t) {
      for (Pending p : pending.values()) {
        if (p.track != t || p.sentTo == null || (moved && p.sentTo.nodeUuid().equals(home.address().nodeUuid()))
            || RemoteObjects.memberOf(hz, p.sentTo.nodeUuid()) != null) {
          continue;
        }
        if (moved && (p.undelivered || home.maxTaskRetries() < 0 || p.retries < home.maxTaskRetries())) {
          if (!p.undelivered) {
            p.retries++;
          }
          p.undelivered = false;
          retry.add(p);
        } else if (pending.remove(p.call.callId(), p)) {
          t.outstanding.remove(p.call.seq());
          failed.add(p);
          failedOn.add(p.sentTo);
        }
        p.sentTo = null;
      }
      if (moved && home.restarts() > t.incarnation) {
        t.incarnation = home.restarts();
        t.current = home.address();
        t.floor = t.outstanding.isEmpty() ? t.next : t.outstanding.first();
        for (long s = t.floor; s < t.next; s++) {
          if (!t.outstanding.contains(s)) {
            skips.add(s);
          }
        }
      }
      target = t.current;
      floor = t.floor;
      for (Pending p : retry) {
        p.sentTo = target;
      }
    }
    for (int i = 0; i < failed.size(); i++) {
      ActorWire.Address lost = failedOn.get(i);
      String why = home == null ? null : home.death() != null ? home.death()
          : "its node " + lost.nodeId() + " left the cluster while it ran or queued the call, and the call had "
          + "no retry left (maxTaskRetries " + home.maxTaskRetries() + ")";
      failed.get(i).answer.completeExceptionally(why == null ? died(lost, null)
          : new ActorDiedException(lost.name() != null ? lost.name() : lost.id(), lost.id(), why,
              new NodeDiedException("node " + lost.nodeId() + " left the cluster")));
    }
    for (long s : skips) {
      offer(target, new ActorWire.Call(id, callerId, s, 0, "empty place", null, false, null, new Object[0], floor));
    }
    for (Pending p : retry) {
      offer(target, p.call.withFloor(floor));
    }
  }

  private void lostCluster(String why) {
    if (lost == null) {
      lost = why;
    }
    for (Long id : pending.keySet()) {
      fail(id, new RayliteException(lost));
    }
  }

  /** Kills the actor on its node; nothing if its node is gone (the actor with it). */
  void kill(ActorWire.Address first, boolean noRestart) {
    checkConnected();
    ActorWire.Address actor = located(first);
    ActorWire.Address created = noRestart ? owned.remove(actor.id()) : null;
    if (created != null && driver != null) {
      FateSharing.owned(hz).remove(driver, created);
    }
    Member node = RemoteObjects.memberOf(hz, actor.nodeUuid());
    if (node == null) {
      return;
    }
    try {
      await(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
          new ActorRequests.Kill(token, actor.id(), noRestart), node), "node " + actor.nodeId() + " to kill actor "
          + actor.describe());
    } catch (RayliteException e) {
      if (RemoteObjects.memberOf(hz, actor.nodeUuid()) != null) {
        throw e;
      }
    }
  }

  private void killOwned() {
    if (lost != null || !hz.getLifecycleService().isRunning()) {
      return;  // without the cluster, nothing can be told; the actors' nodes keep them
    }
    List<Future<Boolean>> kills = new ArrayList<>();
    List<ActorWire.Address> killed = new ArrayList<>();
    for (ActorWire.Address first : owned.values()) {
      ActorWire.Address actor;
      try {
        actor = located(first);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not find where actor " + first.describe() + " lives now", e);
        actor = first;
      }
      Member node = RemoteObjects.memberOf(hz, actor.nodeUuid());
      if (node != null) {
        kills.add(hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
            new ActorRequests.Kill(token, actor.id(), true), node));
        killed.add(actor);
      }
    }
    owned.clear();
    if (driver != null) {
      FateSharing.owned(hz).delete(driver);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEND_TIMEOUT_SECONDS);
    for (int i = 0; i < kills.size(); i++) {
      try {
        kills.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        LOG.log(System.Logger.Level.WARNING, "could not kill actor " + killed.get(i).describe()
            + " while closing; it lives on until its node stops or it is killed", e);
      }
    }
  }

  private static <T> T await(Future<T> answer, String waitingFor) {
    try {
      return answer.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while waiting for " + waitingFor, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r && !(cause instanceof com.hazelcast.core.HazelcastException)) {
        throw r;  // the node's own failure: IllegalArgumentException, InfeasibleResourceException...
      }
      throw new RayliteException("failed waiting for " + waitingFor + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new RayliteException("timed out after " + SEND_TIMEOUT_SECONDS + " s waiting for " + waitingFor, e);
    }
  }

  /**
   * Disconnects: the non-detached actors this connection created are killed (their nodes are told
   * at once, and answers are awaited for at most SEND_TIMEOUT_SECONDS in all), and calls still
   * pending fail with RuntimeClosedException.
   */
  void close() {
    OPEN.remove(this);
    killOwned();
    lost = "the runtime closed";
    for (Long id : pending.keySet()) {
      fail(id, new RuntimeClosedException("the runtime closed before the actor call answered"));
    }
    try {
      if (hz.getLifecycleService().isRunning()) {
        hz.getTopic(replyTopic).removeMessageListener(topicListener);
        hz.getMap(HOMES).removeEntryListener(homesListener);
        hz.getCluster().removeMembershipListener(membershipListener);
        hz.getTopic(replyTopic).destroy();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not drop the actor reply topic " + replyTopic, e);
    } finally {
      replyReader.close();  // first: it hands answers to the handlers
      handlers.close();
    }
  }
}
