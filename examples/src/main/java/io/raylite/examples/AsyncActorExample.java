package io.raylite.examples;

import io.raylite.ActorHandle;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** An async actor: its method returns a future, and several calls are in flight at once. */
public class AsyncActorExample {
  /** Looks words up in a slow dictionary without holding a thread per lookup in the actor. */
  public static class Dictionary {
    private final Executor backend = command -> Thread.ofVirtual().start(command);  // a slow service

    public Dictionary() {}

    public CompletableFuture<Integer> length(String word) {
      return CompletableFuture.supplyAsync(word::length, backend);
    }
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      // region async
      ActorHandle<Dictionary> dictionary = ray.actor(Dictionary::new).maxConcurrency(8).remote();
      List<ObjectRef<Integer>> lengths = new ArrayList<>();
      for (String word : List.of("actor", "future", "ref")) {
        lengths.add(dictionary.taskAsync(Dictionary::length, word).remote());  // ObjectRef<Integer>
      }
      System.out.println("lengths: " + ray.get(lengths));
      // endregion async
    }
  }
}
