package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.RayliteException;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.spi.NodeStates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Rows travel in a small binary form of their own (writeTasks, writeObjects), not through the
 * codec's allowlist: they are strings, numbers and enums that the node itself produced. Actors on
 * nodes will add one more kind here (and NodeStates.actors).
 */
final class ClusterStates implements NodeStates {
  /** The kinds of rows a node lists. */
  enum Kind { TASKS, OBJECTS }

  private final HazelcastInstance client;
  private final String token;

  ClusterStates(HazelcastInstance client, String token) {
    this.client = client;
    this.token = token;
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
      try {
        answers.put(e.getKey(), e.getValue().get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new RayliteException("interrupted while listing the " + kind.name().toLowerCase() + " of node "
            + e.getKey(), ie);
      } catch (ExecutionException | TimeoutException failure) {
        Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
        if (cause instanceof IllegalArgumentException bad) {
          throw bad;  // a filter the node's state API refused, as a local one would
        }
        throw new RayliteException("node " + e.getKey() + " did not list its " + kind.name().toLowerCase()
            + ": " + cause, cause);
      }
    }
    return answers;
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
