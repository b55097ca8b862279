package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference split, checked against {@code train_test_split(X, y, test_size=0.2,
 * random_state=201)}; the expected indices and checksum were computed with NumPy.
 */
class TrainTestSplitTest {
  private static HousingData all;
  private static TrainTestSplit split;

  @BeforeAll
  static void split() {
    all = CaliforniaHousing.load();
    split = TrainTestSplit.reference(all);
  }

  @Test
  void sizes_are16512TrainingAnd4128TestRows() {
    assertEquals(16_512, split.train().size());
    assertEquals(4_128, split.test().size());
  }

  @Test
  void firstAndLastIndices_matchTheReference() {
    assertArrayEquals(new int[] {19262, 4083, 19500, 9062, 1196}, Arrays.copyOf(split.train().rowIds(), 5));
    assertArrayEquals(new int[] {7754, 8374, 13807, 11234, 5251}, Arrays.copyOf(split.test().rowIds(), 5));
    assertArrayEquals(new int[] {501, 7680, 17961}, Arrays.copyOfRange(split.train().rowIds(), 16_509, 16_512));
    assertArrayEquals(new int[] {14035, 19421, 7100}, Arrays.copyOfRange(split.test().rowIds(), 4_125, 4_128));
  }

  @Test
  void everyTestIndex_inOrder_matchesTheReference() {
    // Java's Arrays.hashCode (h = 31 h + v over int32) of NumPy's permutation[:4128].
    assertEquals(1734030570, Arrays.hashCode(split.test().rowIds()));
    assertEquals(42_610_345L, Arrays.stream(split.test().rowIds()).asLongStream().sum());
  }

  @Test
  void everyRow_landsInExactlyOneSet() {
    int[] seen = new int[all.size()];
    for (int id : split.train().rowIds()) {
      seen[id]++;
    }
    for (int id : split.test().rowIds()) {
      seen[id]++;
    }
    assertEquals(all.size(), Arrays.stream(seen).filter(c -> c == 1).count());
  }

  @Test
  void rows_carryTheirFeaturesAndTarget() {
    int id = split.test().rowIds()[0];
    assertSame(all.features()[id], split.test().features()[0]);
    assertEquals(all.target()[id], split.test().target()[0]);
  }

  @Test
  void head_printsLikePandas() {
    String table = DatasetSummary.head(split.train(), 5);
    String[] lines = table.split(System.lineSeparator());
    assertEquals("       MedInc  HouseAge  AveRooms  AveBedrms  Population  AveOccup  Latitude  Longitude", lines[0]);
    assertEquals("19262  3.8750      20.0  5.838000   1.016000      1711.0  3.422000     38.44    -122.73", lines[1]);
    assertEquals("4083   4.3036      36.0  5.065630   1.069085      1115.0  1.925734     34.15    -118.38", lines[2]);
    assertEquals(6, lines.length);
    // A column shows the fewest decimals that fit all its shown values, as pandas does.
    assertEquals("19262   3.875", DatasetSummary.head(split.train(), 1).split(System.lineSeparator())[1].substring(0, 13));
  }
}
