package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.StateFilter;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's timeline and state API on a cluster: each gathers the nodes' own. One task runs on
 * each node (by a resource only that node has), and one large result stays on the second node.
 */
class ClusterObservabilityTest {
  @RegisterExtension
  static final LoopbackCluster CLUSTER = LoopbackCluster.of("--cpus 2 --resource a=1", "--cpus 2 --resource b=1");

  private static Raylite ray;
  private static ObjectRef<long[]> largeOnB;
  private static ObjectRef<long[]> putOnDriver;

  @BeforeAll
  static void aTaskOnEachNode() {
    ray = CLUSTER.driver();
    ray.get(ray.task(() -> "a").name("on-a").resource("a", 1).remote());
    largeOnB = ray.task(() -> new long[100_000]).name("on-b").resource("b", 1).remote();
    ray.get(largeOnB);
    putOnDriver = ray.put(new long[50_000]);
  }

  private static String pidOfNode(String json, String nodeId) {
    Matcher m = Pattern.compile("\\{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":(\\d+),\"args\":\\{\"name\":\"node "
        + Pattern.quote(nodeId) + "\"}}").matcher(json);
    assertTrue(m.find(), "no process for node " + nodeId + " in " + json);
    return m.group(1);
  }

  @Test
  void timeline_onTheDriver_hasOneProcessPerNode_withTheTaskItRanOnAWorkerRow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("timeline.json");
    ray.timeline(file);
    String json = Files.readString(file);
    String a = pidOfNode(json, CLUSTER.node(0).nodeId);
    String b = pidOfNode(json, CLUSTER.node(1).nodeId);
    assertNotEquals(a, b);
    assertTrue(json.contains("{\"name\":\"on-a\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":" + a + ","), json);
    assertTrue(json.contains("{\"name\":\"on-b\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":" + b + ","), json);
    assertTrue(Pattern.compile("\\{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + b + ",\"tid\":-?\\d+,\"args\":\\{\"name\":\"worker ")
        .matcher(json).find(), json);
  }

  @Test
  void stateApi_listsEachTaskOnTheNodeThatRanIt() {
    Listing<TaskInfo> onB = ray.state().tasks(StateFilter.name("on-b"), 10);
    assertEquals(1, onB.rows().size(), onB.toString());
    TaskInfo row = onB.rows().getFirst();
    assertEquals(TaskState.FINISHED, row.state());
    assertTrue(row.taskId().startsWith(CLUSTER.node(1).nodeId + "/"), row.taskId());
    assertTrue(row.worker().startsWith("node " + CLUSTER.node(1).nodeId + " worker "), row.worker());
  }

  @Test
  void stateApi_listsObjectsOnTheNodes_besideTheDriversPuts() {
    Listing<ObjectInfo> objects = ray.state().objects();
    assertTrue(objects.rows().stream().anyMatch(o -> o.objectId().startsWith(CLUSTER.node(1).nodeId + "/")
        && o.sizeBytes() >= 800_000), objects.toString());
    assertTrue(objects.rows().stream().anyMatch(o -> o.objectId().equals(putOnDriver.id())), objects.toString());
    assertEquals(100_000, ray.get(largeOnB).length);
  }

  @Test
  void nodes_listEveryNodeWithItsResourcesAndState() {
    var nodes = ray.state().nodes();
    assertEquals(2, nodes.size(), nodes.toString());
    for (var n : nodes) {
      assertTrue(n.alive(), n.toString());
    }
    assertEquals(1.0, nodes.stream().filter(n -> n.nodeId().equals(CLUSTER.node(1).nodeId)).findFirst().orElseThrow()
        .resources().get("b"));
  }
}
