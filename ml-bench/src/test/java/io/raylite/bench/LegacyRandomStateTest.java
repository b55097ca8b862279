package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Expected values come from NumPy 2.4's legacy {@code numpy.random.RandomState}. */
class LegacyRandomStateTest {

  @Test
  void rawOutput_matchesNumPy() {
    // RandomState(201).randint(0, 2**32, size=5, dtype=np.uint32): the full range takes raw words.
    LegacyRandomState random = new LegacyRandomState(201);
    long[] words = new long[5];
    for (int i = 0; i < words.length; i++) {
      words[i] = random.nextUint32();
    }
    assertArrayEquals(new long[] {489216512L, 2274346537L, 3212123648L, 3608376673L, 2624480100L}, words);
  }

  @Test
  void largestSeed_matchesNumPy() {
    LegacyRandomState random = new LegacyRandomState(0xffffffffL);
    assertArrayEquals(new long[] {419326371L, 479346978L}, new long[] {random.nextUint32(), random.nextUint32()});
  }

  @Test
  void permutation_matchesNumPy() {
    assertArrayEquals(new int[] {6, 2, 8, 3, 7, 5, 4, 1, 9, 0}, new LegacyRandomState(201).permutation(10));
    assertArrayEquals(new int[] {2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, new LegacyRandomState(0).permutation(10));
  }

  @Test
  void treeSeeds_areScikitLearnsPerTreeSeeds() {
    // RandomState(201).randint(np.iinfo(np.int32).max, size=5)
    assertArrayEquals(new long[] {489216512L, 126862889L, 1064640000L, 1460893025L, 476996452L},
        Models.treeSeeds(5));
  }

  @Test
  void seedOutsideNumPysRange_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new LegacyRandomState(-1));
    assertThrows(IllegalArgumentException.class, () -> new LegacyRandomState(1L << 32));
  }
}
