package io.raylite.examples;

import io.raylite.ObjectRef;
import io.raylite.ObjectRefGenerator;
import io.raylite.Raylite;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Several return values (numReturns) and streaming generators (remoteGenerator). */
public class GeneratorsExample {
  /** Splits a range into its even and odd numbers: two return values. */
  static List<List<Integer>> evensAndOdds(int n) {
    return List.of(
        IntStream.range(0, n).filter(i -> i % 2 == 0).boxed().toList(),
        IntStream.range(0, n).filter(i -> i % 2 == 1).boxed().toList());
  }

  /** Yields one batch of lines at a time; each batch is stored as soon as it is built. */
  static Stream<String> batches(int count) {
    return IntStream.range(0, count).mapToObj(i -> "batch " + i);
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.init()) {
      // region numReturns
      List<ObjectRef<List<Integer>>> parts = ray.task(GeneratorsExample::evensAndOdds, 6).numReturns(2).remote();
      System.out.println("evens " + parts.get(0).get() + ", odds " + parts.get(1).get());
      // endregion numReturns

      // region generator
      try (ObjectRefGenerator<String> generator = ray.task(GeneratorsExample::batches, 3)
          .generatorBackpressure(2)                       // the producer stays at most 2 batches ahead
          .remoteGenerator()) {
        for (ObjectRef<String> batch : generator) {      // each ref is ready as soon as it is yielded
          System.out.println("got " + batch.get());
        }
      }
      // endregion generator
    }
  }
}
