package io.raylite.examples;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;

/** Counts the primes below 2,000,000 in 20 parallel tasks that share one table of small primes. */
public class Quickstart {
  /** The primes in [from, to), by trial division with the small primes (all those up to sqrt(to)). */
  static long countPrimes(int[] smallPrimes, int from, int to) {
    long count = 0;
    for (int n = Math.max(from, 2); n < to; n++) {
      boolean prime = true;
      for (int p : smallPrimes) {
        if ((long) p * p > n) {
          break;
        }
        if (n % p == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        count++;
      }
    }
    return count;
  }

  /** The primes below limit, by the sieve of Eratosthenes. */
  static int[] primesBelow(int limit) {
    boolean[] composite = new boolean[limit];
    List<Integer> primes = new ArrayList<>();
    for (int n = 2; n < limit; n++) {
      if (!composite[n]) {
        primes.add(n);
        for (long m = (long) n * n; m < limit; m += n) {
          composite[(int) m] = true;
        }
      }
    }
    return primes.stream().mapToInt(Integer::intValue).toArray();
  }

  public static void main(String[] args) {
    int limit = 2_000_000;
    int slices = 20;
    try (Raylite ray = Raylite.init()) {                              // CPUs = available processors
      ObjectRef<int[]> smallPrimes = ray.put(primesBelow(1_415));     // stored once, shared by reference
      List<ObjectRef<Long>> counts = new ArrayList<>();
      for (int i = 0; i < slices; i++) {
        int from = i * (limit / slices);
        int to = from + limit / slices;
        counts.add(ray.task(Quickstart::countPrimes, smallPrimes, from, to).remote());
      }
      long total = ray.get(counts).stream().mapToLong(Long::longValue).sum();  // results in input order
      System.out.println("primes below " + limit + ": " + total);
    }
  }
}
