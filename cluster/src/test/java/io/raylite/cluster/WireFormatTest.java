package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binary batches of tasks and answers: they read back as written, and damaged ones fail to read. */
class WireFormatTest {
  private static final Wire.ObjectHandle HANDLE = new Wire.ObjectHandle("uuid", "127.0.0.1:5801", "127.0.0.1:5801/7", 1234);

  @Test
  void tasks_readBackAsWritten() throws IOException {
    Wire.TaskSpec spec = new Wire.TaskSpec(42, "task-9", "f", 1, 7, Map.of("CPU", 0.5, "disk", 1.0),
        new byte[] {1, 2, 3}, new Object[] {new Wire.EncodedArg(new byte[] {9}), HANDLE});
    Wire.TaskSpec back = WireFormat.readTasks(WireFormat.writeTasks(List.of(spec))).getFirst();
    assertEquals(List.of(42L, "task-9", "f", 1, 7, Map.of("CPU", 0.5, "disk", 1.0)),
        List.of(back.id(), back.taskId(), back.name(), back.attempt(), back.priority(), back.resources()));
    assertArrayEquals(new byte[] {1, 2, 3}, back.function());
    assertArrayEquals(new byte[] {9}, ((Wire.EncodedArg) back.args()[0]).bytes());
    assertEquals(HANDLE, back.args()[1]);
  }

  @Test
  void taskInABundle_readsBackWithItsGroupAndBundle() throws IOException {
    Wire.TaskSpec spec = new Wire.TaskSpec(43, "task-10", "g", 0, 0, Map.of("CPU", 1.0), new byte[] {1},
        new Object[0], "pg-0123456789abcdef", 2);
    Wire.TaskSpec back = WireFormat.readTasks(WireFormat.writeTasks(List.of(spec))).getFirst();
    assertEquals(List.of("pg-0123456789abcdef", 2), List.of(back.placementGroup(), back.bundleIndex()));
  }

  @Test
  void taskInNoGroup_readsBackWithNoGroup() throws IOException {
    Wire.TaskSpec spec = new Wire.TaskSpec(44, "task-11", "h", 0, 0, Map.of(), new byte[] {1}, new Object[0]);
    Wire.TaskSpec back = WireFormat.readTasks(WireFormat.writeTasks(List.of(spec))).getFirst();
    assertEquals(null, back.placementGroup());
    assertEquals(-1, back.bundleIndex());
  }

  @Test
  void answers_ofEachKind_readBackAsWritten() throws IOException {
    List<Wire.TaskDone> done = List.of(
        new Wire.TaskDone(1, new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, new byte[] {5}, null, null)),
        new Wire.TaskDone(2, new Wire.TaskReply(Wire.TaskReply.Kind.OWNED, null, HANDLE, null)),
        new Wire.TaskDone(3, new Wire.TaskReply(Wire.TaskReply.Kind.FAILED, new byte[] {6}, null, "boom")));
    List<Wire.TaskDone> back = WireFormat.readReplies(WireFormat.writeReplies(done));
    assertArrayEquals(new byte[] {5}, back.get(0).reply().bytes());
    assertEquals(HANDLE, back.get(1).reply().handle());
    assertEquals("boom", back.get(2).reply().failureText());
    assertEquals(List.of(1L, 2L, 3L), back.stream().map(Wire.TaskDone::id).toList());
  }

  @Test
  void batchClaimingMoreItemsThanItsBytesHold_failsBeforeAllocating() {
    byte[] lying = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE).array();
    assertThrows(IOException.class, () -> WireFormat.readTasks(lying));
    assertThrows(IOException.class, () -> WireFormat.readReplies(lying));
  }

  @Test
  void truncatedBatch_failsToRead() {
    byte[] whole = WireFormat.writeReplies(List.of(
        new Wire.TaskDone(1, new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, new byte[100], null, null))));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
    assertThrows(IOException.class, () -> WireFormat.readReplies(cut));
  }
}
