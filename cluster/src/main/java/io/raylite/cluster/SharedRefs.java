package io.raylite.cluster;

import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Implementation overview
 *
 * The refs that a node's tasks made (a put, the result of a task they submitted) and that left the
 * node inside a value: a task's result, or a field of a nested task's argument. The node owns them,
 * as a Ray worker owns what it creates: it keeps the object (or, for a task's result, the lineage
 * that rebuilds it, in its submitting runtime) and serves its value to the JVMs that borrow it.
 *
 * Holds: each time a ref is written out (HazelcastBackend.exportRef) it is entered here under a
 * fresh key, and the entry holds the ref, so the object, until the key is released:
 *   - bytes read once (a task's answer, a value fetched from its owner) hand their key to their
 *     reader: its RemoteObject releases it (FreeObject) when the reader's store drops it;
 *   - bytes that may be read many times (a nested task's arguments, encoded once for all its
 *     attempts) keep their key until their submitter drops them (a Cleaner on the bytes), and each
 *     reader takes a key of its own (HoldObject) before the attempt it reads them for can end.
 * So the object lives while some holder does, and is dropped here when the last one lets go; a
 * holder that dies without letting go keeps it until this node goes (see the README).
 *
 * Threads: any executor or worker thread; the map is concurrent and keys are never reused.
 */
final class SharedRefs {
  private final String nodeId;
  private final ConcurrentMap<String, ObjectRef<?>> refs = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  SharedRefs(String nodeId) {
    this.nodeId = nodeId;
  }

  /** Whether {@code key} names a shared ref (else, a task result the node owns). */
  static boolean isShared(String key) {
    int slash = key.lastIndexOf('/');
    return slash >= 0 && key.startsWith("s", slash + 1);
  }

  /** Enters {@code ref} under a fresh key, held until that key is released. */
  String share(ObjectRef<?> ref) {
    String key = nodeId + "/s" + ids.incrementAndGet();
    refs.put(key, ref);
    return key;
  }

  /** The ref shared under {@code key}, or null if that key was released. */
  ObjectRef<?> get(String key) {
    return refs.get(key);
  }

  /**
   * A key of its own for a reader of the ref shared under {@code key}.
   *
   * @throws ObjectLostException if that key was released
   */
  String hold(String key) {
    ObjectRef<?> ref = refs.get(key);
    if (ref == null) {
      throw new ObjectLostException("object " + key + " was released on node " + nodeId + " before this reader held it");
    }
    return share(ref);
  }

  /** Drops the hold of {@code key}; whether it was held. */
  boolean release(String key) {
    return refs.remove(key) != null;
  }

  int size() {
    return refs.size();
  }
}
