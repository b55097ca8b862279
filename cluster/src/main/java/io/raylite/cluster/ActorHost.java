package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ActorOptions;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.Resources;
import io.raylite.function.RayFunc;
import io.raylite.spi.ActorHosting;
import io.raylite.spi.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/*
 * Implementation overview
 *
 * The actors that live on one node. Each is an actor of the node's local runtime, created with the
 * caller's constructor, arguments and options (ActorHosting.createLocal), so its resources are
 * held by the node's ledger for its lifetime and maxConcurrency, concurrency groups, async methods,
 * restarts on the node and exitActor behave exactly as locally. `hosted` maps each live actor's id
 * to its Hosted; the host keeps the local handle, so the actor lives until it is killed, exits,
 * fails without a restart left, or the node closes.
 *
 * Calls arrive in batches on executor threads (ActorRequests.Calls). Each call's method and
 * arguments are read on that thread, then, under the actor's Hosted monitor, its CallSequencer
 * hands back the calls that are next in their caller's order, and they are submitted to the local
 * actor in that order under the same monitor: the local mailbox sees each caller's calls in the
 * order the caller made them, and calls of different callers in the order they became next. A
 * call's answer (its value, always inline, or its failure) goes to its caller's reply topic through
 * a BatchingSender, as task answers do.
 *
 * Output: each call carries a TaskOutput.Capture (ActorHosting.withAttachment) that gathers what
 * it prints for its caller, on the same sender as its answer and ahead of it (ReplyMessage), as a
 * task's lines go to its submitter. The constructor's lines go to the creator's reply topic, when
 * the creation named one (a restart on another node has no creator to print them: they stay in
 * the node's own output); its last line without a newline is sent once the actor's first call is
 * answered, or when it dies.
 *
 * Death: the local actor's death future (completed under the actor's monitor) is followed on a
 * virtual thread of our own: the actor leaves `hosted`, its death is remembered in `deaths` for
 * calls still on their way, the calls that waited for an earlier one fail with it, and its name is
 * removed from the cluster's name map, but only if the map still names this actor (remove(key,
 * value)), so a name already taken again is left alone.
 *
 * Threads: `hosted`, `deaths` and `replies` are concurrent; a Hosted's sequencer and `dead` flag
 * are guarded by its monitor. No request waits for a call to run.
 */
final class ActorHost {
  static final String USER_CONTEXT_KEY = "raylite.actorHost";
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");

  private final String nodeId;
  private final Raylite ray;
  private final ValueCodec codec;
  private final HazelcastInstance hz;
  private final byte[] token;
  private final String tokenText;
  private final ConcurrentMap<String, Hosted> hosted = new ConcurrentHashMap<>();
  /** Why actors that lived here died, for calls that arrive after; bounded. */
  private final Cache<String, ActorDiedException> deaths =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(30)).maximumSize(100_000).build();
  private final ConcurrentMap<String, BatchingSender<ReplyMessage.Item>> replies = new ConcurrentHashMap<>();
  /** Live actors' addresses by their id in the local runtime, for the state API's rows (ClusterStates.nodeActors). */
  private final ConcurrentMap<String, ActorWire.Address> localIds = new ConcurrentHashMap<>();
  /** The same for actors that died here, as long as the local runtime may still list them; bounded. */
  private final Cache<String, ActorWire.Address> deadLocalIds = Caffeine.newBuilder().maximumSize(10_000).build();
  /** Handles deaths off the threads that caused them. */
  private final ExecutorService background = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("raylite-actor-host-", 0).factory());

  private final ConstructorArgs.OnNode constructorArgs;

  /** One live actor: its address, its local handle, and its callers' order. */
  private static final class Hosted {
    final ActorWire.Address address;
    final ActorHandle<Object> handle;
    /** Guarded by this. */
    final CallSequencer<Prepared> order = new CallSequencer<>();
    /** Guarded by this. */
    ActorDiedException death;
    /** What the constructor prints, for the creator; null if it named no reply topic. */
    final TaskOutput.Capture constructorOutput;
    /** Whether constructorOutput's last partial line was sent (no monitor: a call's completion sets it). */
    final java.util.concurrent.atomic.AtomicBoolean constructorOutputClosed =
        new java.util.concurrent.atomic.AtomicBoolean();

    Hosted(ActorWire.Address address, ActorHandle<Object> handle, TaskOutput.Capture constructorOutput) {
      this.address = address;
      this.handle = handle;
      this.constructorOutput = constructorOutput;
    }

    /** Sends the constructor's last line without a newline, once: its constructor has returned. */
    void closeConstructorOutput() {
      if (constructorOutput != null && constructorOutputClosed.compareAndSet(false, true)) {
        constructorOutput.close();
      }
    }
  }

  /** A call read and ready to submit, or the failure that reading it met. */
  private record Prepared(String replyTopic, ActorWire.Call call, RayFunc method, Object[] args,
      RuntimeException failure) {}

  ActorHost(String nodeId, Raylite ray, ValueCodec codec, HazelcastInstance hz, String tokenText) {
    this.nodeId = nodeId;
    this.ray = ray;
    this.codec = codec;
    this.hz = hz;
    this.tokenText = tokenText;
    this.token = tokenText.getBytes(StandardCharsets.UTF_8);
    this.constructorArgs = new ConstructorArgs.OnNode(nodeId, codec, hz, tokenText, background);
  }

  /** The constructor arguments this node's actors wait for. */
  ConstructorArgs.OnNode constructorArgs() {
    return constructorArgs;
  }

  void checkToken(String presented) {
    if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new SecurityException("request refused by node " + nodeId + ": wrong cluster secret");
    }
  }

  /** How many actors live here now. */
  int actors() {
    return hosted.size();
  }

  String available() {
    return ResourceText.format(ray.availableResources());
  }

  /**
   * Whether the actor may be alive here: it lives here, or it is not known to have died (its
   * creation, which registers its name first, may still be on its way).
   */
  boolean alive(String actorId) {
    return hosted.containsKey(actorId) || deaths.getIfPresent(actorId) == null;
  }

  /** The cluster address of the actor the local runtime lists as {@code localId}, or null if it was not built here. */
  ActorWire.Address addressOf(String localId) {
    ActorWire.Address a = localIds.get(localId);
    return a != null ? a : deadLocalIds.getIfPresent(localId);
  }

  /** The id in the local runtime of the actor built here under cluster id {@code actorId}, or null. */
  String localIdOf(String actorId) {
    Hosted h = hosted.get(actorId);
    if (h != null) {
      return h.handle.id();
    }
    for (Map.Entry<String, ActorWire.Address> dead : deadLocalIds.asMap().entrySet()) {
      if (dead.getValue().id().equals(actorId)) {
        return dead.getKey();
      }
    }
    return null;
  }

  String nodeId() {
    return nodeId;
  }

  Raylite runtime() {
    return ray;
  }

  /* ---------------- Creation ---------------- */

  /**
   * Builds the actor (its constructor runs asynchronously, as locally), as a restart when it had
   * {@code restarts} before on nodes that left; an id seen before is ignored. What its constructor
   * prints goes to {@code outputTopic}, a reply topic, if not null.
   */
  void create(ActorWire.Address address, byte[] specBytes, int restarts, String outputTopic) {
    if (hosted.containsKey(address.id()) || deaths.getIfPresent(address.id()) != null) {
      return;  // delivered twice
    }
    ActorWire.Spec spec = (ActorWire.Spec) decode(specBytes, "actor " + address.describe());
    ConstructorArgs.OnNode.Local args = constructorArgs.prepare(ray, address.id(), spec.args(), restarts);
    ActorOptions options = inBundle(options(spec), spec, address);
    TaskOutput.Capture output = outputTopic == null ? null : new TaskOutput.Capture(0,
        prefix(ActorHosting.functionName(spec.constructor()), address), true,
        c -> send(outputTopic, new ReplyMessage.Output(c)));
    ActorHandle<Object> handle = ActorHosting.withAttachment(output, () -> args.refMask() != 0
        ? ActorHosting.createLocal(ray, spec.constructor(), args.args(), args.refMask(), options, restarts)
        : restarts > 0
        ? ActorHosting.createRestarted(ray, spec.constructor(), spec.args(), options, restarts)
        : ActorHosting.createLocal(ray, spec.constructor(), spec.args(), options));
    Hosted h = new Hosted(address, handle, output);
    hosted.put(address.id(), h);
    localIds.put(handle.id(), address);
    ActorHosting.died(handle).whenCompleteAsync((death, ignored) -> died(h, death), background);
    if (deaths.getIfPresent(address.id()) != null) {
      kill(address.id(), true);  // reaped while it was being built: see reap
    }
  }

  /**
   * The options of an actor placed in a bundle of a cluster placement group: in the local group that
   * holds that bundle here (NodeBundles), so that its resources are charged to the bundle.
   *
   * @throws io.raylite.PlacementGroupRemovedException if this node does not hold the bundle
   */
  private ActorOptions inBundle(ActorOptions options, ActorWire.Spec spec, ActorWire.Address address) {
    if (spec.placementGroup() == null) {
      return options;
    }
    NodeBundles.Target in = NodeRequests.node(hz).bundles.target(spec.placementGroup(), spec.bundleIndex(),
        "actor " + address.describe());
    return options.toBuilder().placementGroup(in.local(), in.localIndex()).build();
  }

  private static ActorOptions options(ActorWire.Spec spec) {
    ActorOptions.Builder b = ActorOptions.builder();
    spec.resources().forEach((name, amount) -> {
      switch (name) {
        case Resources.CPU -> b.numCpus(amount);
        case Resources.GPU -> b.numGpus(amount);
        case Resources.MEMORY -> b.memory(amount.longValue());
        default -> b.resource(name, amount);
      }
    });
    if (spec.name() != null) {
      b.name(spec.name(), spec.namespace());
    }
    b.lifetime(spec.lifetime()).maxRestarts(spec.maxRestarts()).maxTaskRetries(spec.maxTaskRetries())
        .maxConcurrency(spec.maxConcurrency());
    // maxPendingCalls is left to the callers, each of which counts its own calls (ClusterActors.call).
    if (spec.dedicatedThread()) {
      b.dedicatedThread(true);
    }
    if (!spec.groups().isEmpty()) {
      b.concurrencyGroups(spec.groups().stream()
          .map(g -> ActorHosting.group(g.name(), g.maxConcurrency(), g.methods()))
          .toArray(io.raylite.ConcurrencyGroup[]::new));
    }
    return b.build();
  }

  /* ---------------- Calls ---------------- */

  /** Reads each call and submits, in its caller's order, those that are next; answers go to {@code replyTopic}. */
  void calls(String replyTopic, List<ActorWire.Call> calls) {
    for (ActorWire.Call c : calls) {
      Hosted h = hosted.get(c.actorId());
      if (h == null) {
        if (c.method() != null) {
          reply(replyTopic, new Wire.TaskDone(c.callId(), failure(deathOf(c.actorId()))));
        }
        continue;
      }
      Prepared p = prepare(replyTopic, c);
      synchronized (h) {
        if (h.death != null) {
          if (c.method() != null) {
            reply(replyTopic, new Wire.TaskDone(c.callId(), failure(h.death)));
          }
          continue;
        }
        for (Prepared ready : h.order.arrive(c.callerId(), c.seq(), c.floor(), p)) {
          submit(h, ready);
        }
      }
    }
  }

  private Prepared prepare(String replyTopic, ActorWire.Call c) {
    if (c.method() == null) {
      return new Prepared(replyTopic, c, null, null, null);  // abandoned: it only holds its place
    }
    try {
      RayFunc method = (RayFunc) decode(c.method(), "method of call '" + c.name() + "'");
      Object[] args = new Object[c.args().length];
      for (int i = 0; i < args.length; i++) {
        args[i] = c.args()[i] instanceof Wire.EncodedArg encoded
            ? decode(encoded.bytes(), "argument " + i + " of call '" + c.name() + "'")
            : RemoteObjects.fetch(hz, codec, tokenText, (Wire.ObjectHandle) c.args()[i]);
      }
      return new Prepared(replyTopic, c, method, args, null);
    } catch (RuntimeException e) {
      return new Prepared(replyTopic, c, null, null, e);
    }
  }

  /** Submits one call to the local actor; under the Hosted's monitor, which nothing here blocks. */
  private void submit(Hosted h, Prepared p) {
    ActorWire.Call c = p.call();
    if (p.failure() != null) {
      reply(p.replyTopic(), new Wire.TaskDone(c.callId(), failure(p.failure())));
      return;
    }
    if (p.method() == null) {
      return;
    }
    // A call its caller did not name is named there for its actor (ClusterActors.call); here, as a
    // local call is, for its method: in the node's timeline, its state rows and its output lines.
    String localName = c.name().startsWith(ClusterActors.UNNAMED_CALL) ? null : c.name();
    TaskOutput.Capture output = new TaskOutput.Capture(c.callId(), prefix(localName != null ? localName
        : ActorHosting.functionName(p.method()), h.address), true,
        capture -> send(p.replyTopic(), new ReplyMessage.Output(capture)));
    ObjectRef<Object> ref;
    try {
      RayFunc method = c.stream() == 0 ? p.method() : ClusterGenerators.onNode(p.method(), c.stream(),
          (itemId, value) -> reply(p.replyTopic(), new Wire.TaskDone(itemId,
              new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, codec.encode(value), null, null))));
      ref = ActorHosting.withAttachment(output, () -> ActorHosting.callLocal(h.handle, method, p.args(), localName,
          c.group(), c.async(), c.priority()));
    } catch (RuntimeException e) {
      reply(p.replyTopic(), new Wire.TaskDone(c.callId(), failure(e)));
      return;
    }
    ref.toCompletableFuture().whenComplete((value, error) -> {
      h.closeConstructorOutput();  // a call ran or failed: the constructor has returned, or never will
      output.close();  // its lines are offered before its answer, which follows them on the sender
      Wire.TaskDone done;
      try {
        done = new Wire.TaskDone(c.callId(), error != null ? failure(named(h, unwrap(error))) : result(c, value));
      } catch (Throwable t) {  // an answer must leave, or the caller would wait forever
        done = new Wire.TaskDone(c.callId(), failure(new RayliteException("node " + nodeId
            + " could not answer call '" + c.name() + "': " + t, t)));
      }
      reply(p.replyTopic(), done);
    });
  }

  private Wire.TaskReply result(ActorWire.Call c, Object value) {
    try {
      return new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, codec.encode(value), null, null);
    } catch (IOException e) {
      return failure(new RayliteException("the result of call '" + c.name() + "' ("
          + (value == null ? "null" : value.getClass().getName()) + ") cannot be serialized: " + e, e));
    }
  }

  /**
   * The local actor's death under the id its callers know (the local runtime's actor id is the
   * node's own), with the node that saw it; other failures as they are.
   */
  private Throwable named(Hosted h, Throwable t) {
    if (t instanceof ActorDiedException d && !h.address.id().equals(d.actorId())) {
      return new ActorDiedException(d.actorName(), h.address.id(), "on node " + nodeId + ": " + d.getMessage(),
          d.getCause());
    }
    return t;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException c && c.getCause() != null ? c.getCause() : t;
  }

  private ActorDiedException deathOf(String actorId) {
    ActorDiedException death = deaths.getIfPresent(actorId);
    return death != null ? death : new ActorDiedException(actorId, actorId, "it is not alive on node " + nodeId
        + " (it was killed or exited, or the node restarted)", null);
  }

  /** Sends an answer to its caller, batched with the others bound there. */
  private void reply(String replyTopic, Wire.TaskDone done) {
    send(replyTopic, new ReplyMessage.Answer(done));
  }

  /** Sends an answer or a batch of output lines to a caller, in order with the others bound there. */
  private void send(String replyTopic, ReplyMessage.Item item) {
    replies.computeIfAbsent(replyTopic, topic -> new BatchingSender<ReplyMessage.Item>(ClusterNode.MAX_BATCH,
        batch -> hz.<byte[]>getTopic(topic).publishAsync(ReplyMessage.write(batch)),
        (batch, failure) -> LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " could not send "
            + batch.size() + " actor call answers or output batches to " + topic + "; its caller will not see them",
            failure)))
        .offer(item);
  }

  /** What starts each line that actor code prints, on its caller's side. */
  private String prefix(String callName, ActorWire.Address address) {
    return "(" + callName + " node=" + nodeId + " actor=" + address.id() + ") ";
  }

  private Wire.TaskReply failure(Throwable t) {
    return ClusterNode.failure(codec, nodeId, t);
  }

  private Object decode(byte[] bytes, String what) {
    return ClusterNode.decode(codec, nodeId, bytes, what);
  }

  /* ---------------- Death ---------------- */

  /** Kills a live actor here; whether it was. */
  boolean kill(String actorId, boolean noRestart) {
    Hosted h = hosted.get(actorId);
    if (h == null) {
      return false;
    }
    ray.kill(h.handle, noRestart);
    // Killed for good, the actor is dead now: free its name before answering, so that the killer
    // may take the name again at once.
    ActorHosting.died(h.handle).toCompletableFuture().thenAccept(death -> died(h, death));
    return true;
  }

  /**
   * Kills an actor whose owner left the cluster (FateSharing), for good; whether it lived here. It
   * is remembered as dead first, so a creation of it still on its way is not built (create looks
   * for the death after it registers the actor, this looks for the actor after the death).
   */
  boolean reap(String actorId, String why) {
    deaths.asMap().putIfAbsent(actorId, new ActorDiedException(actorId, actorId, why + " (on node " + nodeId + ")",
        null));
    return kill(actorId, true);
  }

  /** The actor died: on a thread of our own, after its death future completed. */
  private void died(Hosted h, ActorDiedException localDeath) {
    ActorDiedException death = (ActorDiedException) named(h, localDeath);
    deaths.put(h.address.id(), death);  // first: a call that no longer finds the actor finds why
    constructorArgs.forget(h.address.id());
    deadLocalIds.put(h.handle.id(), h.address);  // before it leaves localIds: a listing finds it in one
    localIds.remove(h.handle.id(), h.address);
    if (!hosted.remove(h.address.id(), h)) {
      return;  // handled already, by kill or by the death future
    }
    List<Prepared> waiting;
    synchronized (h) {
      h.death = death;
      waiting = new ArrayList<>(h.order.drainEarly());
    }
    h.closeConstructorOutput();
    for (Prepared p : waiting) {
      if (p.call().method() != null) {
        reply(p.replyTopic(), new Wire.TaskDone(p.call().callId(), failure(death)));
      }
    }
    if (hz.getLifecycleService().isRunning()) {
      try {  // dead on a live node: no other node is to restart it
        com.hazelcast.map.IMap<String, ActorWire.Home> homes = hz.getMap(ClusterActors.HOMES);
        ActorWire.Home home = homes.get(h.address.id());
        if (home != null && home.address().equals(h.address)) {
          homes.remove(h.address.id(), home);
          hz.getMap(ConstructorArgs.ARGS).delete(h.address.id());
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " could not drop the home of dead actor "
            + h.address.describe() + "; if no node restarts it, its calls still fail", e);
      }
    }
    if (h.address.name() != null && hz.getLifecycleService().isRunning()) {
      try {
        hz.<String, ActorWire.Address>getMap(ClusterActors.NAMES).remove(
            ClusterActors.nameKey(h.address.namespace(), h.address.name()), h.address);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " could not free the name of dead actor "
            + h.address.describe() + "; a creation that finds it checks whether its holder lives", e);
      }
    }
  }

  /** Stops handling deaths; the local runtime's close kills the actors. */
  void close() {
    background.close();
  }

  /** For tests: the calls that wait for an earlier call of their caller, over every actor here. */
  int waitingCalls() {
    int n = 0;
    for (Hosted h : hosted.values()) {
      synchronized (h) {
        n += h.order.early();
      }
    }
    return n;
  }

  /** For tests: every live actor's id here. */
  Map<String, ActorWire.Address> hostedActors() {
    Map<String, ActorWire.Address> m = new java.util.HashMap<>();
    hosted.forEach((id, h) -> m.put(id, h.address));
    return m;
  }
}
