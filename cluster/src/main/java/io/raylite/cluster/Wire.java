package io.raylite.cluster;

import java.io.Serializable;
import java.util.Map;

/**
 * The records that travel between drivers and nodes inside Raylite's requests. They hold only
 * strings, numbers and byte arrays; user values are inside the byte arrays, written and read by
 * {@link ForyCodec}.
 */
final class Wire {
  private Wire() {}

  /** A task argument already encoded by the codec. */
  record EncodedArg(byte[] bytes) implements Serializable {}

  /**
   * An object that lives on its owner node: the node that runs a task taking it fetches it from
   * there. {@code ownerUuid} is the owner's Hazelcast member id.
   */
  record ObjectHandle(String ownerUuid, String ownerNodeId, String key, long size) implements Serializable {}

  /** What a node answers for a task. */
  record TaskReply(Kind kind, byte[] bytes, ObjectHandle handle, String failureText) implements Serializable {
    enum Kind {
      /** A small result, encoded in {@code bytes}: it travels in the ref. */
      INLINE,
      /** A large result, kept by the node that ran the task: {@code handle} says where. */
      OWNED,
      /** The task threw: {@code bytes} encode the exception, {@code failureText} describes it. */
      FAILED
    }
  }

  /**
   * One attempt of a task, as a submitter sends it to a node. {@code id} is unique among the
   * submitter's attempts: the node runs an id once, however often it arrives, and answers it
   * under the same id. An attempt placed in a placement group names the group's id and the bundle
   * index ({@code -1}: any bundle of the group on that node); the node runs it in its reservation.
   */
  record TaskSpec(long id, String taskId, String name, int attempt, int priority, Map<String, Double> resources,
      byte[] function, Object[] args, String placementGroup, int bundleIndex) implements Serializable {
    /** An attempt in no placement group. */
    TaskSpec(long id, String taskId, String name, int attempt, int priority, Map<String, Double> resources,
        byte[] function, Object[] args) {
      this(id, taskId, name, attempt, priority, resources, function, args, null, -1);
    }
  }

  /** A node's answer to the attempt {@code id}. */
  record TaskDone(long id, TaskReply reply) implements Serializable {}


  /** The resources a task holds, as sent to the node (a plain map Hazelcast can write). */
  static Map<String, Double> copy(Map<String, Double> resources) {
    return new java.util.HashMap<>(resources);
  }
}
