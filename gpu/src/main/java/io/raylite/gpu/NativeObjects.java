package io.raylite.gpu;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenCL objects one GpuContext holds, as release actions that reach only native handles and
 * never the context: the Cleaner's action for a context opened outside any task, run if the
 * context becomes unreachable without being closed.
 *
 * <p>The context adds each object when it creates it and removes it when it releases it; its
 * close disarms this first, so the Cleaner never releases twice. The actions run last added first
 * (the queue, added first, last). Guarded by this: the owner's thread adds and removes, the
 * Cleaner's thread runs.
 */
final class NativeObjects implements Runnable {
  private static final System.Logger LOG = System.getLogger("io.raylite.gpu");

  private final String owner;
  private final Map<Object, Runnable> releases = new IdentityHashMap<>();
  private boolean done;

  NativeObjects(String owner) {
    this.owner = owner;
  }

  synchronized void add(Object handle, Runnable release) {
    releases.put(handle, release);
  }

  synchronized void remove(Object handle) {
    releases.remove(handle);
  }

  /** The owner closes normally: nothing is left for the Cleaner. */
  synchronized void disarm() {
    done = true;
    releases.clear();
  }

  /** Releases what the owner left, once; the Cleaner calls it. */
  @Override
  public void run() {
    List<Runnable> left;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      left = new ArrayList<>(releases.values());
      releases.clear();
    }
    int failed = 0;
    RuntimeException first = null;
    for (int i = left.size() - 1; i >= 0; i--) {
      try {
        left.get(i).run();
      } catch (RuntimeException e) {
        failed++;
        if (first == null) {
          first = e;
        }
      }
    }
    LOG.log(Level.WARNING, owner + " became unreachable without close(): its " + left.size()
        + " OpenCL object(s) were released by the garbage collector's cleaner"
        + (failed == 0 ? "" : ", " + failed + " release(s) failing") + ". Close contexts"
        + " opened outside tasks (try-with-resources).", first);
  }
}
