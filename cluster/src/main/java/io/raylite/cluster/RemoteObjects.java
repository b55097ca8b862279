package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.raylite.ObjectLostException;
import io.raylite.RayliteException;
import io.raylite.spi.ValueCodec;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches an object from the node that owns it, in chunks: the owner encodes the value once and
 * serves it {@value #CHUNK} bytes per request, and the reader decodes from a stream that keeps
 * {@value #PIPELINE} chunk requests in flight ahead of what it has consumed, so the transfer does
 * not stop for a round trip per chunk, while the reader never holds the encoded bytes in full
 * beside the value (at most {@value #PIPELINE} chunks).
 */
final class RemoteObjects {
  static final int CHUNK = 8 << 20;
  /** Chunk requests a reader keeps in flight. */
  static final int PIPELINE = 3;
  /** How long one chunk may take; a timeout is a named failure, never a hang. */
  static final long CHUNK_TIMEOUT_SECONDS = 120;

  private RemoteObjects() {}

  /**
   * The value of {@code handle}, from its owner.
   *
   * @throws ObjectLostException naming the owner if it left the cluster or no longer has the object
   */
  static Object fetch(HazelcastInstance hz, ValueCodec codec, String token, Wire.ObjectHandle handle) {
    return fetch(hz, codec, token, handle, () -> { });
  }

  /** As {@link #fetch(HazelcastInstance, ValueCodec, String, Wire.ObjectHandle)}; runs {@code ownerGone} first if the owner is gone. */
  static Object fetch(HazelcastInstance hz, ValueCodec codec, String token, Wire.ObjectHandle handle,
      Runnable ownerGone) {
    // A shared ref's handle has no size (-1) until its owner has the object: see sized().
    Member owner = memberOf(hz, handle.ownerUuid());
    if (owner == null) {
      ownerGone.run();
      throw lost(handle, "its owner node " + handle.ownerNodeId() + " left the cluster");
    }
    String transfer = UUID.randomUUID().toString();
    if (handle.size() < 0) {
      handle = sized(hz, codec, owner, token, handle, transfer, ownerGone);
    }
    try (ChunkStream in = new ChunkStream(hz, owner, token, handle, transfer, ownerGone)) {
      return codec.decode(in);
    } catch (IOException e) {
      throw new RayliteException("cannot read object " + handle.key() + " from node " + handle.ownerNodeId()
          + ": " + e.getMessage(), e);
    } catch (ClassNotFoundException e) {
      throw new RayliteException("object " + handle.key() + " is of a class this JVM lacks: " + e.getMessage()
          + "; put the application's jar on its class path", e);
    }
  }

  /**
   * The handle of a shared ref (size unknown) with its encoded size, once its owner has it: the
   * owner waits for a pending object and encodes it for {@code transfer}. This waits as long as the
   * object's task runs, without a timeout of its own; the owner leaving fails it at once.
   */
  private static Wire.ObjectHandle sized(HazelcastInstance hz, ValueCodec codec, Member owner, String token,
      Wire.ObjectHandle handle, String transfer, Runnable ownerGone) {
    Future<byte[]> size = hz.getExecutorService(ClusterConfigs.AWAIT_EXECUTOR)
        .submitToMember(new NodeRequests.AwaitObject(token, handle.key(), transfer), owner);
    try {
      byte[] answer = size.get();
      if (answer[0] == 1) {
        return new Wire.ObjectHandle(handle.ownerUuid(), handle.ownerNodeId(), handle.key(),
            java.nio.ByteBuffer.wrap(answer, 1, Long.BYTES).getLong());
      }
      throw failureOf(codec, handle, answer);
    } catch (InterruptedException e) {
      size.cancel(true);
      Thread.currentThread().interrupt();
      throw new RayliteException("interrupted while waiting for object " + handle.key() + " on node "
          + handle.ownerNodeId(), e);
    } catch (ExecutionException e) {
      if (nodeGone(hz, handle.ownerUuid(), e.getCause())) {
        ownerGone.run();
        throw lost(handle, "its owner node " + handle.ownerNodeId() + " left the cluster");
      }
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;  // the object's own failure (its task's), or its loss on the owner
      }
      throw new RayliteException("waiting for object " + handle.key() + " on node " + handle.ownerNodeId()
          + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** The failure an owner answered for an object (see NodeRequests.AwaitObject), to throw. */
  private static RuntimeException failureOf(ValueCodec codec, Wire.ObjectHandle handle, byte[] answer) {
    Object failure;
    try {
      failure = codec.decode(java.util.Arrays.copyOfRange(answer, 1, answer.length));
    } catch (IOException | ClassNotFoundException e) {
      return new RayliteException("object " + handle.key() + " failed on node " + handle.ownerNodeId()
          + " with an exception that cannot be read here: " + e, e);
    }
    return failure instanceof RuntimeException r ? r
        : new RayliteException("object " + handle.key() + " failed on node " + handle.ownerNodeId() + ": " + failure,
            (Throwable) failure);
  }

  static Member memberOf(HazelcastInstance hz, String uuid) {
    for (Member m : hz.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(uuid)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Whether a failed call to member {@code uuid} means it is gone: it left the member list, or its
   * connection dropped (the list learns of a crash only after the failure-detection timeout, the
   * connection at once).
   */
  static boolean nodeGone(HazelcastInstance hz, String uuid, Throwable failure) {
    return memberOf(hz, uuid) == null
        || failure instanceof com.hazelcast.spi.exception.TargetDisconnectedException
        || failure instanceof com.hazelcast.spi.exception.TargetNotMemberException
        || failure instanceof com.hazelcast.core.MemberLeftException;
  }

  static ObjectLostException lost(Wire.ObjectHandle handle, String why) {
    return new ObjectLostException("object " + handle.key() + " was lost: " + why);
  }

  /** The encoded object, read one chunk at a time from its owner. */
  private static final class ChunkStream extends InputStream {
    private final HazelcastInstance hz;
    private final Member owner;
    private final String token;
    private final Wire.ObjectHandle handle;
    private final String transfer;
    /** Requests sent and not consumed yet, in offset order. */
    private final java.util.ArrayDeque<Future<byte[]>> ahead = new java.util.ArrayDeque<>();
    private byte[] chunk = new byte[0];
    private int position;
    /** The offset of the next chunk to request. */
    private long requested;
    private boolean done;
    private final Runnable ownerGone;

    ChunkStream(HazelcastInstance hz, Member owner, String token, Wire.ObjectHandle handle, String transfer,
        Runnable ownerGone) {
      this.ownerGone = ownerGone;
      this.hz = hz;
      this.owner = owner;
      this.token = token;
      this.handle = handle;
      this.transfer = transfer;
    }

    private void requestAhead() {
      while (ahead.size() < PIPELINE && requested < handle.size()) {
        ahead.add(hz.getExecutorService(ClusterConfigs.EXECUTOR)
            .submitToMember(new NodeRequests.FetchChunk(token, handle.key(), transfer, requested, CHUNK), owner));
        requested += CHUNK;
      }
    }

    private boolean fill() throws IOException {
      if (done) {
        return false;
      }
      requestAhead();
      Future<byte[]> next = ahead.poll();
      if (next == null) {
        done = true;
        return false;
      }
      byte[] got;
      try {
        got = next.get(CHUNK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while fetching object " + handle.key());
      } catch (TimeoutException e) {
        throw new IOException("node " + handle.ownerNodeId() + " sent no chunk of object " + handle.key()
            + " within " + CHUNK_TIMEOUT_SECONDS + " s", e);
      } catch (ExecutionException e) {
        if (nodeGone(hz, handle.ownerUuid(), e.getCause())) {
          ownerGone.run();
          throw lost(handle, "its owner node " + handle.ownerNodeId() + " left the cluster during the transfer");
        }
        if (e.getCause() instanceof ObjectLostException lostOnOwner) {
          throw lostOnOwner;
        }
        throw new IOException("fetching object " + handle.key() + " from node " + handle.ownerNodeId()
            + " failed: " + e.getCause(), e.getCause());
      }
      chunk = got;
      position = 0;
      done = chunk.length == 0;
      return !done;
    }

    @Override
    public int read() throws IOException {
      if (position == chunk.length && !fill()) {
        return -1;
      }
      return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position == chunk.length && !fill()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - position);
      System.arraycopy(chunk, position, b, off, n);
      position += n;
      return n;
    }
  }

  /**
   * Sends {@code request} to {@code member} on Raylite's executor: the future completes with the
   * member's answer, or fails with what the call failed with. Never waits.
   */
  static <T> java.util.concurrent.CompletableFuture<T> ask(HazelcastInstance hz, java.util.concurrent.Callable<T> request,
      Member member) {
    java.util.concurrent.CompletableFuture<T> answer = new java.util.concurrent.CompletableFuture<>();
    hz.getExecutorService(ClusterConfigs.EXECUTOR).submitToMember(request, member,
        new com.hazelcast.core.ExecutionCallback<T>() {
          @Override
          public void onResponse(T response) {
            answer.complete(response);
          }

          @Override
          public void onFailure(Throwable t) {
            answer.completeExceptionally(t);
          }
        });
    return answer;
  }
}
