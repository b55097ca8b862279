package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smile.regression.RandomForest;

/** The nested mode's forest: Smile's trees, bit for bit, whoever grows them. */
class SharedForestTest {
  private static final int TREES = 12;
  private static HousingData train;
  private static HousingData test;
  private static double[] smilePredictions;

  @BeforeAll
  static void smileForest() {
    TrainTestSplit split = TrainTestSplit.reference(CaliforniaHousing.load());
    train = split.train().head(4_000);
    test = split.test().head(1_000);
    smilePredictions = Models.fit(train, TREES).predict(Models.frame(test));
  }

  @Test
  void forestGrownInAPoolOfTwoWorkers_predictsTheBitsOfSmilesFit() throws Exception {
    List<Thread> growers = new CopyOnWriteArrayList<>();
    RandomForest forest;
    try (ForkJoinPool pool = new ForkJoinPool(2)) {
      forest = pool.submit(() -> new SharedForest(train, TREES, growers::add).grow()).get();
    }
    assertEquals(TREES, forest.size());
    assertEquals(TREES, growers.size(), "every tree is grown once");
    assertArrayEquals(smilePredictions, forest.predict(Models.frame(test)));
  }

  @Test
  void treesGrownByAHelper_takeTheirPlacesInSeedOrder() throws Exception {
    List<Thread> growers = new CopyOnWriteArrayList<>();
    SharedForest shared = new SharedForest(train, TREES, growers::add);
    Thread helper = new Thread(shared::help, "helper");
    helper.start();
    helper.join();

    RandomForest forest = shared.grow();
    assertEquals(TREES, growers.size(), "every tree is grown once");
    assertTrue(growers.stream().allMatch(t -> t == helper), "the helper claimed every tree: " + growers);
    assertArrayEquals(smilePredictions, forest.predict(Models.frame(test)));
  }

  @Test
  void helper_growsNothing_whenEveryTreeIsClaimed() throws Exception {
    List<Thread> growers = new CopyOnWriteArrayList<>();
    SharedForest shared = new SharedForest(train, 1, growers::add);
    shared.grow();
    assertEquals(0, shared.unclaimed());

    shared.help();
    assertEquals(List.of(Thread.currentThread()), growers);
  }

  @Test
  void constructor_rejectsAForestOfNoTrees() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SharedForest(train, 0, null));
    assertTrue(e.getMessage().contains("nEstimators"), e.getMessage());
  }
}
