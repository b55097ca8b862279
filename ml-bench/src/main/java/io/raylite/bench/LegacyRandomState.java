package io.raylite.bench;

/**
 * The random numbers of NumPy's legacy {@code numpy.random.RandomState}, as far as
 * {@code train_test_split} uses them: MT19937 seeded from a 32-bit integer, bounded integers drawn
 * by masked rejection sampling, and the Fisher-Yates shuffle behind {@code permutation}. Reproducing
 * them bit for bit is what gives the Java experiment the very same train/test split as the Python
 * reference.
 *
 * <p>The generator is the reference MT19937 of Matsumoto and Nishimura (1998), seeded with
 * {@code init_genrand}; NumPy's {@code _legacy_seeding} does the same for an integer seed. Not
 * thread-safe: one instance belongs to one thread.
 */
final class LegacyRandomState {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] mt = new int[N];
  private int index;

  /** A generator seeded as {@code RandomState(seed)}; NumPy accepts 0 to 2^32 - 1. */
  LegacyRandomState(long seed) {
    if (seed < 0 || seed > 0xffffffffL) {
      throw new IllegalArgumentException("seed must be between 0 and 2^32 - 1, got " + seed);
    }
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      // Unsigned 32-bit arithmetic: Java's int multiplication wraps exactly like C's uint32_t.
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  /** The next 32 random bits, as an unsigned value. */
  long nextUint32() {
    if (index >= N) {
      twist();
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
    index = 0;
  }

  /**
   * A uniform integer in {@code [0, max]}, both ends included, as NumPy's {@code random_interval}:
   * draw 32 bits, keep those under the smallest all-ones mask covering {@code max}, and reject
   * values above {@code max}.
   */
  long interval(long max) {
    if (max < 0 || max > 0xffffffffL) {
      throw new IllegalArgumentException("max must be between 0 and 2^32 - 1, got " + max);
    }
    if (max == 0) {
      return 0;
    }
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    long value;
    do {
      value = nextUint32() & mask;
    } while (value > max);
    return value;
  }

  /**
   * {@code RandomState.permutation(n)}: {@code 0..n-1} shuffled by Fisher-Yates from the last index
   * down to 1, each swap partner drawn by {@link #interval(long)}.
   */
  int[] permutation(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    for (int i = n - 1; i >= 1; i--) {
      int j = (int) interval(i);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }
}
