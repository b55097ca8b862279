package io.raylite.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One message a node publishes on a submitter's reply topic: the lines its tasks printed (see
 * {@link TaskOutput}), then task answers in {@link WireFormat}. The submitter prints the lines
 * before it completes the answers, so a task's lines are printed before its get returns. Every
 * length is checked against what is left before anything is allocated.
 */
final class ReplyMessage {
  private static final int VERSION = 1;

  private ReplyMessage() {}

  /** An item of a reply sender's queue: a task's answer, or a task's gathered lines. */
  sealed interface Item permits Answer, Output {}

  record Answer(Wire.TaskDone done) implements Item {}

  record Output(TaskOutput.Capture capture) implements Item {}

  /** The lines of one attempt, in the order it printed them. */
  record Lines(long id, List<TaskOutput.Line> lines) {}

  /** A message read back: lines first, then answers. */
  record Read(List<Lines> lines, List<Wire.TaskDone> answers) {}

  /** Writes a batch; each Output item's capture is drained now, so its lines are the latest. */
  static byte[] write(List<Item> batch) {
    List<Lines> lines = new ArrayList<>();
    List<Wire.TaskDone> answers = new ArrayList<>();
    for (Item item : batch) {
      switch (item) {
        case Answer a -> answers.add(a.done());
        case Output o -> {
          List<TaskOutput.Line> drained = o.capture().drain();
          if (!drained.isEmpty()) {
            lines.add(new Lines(o.capture().id, drained));
          }
        }
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(lines.size());
      for (Lines l : lines) {
        out.writeLong(l.id());
        out.writeInt(l.lines().size());
        for (TaskOutput.Line line : l.lines()) {
          out.writeBoolean(line.err());
          byte[] text = line.text().getBytes(StandardCharsets.UTF_8);
          out.writeInt(text.length);
          out.write(text);
        }
      }
      byte[] replies = WireFormat.writeReplies(answers);
      out.writeInt(replies.length);
      out.write(replies);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to a byte array", e);  // never: memory only
    }
    return bytes.toByteArray();
  }

  static Read read(byte[] message) throws IOException {
    ByteArrayInputStream source = new ByteArrayInputStream(message);
    DataInputStream in = new DataInputStream(source);
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("reply message of version " + version + ", this JVM reads " + VERSION);
    }
    int groups = count(in, source, 12);
    List<Lines> lines = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      long id = in.readLong();
      int n = count(in, source, 5);
      List<TaskOutput.Line> group = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        boolean err = in.readBoolean();
        group.add(new TaskOutput.Line(err, new String(bytes(in, source), StandardCharsets.UTF_8)));
      }
      lines.add(new Lines(id, group));
    }
    return new Read(lines, WireFormat.readReplies(bytes(in, source)));
  }

  private static int count(DataInputStream in, ByteArrayInputStream source, int minBytes) throws IOException {
    int n = in.readInt();
    if (n < 0 || (long) n * minBytes > source.available()) {
      throw new IOException("count " + n + " does not fit in the " + source.available() + " bytes left");
    }
    return n;
  }

  private static byte[] bytes(DataInputStream in, ByteArrayInputStream source) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > source.available()) {
      throw new IOException("length " + n + " does not fit in the " + source.available() + " bytes left");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
