package io.raylite.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import io.raylite.Resources;
import io.raylite.TaskCall;
import io.raylite.TaskFailedException;
import io.raylite.function.RayFunc;
import io.raylite.function.RayFunc0;
import io.raylite.spi.AllowlistCodec;
import io.raylite.spi.Invocation;
import io.raylite.spi.RemoteAttempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * One Raylite node: a Hazelcast member plus a local Raylite runtime that does the node's exact
 * resource accounting, GPU packing and work stealing. Drivers (Hazelcast clients) and other nodes
 * send it NodeRequests through the member's executor; each request is handed to the methods below
 * on an executor thread, never on a partition or event thread.
 *
 * Objects: a task's result of more than INLINE_LIMIT encoded bytes stays in the local runtime's
 * store (with its spilling) under a key "<nodeId>/<n>", held by the ObjectRef in `owned` until a
 * FreeObject request (the driver's last holder let go, or free()) removes it. Readers fetch it in
 * chunks: the first chunk of a transfer encodes the value once into `transfers`, keyed by the
 * reader's transfer id; the last chunk, or a minute without a request, drops those bytes.
 *
 * Threads: `owned` and `transfers` are concurrent maps touched by any executor thread; everything
 * else is final after start. The local runtime is thread-safe.
 */
final class ClusterNode implements AutoCloseable {
  static final String USER_CONTEXT_KEY = "raylite.node";
  /** Results up to this many encoded bytes travel inside the ref, as in Ray. */
  static final int INLINE_LIMIT = 256;

  /** The node of this JVM, for tasks that inspect it (tests); null outside a node. */
  private static volatile ClusterNode current;

  final String nodeId;
  final Raylite ray;
  final AllowlistCodec codec;
  private final byte[] token;
  private final String tokenText;
  private final HazelcastInstance hz;
  private final ConcurrentMap<String, ObjectRef<?>> owned = new ConcurrentHashMap<>();
  private final Cache<String, byte[]> transfers =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).build();
  private final AtomicLong objectIds = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * Starts a node: its local runtime, then its member, which joins the cluster.
   *
   * @throws RayliteException if it could not join the head, or the cluster runs another version
   */
  static ClusterNode start(NodeOptions options) {
    String nodeId = options.bindHost() + ":" + options.port();
    Raylite.Builder builder = Raylite.builder().name("node " + nodeId).nodeId(nodeId).cpus(options.cpus());
    if (options.gpus() != null) {
      builder.gpus(options.gpus());
    }
    options.resources().forEach(builder::resource);
    Raylite ray = builder.build();
    try {
      return new ClusterNode(options, nodeId, ray);
    } catch (RuntimeException e) {
      ray.close();
      throw e;
    }
  }

  private ClusterNode(NodeOptions options, String nodeId, Raylite ray) {
    this.nodeId = nodeId;
    this.ray = ray;
    this.codec = new AllowlistCodec(options.loader());
    this.tokenText = ClusterConfigs.token(options.secret());
    this.token = tokenText.getBytes(StandardCharsets.UTF_8);
    Config config = ClusterConfigs.member(options.secret(), options.bindHost(), options.port(),
        options.head() ? List.of() : List.of(options.headAddress()), options.loader());
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_NODE_ID, nodeId);
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_RESOURCES,
        ResourceText.format(ray.totalResources()));
    config.getMemberAttributeConfig().setAttribute(ClusterConfigs.ATTR_VERSION, ClusterConfigs.version());
    ConcurrentMap<String, Object> context = new ConcurrentHashMap<>();
    context.put(USER_CONTEXT_KEY, this);
    config.setUserContext(context);
    this.hz = Hazelcast.newHazelcastInstance(config);
    try {
      checkJoin(options);
    } catch (RuntimeException e) {
      hz.shutdown();
      throw e;
    }
    current = this;
  }

  /** Raylite's join step: a worker must have found the head, and every member must run our version. */
  private void checkJoin(NodeOptions options) {
    if (!options.head() && hz.getCluster().getMembers().size() < 2) {
      throw new RayliteException("node " + nodeId + " could not join the head at " + options.headAddress()
          + ": is the head running, and is the secret the one its start printed?");
    }
    String mine = ClusterConfigs.version();
    for (Member m : hz.getCluster().getMembers()) {
      String theirs = m.getAttribute(ClusterConfigs.ATTR_VERSION);
      if (!m.localMember() && !mine.equals(theirs)) {
        throw new RayliteException("node " + nodeId + " runs Raylite " + mine + " but node "
            + m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " runs Raylite " + theirs
            + ": every node and driver of a cluster must run the same version");
      }
    }
  }

  /** The node of this JVM, or null. */
  static ClusterNode current() {
    return current;
  }

  /** How many objects this node owns for remote holders now. */
  int ownedObjects() {
    return owned.size();
  }

  void checkToken(String presented) {
    if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new SecurityException("request refused by node " + nodeId + ": wrong cluster secret");
    }
  }

  /* ---------------- Tasks ---------------- */

  /** Runs a task in the local runtime and answers with its result, inline or owned here. */
  Wire.TaskReply run(String taskId, String taskName, int attempt, Map<String, Double> resources, byte[] function,
      Object[] args) {
    Object value;
    try {
      RayFunc f = (RayFunc) decode(function, "function of task '" + taskName + "'");
      Object[] values = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = argument(args[i], taskName, i);
      }
      TaskCall<Object> call = ray.task((RayFunc0<Object>) () -> Invocation.invoke(f, values))
          .name(taskName).maxRetries(0);
      resources.forEach((name, amount) -> {
        switch (name) {
          case Resources.CPU -> call.numCpus(amount);
          case Resources.GPU -> call.numGpus(amount);
          case Resources.MEMORY -> call.memory(amount.longValue());
          default -> call.resource(name, amount);
        }
      });
      ObjectRef<Object> ref = RemoteAttempt.submitAs(attempt, call::remote);
      try {
        value = ray.get(ref);
      } catch (TaskFailedException e) {
        return failure(e.getCause() != null ? e.getCause() : e);
      }
      byte[] bytes;
      try {
        bytes = codec.encode(value);
      } catch (IOException e) {
        return failure(new RayliteException("the result of task '" + taskName + "' (" + taskId + ", "
            + (value == null ? "null" : value.getClass().getName()) + ") cannot be serialized: " + e, e));
      }
      if (bytes.length <= INLINE_LIMIT) {
        return new Wire.TaskReply(Wire.TaskReply.Kind.INLINE, bytes, null, null);
      }
      String key = nodeId + "/" + objectIds.incrementAndGet();
      owned.put(key, ref);
      return new Wire.TaskReply(Wire.TaskReply.Kind.OWNED, null,
          new Wire.ObjectHandle(hz.getCluster().getLocalMember().getUuid().toString(), nodeId, key, bytes.length),
          null);
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  private Object argument(Object wire, String taskName, int index) {
    if (wire instanceof Wire.EncodedArg encoded) {
      return decode(encoded.bytes(), "argument " + index + " of task '" + taskName + "'");
    }
    Wire.ObjectHandle handle = (Wire.ObjectHandle) wire;
    if (handle.ownerNodeId().equals(nodeId)) {
      return ray.get(ownedRef(handle.key()));
    }
    return RemoteObjects.fetch(hz, codec, tokenText, handle);
  }

  private Object decode(byte[] bytes, String what) {
    try {
      return codec.decode(bytes);
    } catch (ClassNotFoundException e) {
      throw new RayliteException("the " + what + " needs class " + e.getMessage() + ", which is not on the "
          + "class path of node " + nodeId + ": start the node with --classpath app.jar, or as "
          + "java -cp raylite-cluster.jar:app.jar io.raylite.cluster.NodeMain start ...", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " on node " + nodeId + ": " + e.getMessage(), e);
    }
  }

  /** The task's exception, encoded to travel to the driver; one that cannot be, as a description. */
  private Wire.TaskReply failure(Throwable t) {
    byte[] bytes;
    try {
      bytes = codec.encode(t);
    } catch (IOException notSerializable) {
      try {
        bytes = codec.encode(new RayliteException(t.toString() + " (on node " + nodeId
            + "; the exception itself could not be serialized: " + notSerializable + ")"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Wire.TaskReply(Wire.TaskReply.Kind.FAILED, bytes, null, t.toString());
  }

  /* ---------------- Objects ---------------- */

  private ObjectRef<?> ownedRef(String key) {
    ObjectRef<?> ref = owned.get(key);
    if (ref == null) {
      throw new ObjectLostException("object " + key + " was freed on node " + nodeId);
    }
    return ref;
  }

  /** A chunk of the object's encoding for the reader's transfer. */
  Wire.Chunk chunk(String key, String transfer, long offset, int length) {
    ObjectRef<?> ref = ownedRef(key);
    byte[] bytes = transfers.get(transfer, t -> {
      try {
        return codec.encode(ray.get(ref));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode object " + key + " on node " + nodeId, e);
      }
    });
    int n = (int) Math.max(0, Math.min(length, bytes.length - offset));
    byte[] data = new byte[n];
    System.arraycopy(bytes, (int) offset, data, 0, n);
    if (offset + n >= bytes.length) {
      transfers.invalidate(transfer);
    }
    return new Wire.Chunk(data, bytes.length);
  }

  /** Drops the object; whether it was still here. */
  boolean free(String key) {
    ObjectRef<?> ref = owned.remove(key);
    if (ref != null) {
      ray.free(List.of(ref));
    }
    return ref != null;
  }

  /* ---------------- Lifecycle ---------------- */

  /** The nodes of the cluster as this member sees them. */
  List<String> describeMembers() {
    List<String> lines = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      Map<String, Double> resources = new LinkedHashMap<>(ResourceText.parse(m.getAttribute(ClusterConfigs.ATTR_RESOURCES)));
      lines.add(m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " " + resources);
    }
    return lines;
  }

  /** Blocks until the node is closed. */
  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    try {
      hz.shutdown();
    } finally {
      ray.close();
      current = null;
      stopped.countDown();
    }
  }
}
