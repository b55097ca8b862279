package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Raylite.timeline} on a driver: every node's timeline in one Chrome trace-event file, one
 * process per node (named {@code node <id>}, in node-id order) with that node's worker and actor
 * rows under it, as Ray's timeline shows one process per worker node.
 *
 * <p>Each node writes its runtime's timeline as in one JVM (NodeRequests.Timeline): one event per
 * line, times in microseconds from its runtime's start, and the wall-clock time of that start
 * ({@code otherData.origin_epoch_us}). The merge renumbers each node's events to its own pid and
 * shifts its times by the distance between its start and the earliest node's, so that the rows
 * line up as far as the nodes' clocks agree. The driver's own rows are left out: its tasks ran on
 * the nodes, whose rows show them.
 */
final class ClusterTimeline {
  private static final Pattern ORIGIN = Pattern.compile("\"origin_epoch_us\":(-?\\d+)");
  private static final Pattern TIMES = Pattern.compile("(,\"(?:ts|submitted_us)\":)(-?[0-9.]+)");
  private static final String ONE_PID = ",\"pid\":1,";

  private ClusterTimeline() {}

  /** One node's timeline as it wrote it. */
  record NodeTrace(String nodeId, String json) {}

  /**
   * Asks every node for its timeline and writes them to {@code file} as one.
   *
   * @throws IOException if the file cannot be written, or a node did not send its timeline in time
   */
  static void write(HazelcastInstance client, String token, Path file) throws IOException {
    List<Member> nodes = new ArrayList<>();
    for (Member m : client.getCluster().getMembers()) {
      if (m.getAttribute(ClusterConfigs.ATTR_NODE_ID) != null) {
        nodes.add(m);
      }
    }
    List<Future<byte[]>> answers = new ArrayList<>();
    for (Member m : nodes) {
      answers.add(client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(new NodeRequests.Timeline(token), m));
    }
    List<NodeTrace> traces = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String nodeId = nodes.get(i).getAttribute(ClusterConfigs.ATTR_NODE_ID);
      try {
        byte[] json = answers.get(i).get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        traces.add(new NodeTrace(nodeId, new String(json, StandardCharsets.UTF_8)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while gathering the timeline of node " + nodeId);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IOException("node " + nodeId + " did not send its timeline: " + cause, cause);
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      merge(traces, w);
    }
  }

  /** Writes the nodes' timelines as one, each node's events under a pid of its own. */
  static void merge(List<NodeTrace> traces, Appendable out) throws IOException {
    List<NodeTrace> sorted = new ArrayList<>(traces);
    sorted.sort(Comparator.comparing(NodeTrace::nodeId));
    long base = Long.MAX_VALUE;
    long[] origins = new long[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      Matcher m = ORIGIN.matcher(sorted.get(i).json());
      if (!m.find()) {
        throw new IOException("the timeline of node " + sorted.get(i).nodeId() + " has no origin_epoch_us: "
            + "is it another Raylite version?");
      }
      origins[i] = Long.parseLong(m.group(1));
      base = Math.min(base, origins[i]);
    }
    out.append("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    boolean first = true;
    for (int i = 0; i < sorted.size(); i++) {
      int pid = i + 1;
      BigDecimal shift = BigDecimal.valueOf(origins[i] - base);
      for (String line : sorted.get(i).json().split("\n")) {
        String event = line.endsWith(",") ? line.substring(0, line.length() - 1) : line;
        if (!event.startsWith("{\"name\":")) {
          continue;  // the header and the footer
        }
        if (event.startsWith("{\"name\":\"process_name\"")) {
          event = "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":"
              + json("node " + sorted.get(i).nodeId()) + "}}";
        }
        first = append(out, first, renumber(event, pid, shift));
      }
      first = append(out, first, "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + pid
          + ",\"args\":{\"sort_index\":" + pid + "}}");
    }
    out.append("\n],\"otherData\":{\"origin_epoch_us\":").append(String.valueOf(base == Long.MAX_VALUE ? 0 : base))
        .append("}}\n");
  }

  private static boolean append(Appendable out, boolean first, String event) throws IOException {
    if (!first) {
      out.append(",\n");
    }
    out.append(event);
    return false;
  }

  /** The event under {@code pid}, its times moved by {@code shift} microseconds. */
  private static String renumber(String event, int pid, BigDecimal shift) {
    int at = event.indexOf(ONE_PID);
    String moved = at < 0 ? event : event.substring(0, at) + ",\"pid\":" + pid + "," + event.substring(at + ONE_PID.length());
    if (shift.signum() == 0) {
      return moved;
    }
    Matcher m = TIMES.matcher(moved);
    StringBuilder b = new StringBuilder(moved.length() + 8);
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + new BigDecimal(m.group(2)).add(shift).toPlainString()));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
