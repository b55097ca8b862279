package io.raylite.examples;

import io.raylite.ActorDiedException;
import io.raylite.ActorHandle;
import io.raylite.ConcurrencyGroup;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Actors: a stateful key-value store with a concurrency group, a name, restarts and a kill. */
public class ActorsExample {
  /** A key-value store whose reads may run two at a time; writes run one at a time, in order. */
  public static class Store {
    private final Map<String, String> values = new ConcurrentHashMap<>();

    public Store(String prefix) {
      values.put("k", prefix + "/initial");
    }

    public String read(String key) {
      return values.get(key);
    }

    public void write(String key, String value) {
      values.put(key, value + "!");
    }
  }

  public static void main(String[] args) {
    // region actor
    try (Raylite ray = Raylite.builder().gpus(1).build()) {
      ConcurrencyGroup io = ConcurrencyGroup.<Store>builder("io", 2).method(Store::read).build();
      ActorHandle<Store> store = ray.actor(Store::new, "/data").name("store")
          .numGpus(0.5).maxRestarts(2).maxTaskRetries(1).concurrencyGroups(io).remote();
      ObjectRef<String> v = store.task(Store::read, "k").remote();      // runs in group "io"
      ObjectRef<Void> w = store.task(Store::write, "k", v).remote();    // ObjectRef argument resolved first
      ray.get(w);
      ActorHandle<Store> same = ray.<Store>getActor("store").orElseThrow();
      System.out.println("k = " + ray.get(same.task(Store::read, "k").remote()));
      ray.kill(same);                                                   // later calls: ActorDiedException
      // endregion actor
      try {
        ray.get(store.task(Store::read, "k").remote());
      } catch (ActorDiedException e) {
        System.out.println("after kill: " + e.getClass().getSimpleName());
      }
    }
  }
}
