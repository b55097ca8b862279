package io.raylite.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of the messages sent most often: batches of task attempts and batches of their
 * answers. Hazelcast sends them as plain byte arrays, which it writes without Java serialization;
 * a batch of Wire records through Java serialization cost more CPU than the tasks themselves.
 * User values stay inside as the codec's bytes. Every length is checked against what is left
 * before anything is allocated, so a damaged or hostile message fails with an IOException.
 */
final class WireFormat {
  private static final int VERSION = 1;
  private static final byte ARG_ENCODED = 0;
  private static final byte ARG_HANDLE = 1;

  private WireFormat() {}

  static byte[] writeTasks(List<Wire.TaskSpec> tasks) {
    return write(out -> {
      out.writeInt(tasks.size());
      for (Wire.TaskSpec t : tasks) {
        out.writeLong(t.id());
        writeString(out, t.taskId());
        writeString(out, t.name());
        out.writeInt(t.attempt());
        out.writeInt(t.priority());
        out.writeInt(t.resources().size());
        for (Map.Entry<String, Double> e : t.resources().entrySet()) {
          writeString(out, e.getKey());
          out.writeDouble(e.getValue());
        }
        writeBytes(out, t.function());
        out.writeInt(t.args().length);
        for (Object a : t.args()) {
          if (a instanceof Wire.EncodedArg encoded) {
            out.writeByte(ARG_ENCODED);
            writeBytes(out, encoded.bytes());
          } else {
            out.writeByte(ARG_HANDLE);
            writeHandle(out, (Wire.ObjectHandle) a);
          }
        }
        writeString(out, t.placementGroup());
        out.writeInt(t.bundleIndex());
      }
    });
  }

  static List<Wire.TaskSpec> readTasks(byte[] bytes) throws IOException {
    Reader in = new Reader(bytes);
    int n = in.count(8);
    List<Wire.TaskSpec> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long id = in.data.readLong();
      String taskId = in.string();
      String name = in.string();
      int attempt = in.data.readInt();
      int priority = in.data.readInt();
      int resourceCount = in.count(9);
      Map<String, Double> resources = new HashMap<>();
      for (int r = 0; r < resourceCount; r++) {
        resources.put(in.string(), in.data.readDouble());
      }
      byte[] function = in.bytes();
      int argCount = in.count(1);
      Object[] args = new Object[argCount];
      for (int a = 0; a < argCount; a++) {
        byte kind = in.data.readByte();
        args[a] = switch (kind) {
          case ARG_ENCODED -> new Wire.EncodedArg(in.bytes());
          case ARG_HANDLE -> readHandle(in);
          default -> throw new IOException("unknown argument kind " + kind);
        };
      }
      String placementGroup = in.string();
      int bundleIndex = in.data.readInt();
      tasks.add(new Wire.TaskSpec(id, taskId, name, attempt, priority, resources, function, args, placementGroup,
          bundleIndex));
    }
    return tasks;
  }

  static byte[] writeReplies(List<Wire.TaskDone> done) {
    return write(out -> {
      out.writeInt(done.size());
      for (Wire.TaskDone d : done) {
        out.writeLong(d.id());
        Wire.TaskReply r = d.reply();
        out.writeByte(r.kind().ordinal());
        switch (r.kind()) {
          case INLINE -> writeBytes(out, r.bytes());
          case OWNED -> writeHandle(out, r.handle());
          case FAILED -> {
            writeBytes(out, r.bytes());
            writeString(out, r.failureText());
          }
        }
      }
    });
  }

  static List<Wire.TaskDone> readReplies(byte[] bytes) throws IOException {
    Reader in = new Reader(bytes);
    int n = in.count(9);
    List<Wire.TaskDone> done = new ArrayList<>(n);
    Wire.TaskReply.Kind[] kinds = Wire.TaskReply.Kind.values();
    for (int i = 0; i < n; i++) {
      long id = in.data.readLong();
      int k = in.data.readUnsignedByte();
      if (k >= kinds.length) {
        throw new IOException("unknown answer kind " + k);
      }
      Wire.TaskReply reply = switch (kinds[k]) {
        case INLINE -> new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, in.bytes(), null, null);
        case OWNED -> new Wire.TaskReply(Wire.TaskReply.Kind.OWNED, null, readHandle(in), null);
        case FAILED -> new Wire.TaskReply(Wire.TaskReply.Kind.FAILED, in.bytes(), null, in.string());
      };
      done.add(new Wire.TaskDone(id, reply));
    }
    return done;
  }

  /* ---------------- Pieces ---------------- */

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to a byte array", e);  // never: memory only
    }
    return bytes.toByteArray();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static void writeHandle(DataOutputStream out, Wire.ObjectHandle h) throws IOException {
    writeString(out, h.ownerUuid());
    writeString(out, h.ownerNodeId());
    writeString(out, h.key());
    out.writeLong(h.size());
  }

  private static Wire.ObjectHandle readHandle(Reader in) throws IOException {
    return new Wire.ObjectHandle(in.string(), in.string(), in.string(), in.data.readLong());
  }

  /** Reads a message, checking every length against the bytes left. */
  private static final class Reader {
    final DataInputStream data;
    private final java.io.ByteArrayInputStream source;

    Reader(byte[] bytes) throws IOException {
      source = new java.io.ByteArrayInputStream(bytes);
      data = new DataInputStream(source);
      int version = data.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("message of wire version " + version + ", this JVM reads " + VERSION);
      }
    }

    /** A count of items of at least {@code minBytes} each, checked against what is left. */
    int count(int minBytes) throws IOException {
      int n = data.readInt();
      if (n < 0 || (long) n * minBytes > source.available()) {
        throw new IOException("count " + n + " does not fit in the " + source.available() + " bytes left");
      }
      return n;
    }

    byte[] bytes() throws IOException {
      int n = data.readInt();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > source.available()) {
        throw new EOFException("length " + n + " does not fit in the " + source.available() + " bytes left");
      }
      byte[] b = new byte[n];
      data.readFully(b);
      return b;
    }

    String string() throws IOException {
      byte[] b = bytes();
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
  }
}
