package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.ActorInfo;
import io.raylite.ActorLifetime;
import io.raylite.ActorState;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.RayliteException;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.spi.ActorHosting;
import io.raylite.spi.NodeStates;
import io.raylite.spi.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The state API's rows on the nodes, for a driver's {@code Raylite.state()}: one
 * NodeRequests.State per live node, answered by that node's own state API with the filter and the
 * limit applied there, then joined, each id prefixed with its node id, in the listing's order.
 * Each listing is one round trip to every node, in parallel, with a timeout; a node that does not
 * answer fails the listing naming it, rather than leaving its rows out unsaid.
 *
 * <p>Rows travel in a small binary form of their own (writeTasks, writeObjects, writeActors), not
 * through the codec's allowlist: they are strings, numbers and enums that the node itself produced.
 *
 * <p>Actors: each node lists the actors its ActorHost built (nodeActors), under the ids their
 * handles have cluster-wide (an actor's id does not change when it moves), with the node in
 * ActorInfo.nodeId. An actor whose node left is listed by no node: a restartable one still has its
 * home in the cluster's map (ClusterActors.HOMES), from which the driver adds its row, RESTARTING
 * until a node lists it again, or DEAD with the reason once no restart is left. A node rebuilds it
 * before moving its home, so a row from a node wins over one from its home.
 */
final class ClusterStates implements NodeStates {
  /**
   * The kinds of rows a node lists: TASK is the one task whose id (without the node's prefix) the
   * request names, ACTOR_CALLS the recent calls of the actor whose cluster id it names.
   */
  enum Kind { TASKS, OBJECTS, ACTORS, TASK, ACTOR_CALLS }

  private final HazelcastInstance client;
  private final String token;
  /** Reads the specs of actors whose node left, for their class and lifetime. */
  private final ValueCodec codec;

  ClusterStates(HazelcastInstance client, String token, ValueCodec codec) {
    this.client = client;
    this.token = token;
    this.codec = codec;
  }

  @Override
  public Listing<TaskInfo> tasks(StateFilter filter, int limit) {
    List<TaskInfo> rows = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, byte[]> answer : ask(Kind.TASKS, filter, limit).entrySet()) {
      Listing<TaskInfo> listing = readTasks(answer.getValue(), answer.getKey());
      rows.addAll(listing.rows());
      total += listing.total();
    }
    rows.sort(Comparator.comparingLong(TaskInfo::submittedMillis).reversed());
    List<TaskInfo> kept = rows.subList(0, Math.min(limit, rows.size()));
    return new Listing<>(kept, total, total > kept.size());
  }

  @Override
  public Listing<ObjectInfo> objects(StateFilter filter, int limit) {
    List<ObjectInfo> rows = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, byte[]> answer : ask(Kind.OBJECTS, filter, limit).entrySet()) {
      Listing<ObjectInfo> listing = readObjects(answer.getValue(), answer.getKey());
      rows.addAll(listing.rows());
      total += listing.total();
    }
    rows.sort(Comparator.comparingLong(ObjectInfo::sizeBytes).reversed().thenComparing(ObjectInfo::objectId));
    List<ObjectInfo> kept = rows.subList(0, Math.min(limit, rows.size()));
    return new Listing<>(kept, total, total > kept.size());
  }

  @Override
  public Listing<ActorInfo> actors(StateFilter filter, int limit) {
    List<ActorInfo> rows = new ArrayList<>();
    int total = 0;
    Map<String, byte[]> answers = ask(Kind.ACTORS, filter, limit);
    Set<String> listed = new HashSet<>();
    for (Map.Entry<String, byte[]> answer : answers.entrySet()) {
      Listing<ActorInfo> listing = readActors(answer.getValue(), answer.getKey());
      for (ActorInfo a : listing.rows()) {
        listed.add(a.actorId());
      }
      rows.addAll(listing.rows());
      total += listing.total();
    }
    for (ActorInfo a : actorsOfLostNodes(answers.keySet(), listed)) {
      if (matches(filter, a)) {
        rows.add(a);
        total++;
      }
    }
    List<ActorInfo> kept = rows.subList(0, Math.min(limit, rows.size()));
    return new Listing<>(kept, total, total > kept.size());
  }

  /**
   * The row of a task that ran on a node, asked of that node alone: the id is {@code <node>/<id>}
   * as its row shows it. Empty for an id of no live node, or one the node no longer keeps.
   */
  @Override
  public Optional<TaskInfo> task(String taskId) {
    int slash = taskId.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String nodeId = taskId.substring(0, slash);
    for (Member m : client.getCluster().getMembers()) {
      if (nodeId.equals(m.getAttribute(ClusterConfigs.ATTR_NODE_ID))) {
        Future<byte[]> asked = client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
            new NodeRequests.State(token, Kind.TASK, null, taskId.substring(slash + 1), 1), m);
        return readTasks(answer(nodeId, Kind.TASK, asked), nodeId).rows().stream().findFirst();
      }
    }
    return Optional.empty();
  }

  /** The recent calls of an actor on a node, from the node that hosts it (the others list none). */
  @Override
  public List<TaskInfo> actorCalls(String actorId, int limit) {
    List<TaskInfo> rows = new ArrayList<>();
    for (Map.Entry<String, byte[]> answer : ask(Kind.ACTOR_CALLS, new StateFilter(null, actorId), limit).entrySet()) {
      rows.addAll(readTasks(answer.getValue(), answer.getKey()).rows());
    }
    return rows.subList(0, Math.min(limit, rows.size()));
  }

  /** A task's row as a listing of at most one, for the wire. */
  static Listing<TaskInfo> oneTask(Optional<TaskInfo> task) {
    return new Listing<>(task.stream().toList(), task.isPresent() ? 1 : 0, false);
  }

  /** The recent calls of the actor the host built under cluster id {@code actorId}, as its node lists them. */
  static Listing<TaskInfo> nodeActorCalls(ActorHost host, String actorId, int limit) {
    String localId = host.localIdOf(actorId);
    List<TaskInfo> calls = localId == null ? List.of() : host.runtime().state().actorCalls(localId, limit);
    return new Listing<>(calls, calls.size(), false);
  }

  /** The rows of restartable actors whose home is on a node no longer in the cluster (see the overview). */
  private List<ActorInfo> actorsOfLostNodes(Set<String> liveNodes, Set<String> listed) {
    List<ActorInfo> rows = new ArrayList<>();
    com.hazelcast.map.IMap<String, ActorWire.Home> homes = client.getMap(ClusterActors.HOMES);
    for (ActorWire.Home home : homes.values()) {
      ActorWire.Address a = home.address();
      if (liveNodes.contains(a.nodeId()) || listed.contains(a.id())) {
        continue;
      }
      String className;
      ActorLifetime lifetime = ActorLifetime.NON_DETACHED;
      try {
        ActorWire.Spec spec = (ActorWire.Spec) codec.decode(home.spec());
        className = ActorHosting.className(spec.constructor());
        lifetime = spec.lifetime();
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        className = "(its spec cannot be read here: " + e + ")";
      }
      rows.add(new ActorInfo(a.id(), a.name(), className, home.death() == null ? ActorState.RESTARTING : ActorState.DEAD,
          home.restarts(), 0, ResourceText.parse(home.resources()), List.of(),
          home.death(), a.namespace(), lifetime, a.nodeId()));
    }
    return rows;
  }

  /** The filter of the state API's actor listing: a state's name, and the actor's name or class. */
  private static boolean matches(StateFilter filter, ActorInfo a) {
    return (filter.state() == null || a.state().name().equalsIgnoreCase(filter.state()))
        && (filter.name() == null || filter.name().equals(a.name()) || filter.name().equals(a.className()));
  }

  /** The actors the host built, as its node lists them: under their cluster-wide ids, with the node. */
  static Listing<ActorInfo> nodeActors(ActorHost host, StateFilter filter, int limit) {
    Listing<ActorInfo> local = host.runtime().state().actors(filter, limit);
    List<ActorInfo> rows = new ArrayList<>(local.rows().size());
    for (ActorInfo a : local.rows()) {
      ActorWire.Address address = host.addressOf(a.actorId());
      rows.add(a.onNode(address != null ? address.id() : host.nodeId() + "/" + a.actorId(), host.nodeId()));
    }
    return new Listing<>(rows, local.total(), local.truncated());
  }

  /** Each live node's answer, by node id. */
  private Map<String, byte[]> ask(Kind kind, StateFilter filter, int limit) {
    Map<String, Future<byte[]>> asked = new LinkedHashMap<>();
    for (Member m : client.getCluster().getMembers()) {
      String nodeId = m.getAttribute(ClusterConfigs.ATTR_NODE_ID);
      if (nodeId != null) {
        asked.put(nodeId, client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
            new NodeRequests.State(token, kind, filter.state(), filter.name(), limit), m));
      }
    }
    Map<String, byte[]> answers = new LinkedHashMap<>();
    for (Map.Entry<String, Future<byte[]>> e : asked.entrySet()) {
      answers.put(e.getKey(), answer(e.getKey(), kind, e.getValue()));
    }
    return answers;
  }

  /** A node's answer, waited for with a timeout; a failure names the node. */
  private static byte[] answer(String nodeId, Kind kind, Future<byte[]> asked) {
    try {
      return asked.get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while listing the " + kind.name().toLowerCase() + " of node "
          + nodeId, ie);
    } catch (ExecutionException | TimeoutException failure) {
      Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
      if (cause instanceof IllegalArgumentException bad) {
        throw bad;  // a filter the node's state API refused, as a local one would
      }
      throw new RayliteException("node " + nodeId + " did not list its " + kind.name().toLowerCase()
          + ": " + cause, cause);
    }
  }

  /* ---------------- Rows on the wire ---------------- */

  static byte[] writeTasks(Listing<TaskInfo> listing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(listing.total());
      out.writeInt(listing.rows().size());
      for (TaskInfo t : listing.rows()) {
        writeString(out, t.taskId());
        writeString(out, t.name());
        writeString(out, t.state().name());
        out.writeInt(t.attempt());
        out.writeInt(t.resources().size());
        for (Map.Entry<String, Double> r : t.resources().entrySet()) {
          writeString(out, r.getKey());
          out.writeDouble(r.getValue());
        }
        writeString(out, t.worker());
        out.writeLong(t.submittedMillis());
        out.writeLong(t.startedMillis());
        out.writeLong(t.endedMillis());
        writeString(out, t.error());
        writeString(out, t.caller());
        out.writeInt(t.waitingFor().size());
        for (String id : t.waitingFor()) {
          writeString(out, id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A node's task rows, their ids and worker prefixed with its node id. */
  static Listing<TaskInfo> readTasks(byte[] bytes, String nodeId) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int total = in.readInt();
      int n = in.readInt();
      List<TaskInfo> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String taskId = readString(in);
        String name = readString(in);
        TaskState state = TaskState.valueOf(readString(in));
        int attempt = in.readInt();
        int resources = in.readInt();
        Map<String, Double> asked = new LinkedHashMap<>();
        for (int r = 0; r < resources; r++) {
          asked.put(readString(in), in.readDouble());
        }
        String worker = readString(in);
        long submitted = in.readLong();
        long started = in.readLong();
        long ended = in.readLong();
        String error = readString(in);
        String caller = readString(in);
        int waiting = in.readInt();
        List<String> waitingFor = new ArrayList<>(waiting);
        for (int w = 0; w < waiting; w++) {
          waitingFor.add(nodeId + "/" + readString(in));
        }
        rows.add(new TaskInfo(nodeId + "/" + taskId, name, state, attempt, asked,
            "node " + nodeId + (worker == null ? "" : " worker " + worker), submitted, started, ended, error,
            "driver".equals(caller) ? caller : nodeId + "/" + caller, List.copyOf(waitingFor)));
      }
      return new Listing<>(rows, total, total > rows.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the task rows of node " + nodeId, e);
    }
  }

  static byte[] writeObjects(Listing<ObjectInfo> listing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(listing.total());
      out.writeInt(listing.rows().size());
      for (ObjectInfo o : listing.rows()) {
        writeString(out, o.objectId());
        out.writeLong(o.sizeBytes());
        writeString(out, o.location().name());
        out.writeInt(o.references());
        writeString(out, o.producer());
        out.writeInt(o.localRefs());
        out.writeInt(o.pendingTaskArguments());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A node's object rows, their ids (and the producing task's) prefixed with its node id. */
  static Listing<ObjectInfo> readObjects(byte[] bytes, String nodeId) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int total = in.readInt();
      int n = in.readInt();
      List<ObjectInfo> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String objectId = readString(in);
        long size = in.readLong();
        ObjectInfo.Location location = ObjectInfo.Location.valueOf(readString(in));
        int references = in.readInt();
        String producer = readString(in);
        int localRefs = in.readInt();
        int arguments = in.readInt();
        rows.add(new ObjectInfo(nodeId + "/" + objectId, size, location, references,
            producer == null || producer.contains(" ") ? "node " + nodeId + ": " + producer : nodeId + "/" + producer,
            localRefs, arguments));
      }
      return new Listing<>(rows, total, total > rows.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the object rows of node " + nodeId, e);
    }
  }

  static byte[] writeActors(Listing<ActorInfo> listing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(listing.total());
      out.writeInt(listing.rows().size());
      for (ActorInfo a : listing.rows()) {
        writeString(out, a.actorId());
        writeString(out, a.name());
        writeString(out, a.className());
        writeString(out, a.state().name());
        out.writeInt(a.restarts());
        out.writeInt(a.pendingCalls());
        out.writeInt(a.resources().size());
        for (Map.Entry<String, Double> r : a.resources().entrySet()) {
          writeString(out, r.getKey());
          out.writeDouble(r.getValue());
        }
        out.writeInt(a.gpuIds().size());
        for (int gpu : a.gpuIds()) {
          out.writeInt(gpu);
        }
        writeString(out, a.deathCause());
        writeString(out, a.namespace());
        writeString(out, a.lifetime().name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A node's actor rows (their ids already cluster-wide), on that node. */
  static Listing<ActorInfo> readActors(byte[] bytes, String nodeId) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int total = in.readInt();
      int n = in.readInt();
      List<ActorInfo> rows = new ArrayList<>(Math.min(n, 1_024));
      for (int i = 0; i < n; i++) {
        String actorId = readString(in);
        String name = readString(in);
        String className = readString(in);
        ActorState state = ActorState.valueOf(readString(in));
        int restarts = in.readInt();
        int pending = in.readInt();
        int resources = in.readInt();
        Map<String, Double> held = new LinkedHashMap<>();
        for (int r = 0; r < resources; r++) {
          held.put(readString(in), in.readDouble());
        }
        int gpus = in.readInt();
        List<Integer> gpuIds = new ArrayList<>(Math.min(gpus, 64));
        for (int g = 0; g < gpus; g++) {
          gpuIds.add(in.readInt());
        }
        String deathCause = readString(in);
        String namespace = readString(in);
        ActorLifetime lifetime = ActorLifetime.valueOf(readString(in));
        rows.add(new ActorInfo(actorId, name, className, state, restarts, pending, held, List.copyOf(gpuIds),
            deathCause, namespace, lifetime, nodeId));
      }
      return new Listing<>(rows, total, total > rows.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the actor rows of node " + nodeId, e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (n > in.available()) {
      throw new IOException("a string of " + n + " bytes, but only " + in.available() + " are left");
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}
