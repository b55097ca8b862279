package io.raylite.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.raylite.NodeInfo;
import io.raylite.RayliteException;
import io.raylite.RuntimeClosedException;
import io.raylite.function.RayFunc;
import io.raylite.spi.AllowlistCodec;
import io.raylite.spi.TaskBackend;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * A driver's connection to the cluster: a Hazelcast client (the driver never holds data
 * partitions, never takes part in membership or migrations, and its death disturbs no node), a
 * Placement of the nodes from their member attributes, and the tasks in flight.
 *
 * A task attempt: the driver's runtime holds its resources out of the cluster's sum and calls
 * execute() on a worker; execute() reserves the resources on one node (Placement), sends a RunTask
 * to that member, and waits for its reply on a future of its own. Futures in flight are failed by
 * events, never by polling: a member removed fails those sent to it with NodeDiedException (which
 * the runtime retries within maxRetries); the client losing the cluster fails every one with a
 * RayliteException, and later calls fail at once.
 *
 * Objects: a small result comes back inline and is stored in the driver's runtime as a value; a
 * large one stays on its node, and the driver stores a RemoteObject, which fetches it in chunks
 * when read and which, when the driver's store drops it (every ref gone, or free()), tells the
 * owner to drop it too, through a Cleaner.
 *
 * Threads: `inFlight` is concurrent; `lost` is written by the lifecycle listener and read by
 * workers; Placement has its own lock. Hazelcast's callbacks only complete futures and update the
 * Placement: nothing blocks on its event threads.
 */
final class HazelcastBackend implements TaskBackend {
  private static final Cleaner CLEANER = Cleaner.create();

  private final String address;
  private final String token;
  private final HazelcastInstance client;
  private final AllowlistCodec codec;
  private final Placement placement = new Placement();
  private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile String lost;
  private volatile boolean closing;

  private record InFlight(String memberUuid, Placement.Slot slot, String taskName, CompletableFuture<Wire.TaskReply> reply) {}

  /**
   * Joins the cluster at {@code address} as a client.
   *
   * @throws RayliteException if it cannot, or if a node runs another Raylite version
   */
  HazelcastBackend(String address, String secret, ClassLoader loader) {
    this.address = address;
    this.token = ClusterConfigs.token(secret);
    this.codec = new AllowlistCodec(loader);
    try {
      this.client = HazelcastClient.newHazelcastClient(ClusterConfigs.client(secret, address, loader));
    } catch (IllegalStateException e) {
      throw new RayliteException("could not join the cluster at " + address + ": is a node running there, "
          + "and is the secret (RAYLITE_SECRET or -Draylite.secret) the one 'start --head' printed? " + e.getMessage(), e);
    }
    try {
      client.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          addMember(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          memberLeft(event.getMember());
        }
      });
      String mine = ClusterConfigs.version();
      for (Member m : client.getCluster().getMembers()) {
        String theirs = m.getAttribute(ClusterConfigs.ATTR_VERSION);
        if (!mine.equals(theirs)) {
          throw new RayliteException("this driver runs Raylite " + mine + " but node "
              + m.getAttribute(ClusterConfigs.ATTR_NODE_ID) + " runs Raylite " + theirs
              + ": every node and driver of a cluster must run the same version");
        }
        addMember(m);
      }
      client.getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED
            || event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
          lostCluster();
        }
      });
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  private void addMember(Member m) {
    String resources = m.getAttribute(ClusterConfigs.ATTR_RESOURCES);
    if (resources != null && placement.nodeIdOf(m.getUuid().toString()) == null) {
      placement.add(m.getUuid().toString(), m.getAttribute(ClusterConfigs.ATTR_NODE_ID),
          m.getAddress().getHost() + ":" + m.getAddress().getPort(), ResourceText.parse(resources));
    }
  }

  private void memberLeft(Member m) {
    nodeLeft(m.getUuid().toString());
  }

  /**
   * The node is gone: no task is placed there again, and those running there fail with
   * NodeDiedException (retried elsewhere). Called when Hazelcast removes the member, and as soon
   * as a call to it fails for a dropped connection, which comes seconds earlier. Idempotent.
   */
  private void nodeLeft(String uuid) {
    Placement.Slot slot = placement.remove(uuid);
    for (InFlight f : inFlight.values()) {
      if (f.memberUuid().equals(uuid) && slot != null) {
        f.reply().completeExceptionally(Placement.died(slot, f.taskName()));
      }
    }
  }

  private void lostCluster() {
    if (lost == null) {
      lost = closing ? "the driver's runtime closed" : "the driver lost its connection to the cluster at " + address;
    }
    for (InFlight f : inFlight.values()) {
      f.reply().completeExceptionally(closing ? new RuntimeClosedException(lost) : new RayliteException(lost));
    }
  }

  private void checkConnected() {
    String why = lost;
    if (why != null) {
      throw closing ? new RuntimeClosedException(why) : new RayliteException(why);
    }
  }

  @Override
  public String description() {
    return "the cluster at " + address + " (" + placement.nodes().size() + " nodes), every argument and result "
        + "through " + codec;
  }

  @Override
  public Map<String, Double> totalResources() {
    return placement.totals();
  }

  @Override
  public Object[] prepare(RayFunc function, String taskName, Map<String, Double> resources, Object[] args,
      int refMask) {
    checkConnected();
    placement.checkFeasible(taskName, resources);
    codec.encodeFunction(taskName, function);
    Object[] kept = args.clone();
    for (int i = 0; i < args.length; i++) {
      if ((refMask & (1 << i)) == 0) {
        kept[i] = new Wire.EncodedArg(codec.encodeArgument(taskName, i, args[i]));
      }
    }
    return kept;
  }

  @Override
  public Object execute(RayFunc function, Object[] args, TaskInfo task) throws Exception {
    checkConnected();
    Object[] wire = new Object[args.length];
    String preferred = null;
    long preferredBytes = 0;
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Wire.EncodedArg) {
        wire[i] = a;
      } else if (a instanceof RemoteObject remote) {
        wire[i] = remote.handle;
        if (remote.handle.size() > preferredBytes) {
          preferredBytes = remote.handle.size();
          preferred = remote.handle.ownerUuid();
        }
      } else {
        wire[i] = new Wire.EncodedArg(codec.encodeArgument(task.name(), i, a));  // a value put on the driver
      }
    }
    byte[] f = codec.encodeFunction(task.name(), function);
    Placement.Slot slot = placement.acquire(task.name(), task.resources(), preferred);
    long id = ids.incrementAndGet();
    CompletableFuture<Wire.TaskReply> reply = new CompletableFuture<>();
    inFlight.put(id, new InFlight(slot.uuid, slot, task.name(), reply));
    try {
      Member member = RemoteObjects.memberOf(client, slot.uuid);
      if (member == null) {
        throw Placement.died(slot, task.name());
      }
      checkConnected();  // a loss that happened before the registration above failed nothing
      client.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(
          new NodeRequests.RunTask(token, task.taskId(), task.name(), task.attempt(), task.resources(), f, wire), member,
          new ExecutionCallback<Wire.TaskReply>() {
            @Override
            public void onResponse(Wire.TaskReply response) {
              reply.complete(response);
            }

            @Override
            public void onFailure(Throwable t) {
              if (nodeGone(t, slot)) {
                nodeLeft(slot.uuid);  // first, so that the retry is placed elsewhere
                reply.completeExceptionally(Placement.died(slot, task.name(), t));
              } else {
                reply.completeExceptionally(t);
              }
            }
          });
      Wire.TaskReply answer;
      try {
        answer = reply.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
      return result(answer, task);
    } finally {
      inFlight.remove(id);
      placement.release(slot, task.resources());
    }
  }

  /**
   * Whether a failed call means its node is gone (see RemoteObjects.nodeGone). A node that only
   * lost its connection for a moment may still run the task: then it runs twice, as a retried task
   * may in Ray.
   */
  private boolean nodeGone(Throwable t, Placement.Slot slot) {
    return RemoteObjects.nodeGone(client, slot.uuid, t);
  }

  private Object result(Wire.TaskReply answer, TaskInfo task) throws Exception {
    return switch (answer.kind()) {
      case INLINE -> codec.decode(answer.bytes());
      case OWNED -> new RemoteObject(this, answer.handle());
      case FAILED -> {
        Object failure;
        try {
          failure = codec.decode(answer.bytes());
        } catch (IOException | ClassNotFoundException e) {
          throw new RayliteException("task '" + task.name() + "' failed on its node with " + answer.failureText()
              + ", which cannot be read here: " + e, e);
        }
        if (failure instanceof Exception ex) {
          throw ex;
        }
        throw (Error) failure;
      }
    };
  }

  /** Fetches an object owned by a node. */
  Object fetch(Wire.ObjectHandle handle) {
    checkConnected();
    return RemoteObjects.fetch(client, codec, token, handle);
  }

  /**
   * Tells the owner that this driver no longer holds the object: for free(), waiting for the
   * owner's answer; for the cleaner, without waiting.
   */
  void release(Wire.ObjectHandle handle, boolean wait) {
    if (lost != null) {
      return;
    }
    Member owner = RemoteObjects.memberOf(client, handle.ownerUuid());
    if (owner == null) {
      return;  // gone with its node
    }
    var done = client.getExecutorService(ClusterConfigs.EXECUTOR)
        .submitToMember(new NodeRequests.FreeObject(token, handle.key()), owner);
    if (wait) {
      try {
        done.get(RemoteObjects.CHUNK_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayliteException("interrupted while freeing object " + handle.key() + " on node "
            + handle.ownerNodeId(), e);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        if (RemoteObjects.memberOf(client, handle.ownerUuid()) != null) {
          throw new RayliteException("node " + handle.ownerNodeId() + " did not free object " + handle.key()
              + ": " + e, e);
        }
      }
    }
  }

  @Override
  public List<NodeInfo> nodes() {
    return placement.nodes();
  }

  @Override
  public boolean supportsActors() {
    return false;
  }

  @Override
  public void close() {
    closing = true;
    lostCluster();
    client.shutdown();
  }

  /**
   * A result that lives on the node that computed it. When the driver's store lets go of it (no
   * ref and no pending task holds it, or free()), the cleaner tells the owner to drop it too.
   */
  static final class RemoteObject implements TaskBackend.RemoteValue {
    final Wire.ObjectHandle handle;
    private final HazelcastBackend backend;

    RemoteObject(HazelcastBackend backend, Wire.ObjectHandle handle) {
      this.backend = backend;
      this.handle = handle;
      CLEANER.register(this, new Release(backend, handle));
    }

    @Override
    public Object fetch() {
      return backend.fetch(handle);
    }

    @Override
    public void free() {
      backend.release(handle, true);
    }

    @Override
    public String toString() {
      return "RemoteObject(" + handle.key() + ", " + handle.size() + " bytes)";
    }
  }

  /** The cleaning action: it must not refer to its RemoteObject. */
  private record Release(HazelcastBackend backend, Wire.ObjectHandle handle) implements Runnable {
    @Override
    public void run() {
      backend.release(handle, false);
    }
  }
}
