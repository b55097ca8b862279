package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge of the nodes' timelines into one file, without a cluster. */
class ClusterTimelineTest {
  private static String trace(long origin, String taskName, String ts) {
    return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
        + "{\"name\":\"" + taskName + "\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":" + ts
        + ",\"dur\":1.000,\"args\":{\"task_id\":\"t\",\"submitted_us\":" + ts + "}},\n"
        + "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":3,\"args\":{\"name\":\"worker 3\"}},\n"
        + "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"node x\"}}\n"
        + "],\"otherData\":{\"origin_epoch_us\":" + origin + "}}\n";
  }

  private static String merged(List<ClusterTimeline.NodeTrace> traces) throws IOException {
    StringBuilder out = new StringBuilder();
    ClusterTimeline.merge(traces, out);
    return out.toString();
  }

  @Test
  void eachNode_getsAProcessOfItsOwn_namedForTheNode_inNodeIdOrder() throws IOException {
    String json = merged(List.of(new ClusterTimeline.NodeTrace("b:2", trace(1_000, "tb", "5.000")),
        new ClusterTimeline.NodeTrace("a:1", trace(1_000, "ta", "5.000"))));
    assertTrue(json.contains("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"node a:1\"}}"), json);
    assertTrue(json.contains("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"args\":{\"name\":\"node b:2\"}}"), json);
    assertTrue(json.contains("{\"name\":\"ta\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,"), json);
    assertTrue(json.contains("{\"name\":\"tb\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":2,"), json);
    assertTrue(json.contains("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":2,\"tid\":3,"), json);
  }

  @Test
  void aNodeThatStartedLater_hasItsTimesShiftedByTheDifference() throws IOException {
    String json = merged(List.of(new ClusterTimeline.NodeTrace("a:1", trace(1_000, "early", "5.000")),
        new ClusterTimeline.NodeTrace("b:2", trace(3_500, "late", "5.000"))));
    assertTrue(json.contains("\"name\":\"early\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":5.000,"), json);
    assertTrue(json.contains("\"name\":\"late\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":2,\"tid\":3,\"ts\":2505.000,"), json);
    assertTrue(json.contains("\"submitted_us\":2505.000"), json);
    assertTrue(json.endsWith("],\"otherData\":{\"origin_epoch_us\":1000}}\n"), json);
  }

  @Test
  void aTimelineWithoutItsOrigin_isRefusedNamingTheNode() {
    String noOrigin = trace(1_000, "t", "1.000").replace(",\"otherData\":{\"origin_epoch_us\":1000}", "");
    IOException e = assertThrows(IOException.class,
        () -> merged(List.of(new ClusterTimeline.NodeTrace("a:1", noOrigin))));
    assertTrue(e.getMessage().contains("node a:1"), e.getMessage());
  }

  @Test
  void mergedFile_isOneTraceEventArray() throws IOException {
    String json = merged(List.of(new ClusterTimeline.NodeTrace("a:1", trace(1_000, "t", "1.000"))));
    assertTrue(json.startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n{"), json);
    assertEquals(1, json.split("\"traceEvents\"", -1).length - 1);
  }
}
