package io.raylite.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The requests a driver or another node sends to a node through Hazelcast's executor: run a task,
 * send a chunk of an object, free an object, send the node's timeline or its state API's rows. Each carries the cluster token, which the node checks
 * before anything else, and is handed to the node's {@link ClusterNode}. Every request is safe to
 * deliver twice: a task attempt carries an id the node runs once, a chunk is read by offset, and
 * freeing a freed object does nothing. None of them waits for a task: the executor thread only
 * queues, reads or drops.
 */
final class NodeRequests {
  private NodeRequests() {}

  /** The node a request arrived at, from the member's user context. */
  static ClusterNode node(HazelcastInstance hz) {
    Object node = hz.getUserContext().get(ClusterNode.USER_CONTEXT_KEY);
    if (node == null) {
      throw new IllegalStateException("member " + hz.getName() + " is not a Raylite node");
    }
    return (ClusterNode) node;
  }

  /**
   * Queues attempts of tasks in the node's runtime and answers as soon as they are queued; each
   * one's result is published later on {@code replyTopic}, the submitter's (see ClusterNode.accept).
   */
  static final class RunTasks implements Callable<Boolean>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String replyTopic;
    /** The attempts, in WireFormat. */
    private final byte[] tasks;
    private transient HazelcastInstance hz;

    RunTasks(String token, String replyTopic, List<Wire.TaskSpec> tasks) {
      this.token = token;
      this.replyTopic = replyTopic;
      this.tasks = WireFormat.writeTasks(tasks);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public Boolean call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      List<Wire.TaskSpec> specs;
      try {
        specs = WireFormat.readTasks(tasks);
      } catch (IOException e) {
        throw new UncheckedIOException("node " + node.nodeId + " cannot read a batch of tasks: " + e.getMessage(), e);
      }
      for (Wire.TaskSpec task : specs) {
        node.accept(replyTopic, task);
      }
      return Boolean.TRUE;
    }
  }

  /** One cancel a submitter sends: the attempt, whether to interrupt it, and its task's name for errors. */
  record Cancel(long id, boolean force, String taskName) {}

  /**
   * Cancels a submitter's attempts on the node, in the order given (see ClusterNode.cancel); safe to
   * deliver twice. A submitter has one batch in flight per node, so its cancels apply in the order
   * it made them.
   */
  static final class CancelAttempts implements Callable<Boolean>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String replyTopic;
    private final long[] ids;
    private final boolean[] force;
    private transient HazelcastInstance hz;

    CancelAttempts(String token, String replyTopic, List<Cancel> cancels) {
      this.token = token;
      this.replyTopic = replyTopic;
      this.ids = new long[cancels.size()];
      this.force = new boolean[cancels.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = cancels.get(i).id();
        force[i] = cancels.get(i).force();
      }
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public Boolean call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      if (ids == null || force == null || ids.length != force.length) {
        throw new IllegalArgumentException("a cancel request to node " + node.nodeId + " is malformed");
      }
      for (int i = 0; i < ids.length; i++) {
        node.cancel(replyTopic, ids[i], force[i]);
      }
      return Boolean.TRUE;
    }
  }

  /** Asks what became of attempts whose answers a submitter still waits for (ClusterNode.checkAnswers). */
  static final class CheckAnswers implements Callable<byte[]>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String replyTopic;
    private final long[] ids;
    private transient HazelcastInstance hz;

    CheckAnswers(String token, String replyTopic, long[] ids) {
      this.token = token;
      this.replyTopic = replyTopic;
      this.ids = ids;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public byte[] call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      return node.checkAnswers(replyTopic, ids);
    }
  }

  /** Sends {@code length} bytes of an object's encoding from {@code offset}. */
  static final class FetchChunk implements Callable<byte[]>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String key;
    private final String transfer;
    private final long offset;
    private final int length;
    private transient HazelcastInstance hz;

    FetchChunk(String token, String key, String transfer, long offset, int length) {
      this.token = token;
      this.key = key;
      this.transfer = transfer;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public byte[] call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      return node.chunk(key, transfer, offset, length);
    }
  }

  /**
   * Waits until a shared object is ready, encodes it for the reader's transfer and answers its size
   * (see ClusterNode.prepareTransfer); on the await executor, as it may wait for a task.
   */
  static final class AwaitObject implements Callable<byte[]>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String key;
    private final String transfer;
    private transient HazelcastInstance hz;

    AwaitObject(String token, String key, String transfer) {
      this.token = token;
      this.key = key;
      this.transfer = transfer;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    /**
     * A 1 byte and the size in 8 bytes, or a 0 byte and the object's failure encoded by the codec: a task's
     * exception travels to a driver (a Hazelcast client) only that way, as in a task's answer.
     */
    @Override
    public byte[] call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      long size;
      try {
        size = node.prepareTransfer(key, transfer);
      } catch (RuntimeException failure) {
        byte[] encoded = ClusterNode.failure(node.codec, node.nodeId, failure).bytes();
        byte[] answer = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, answer, 1, encoded.length);
        return answer;
      }
      return java.nio.ByteBuffer.allocate(1 + Long.BYTES).put((byte) 1).putLong(size).array();
    }
  }

  /** Takes a reader's own hold of a shared ref and answers its key (see SharedRefs). */
  static final class HoldObject implements Callable<String>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String key;
    private transient HazelcastInstance hz;

    HoldObject(String token, String key) {
      this.token = token;
      this.key = key;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public String call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      return node.hold(key);
    }
  }

  /** Drops the node's hold on an object: the last holder let go of it, or it was freed. */
  static final class FreeObject implements Callable<Boolean>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final String key;
    private transient HazelcastInstance hz;

    FreeObject(String token, String key) {
      this.token = token;
      this.key = key;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public Boolean call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      return node.free(key);
    }
  }

  /** Sends the node's timeline (its runtime's Chrome trace-event JSON) for the driver's Raylite.timeline. */
  static final class Timeline implements Callable<byte[]>, HazelcastInstanceAware, Serializable {
    private final String token;
    private transient HazelcastInstance hz;

    Timeline(String token) {
      this.token = token;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public byte[] call() throws IOException {
      ClusterNode node = node(hz);
      node.checkToken(token);
      java.nio.file.Path file = java.nio.file.Files.createTempFile("raylite-timeline-", ".json");
      try {
        node.ray.timeline(file);
        return java.nio.file.Files.readAllBytes(file);
      } finally {
        java.nio.file.Files.deleteIfExists(file);
      }
    }
  }

  /** Lists the node's tasks or objects through its own state API, for the driver's Raylite.state(). */
  static final class State implements Callable<byte[]>, HazelcastInstanceAware, Serializable {
    private final String token;
    private final ClusterStates.Kind kind;
    private final String state;
    private final String name;
    private final int limit;
    private transient HazelcastInstance hz;

    State(String token, ClusterStates.Kind kind, String state, String name, int limit) {
      this.token = token;
      this.kind = kind;
      this.state = state;
      this.name = name;
      this.limit = limit;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.hz = instance;
    }

    @Override
    public byte[] call() {
      ClusterNode node = node(hz);
      node.checkToken(token);
      io.raylite.StateFilter filter = new io.raylite.StateFilter(state, name);
      return switch (kind) {
        case TASKS -> ClusterStates.writeTasks(node.ray.state().tasks(filter, limit));
        case OBJECTS -> ClusterStates.writeObjects(node.ray.state().objects(filter, limit));
        case ACTORS -> ClusterStates.writeActors(ClusterStates.nodeActors(node.actorHost, filter, limit));
        case TASK -> ClusterStates.writeTasks(ClusterStates.oneTask(node.ray.state().task(name)));
        case ACTOR_CALLS -> ClusterStates.writeTasks(ClusterStates.nodeActorCalls(node.actorHost, name, limit));
      };
    }
  }
}
