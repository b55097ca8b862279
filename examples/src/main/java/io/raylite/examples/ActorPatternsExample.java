package io.raylite.examples;

import io.raylite.ActorHandle;
import io.raylite.ActorPool;
import io.raylite.ObjectRef;
import io.raylite.QueueEmptyException;
import io.raylite.RayQueue;
import io.raylite.Raylite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Actors working together: an actor's own handle, a pool of actors, and a queue between tasks. */
public class ActorPatternsExample {
  /** Counts words; hands itself to a task that reports back through the handle. */
  public static class WordCounter {
    private final List<String> reports = new ArrayList<>();

    public WordCounter() {}

    public int count(String line) {
      return line.isBlank() ? 0 : line.trim().split("\\s+").length;
    }

    public ObjectRef<Void> countLater(String line) {
      ActorHandle<WordCounter> self = Raylite.context().currentActor();
      return Raylite.current().task(ActorPatternsExample::report, self, line).remote();
    }

    public void record(String report) {
      reports.add(report);
    }

    public List<String> reports() {
      return List.copyOf(reports);
    }
  }

  static Void report(ActorHandle<WordCounter> counter, String line) {
    Raylite ray = Raylite.current();
    int words = ray.get(counter.task(WordCounter::count, line).remote());
    return ray.get(counter.task(WordCounter::record, "'" + line + "': " + words).remote());
  }

  static Void produce(RayQueue<String> queue, List<String> lines) {
    lines.forEach(queue::put);                      // waits while the queue is full
    return null;
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.builder().cpus(2).build()) {
      // region current-actor
      ActorHandle<WordCounter> counter = ray.actor(WordCounter::new).remote();
      ray.get(ray.get(counter.task(WordCounter::countLater, "to be or not").remote()));
      System.out.println(ray.get(counter.task(WordCounter::reports).remote()));
      // endregion current-actor

      // region pool
      List<ActorHandle<WordCounter>> counters =
          List.of(ray.actor(WordCounter::new).remote(), ray.actor(WordCounter::new).remote());
      ActorPool<WordCounter, Integer> pool = new ActorPool<>(ray, counters);
      List<Integer> words = pool.map((c, line) -> c.task(WordCounter::count, line).remote(),
          List.of("a b", "c d e", "", "f")).toList();  // in the order of the lines
      System.out.println("words per line: " + words);
      // endregion pool

      // region queue
      RayQueue<String> queue = new RayQueue<>(ray, 2);  // at most 2 lines waiting
      ray.task(ActorPatternsExample::produce, queue, List.of("x", "y", "z")).remote();
      List<String> taken = List.of(queue.get(), queue.get(), queue.get());
      System.out.println("taken: " + taken);
      try {
        queue.get(Duration.ofMillis(10));
      } catch (QueueEmptyException e) {
        System.out.println("then: QueueEmptyException");
      }
      // endregion queue
    }
  }
}
