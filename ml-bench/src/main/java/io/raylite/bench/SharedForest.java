package io.raylite.bench;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.type.StructField;
import smile.data.vector.ValueVector;
import smile.math.MathEx;
import smile.model.cart.CART;
import smile.model.cart.Loss;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;
import smile.validation.RegressionMetrics;

/**
 * One forest of the nested mode, whose trees, not the nodes of a tree, are the unit that idle
 * workers of the caller's pool steal.
 *
 * <p>Overview:
 *
 * <p>Smile's {@link RandomForest#fit} grows a forest in a parallel stream, which cuts its trees
 * into four chunks per worker of the pool it runs in, and then scores the 8 features of every node
 * in another parallel stream, cut the same way. Run on an engine worker, each node of each tree
 * then forks 8 tasks into the engine's pool, and a worker that runs out of models steals a chunk
 * of an eighth of a forest. This class grows the same trees as that call, with the same seeds,
 * but hands them out one at a time:
 *
 * <ol>
 *   <li>The owner (the model's task) forks one helper into its pool per other worker, then claims
 *       trees itself, one after another, until none is left.
 *   <li>A helper that a worker steals claims trees of this forest the same way; one that runs when
 *       every tree is claimed does nothing.
 *   <li>Every participant grows its trees on a private pool of one worker, on which it parks
 *       plainly (as the parallel mode does), so Smile's per-node stream is cut into four pieces
 *       on one thread, exactly as in the sequential and parallel modes, and the engine's pool does
 *       not count the participant as blocked or start a spare thread for it. One engine worker
 *       keeps exactly one thread busy.
 *   <li>When the owner finds nothing left to claim, it waits for the trees that helpers are still
 *       growing (at most one per helper), then builds the forest with the trees in seed order.
 * </ol>
 *
 * <p>Concurrency: {@code nextTree} hands out each tree index once (it may run past the tree count;
 * an index at or above it means none is left). Tree {@code t}'s model is written to
 * {@code models[t]} by the one thread that claimed it, before that thread counts {@code grown}
 * down; the owner reads the array only after {@code grown} reached zero, which orders the writes
 * before the reads. A failed tree records the first failure in {@code failure}, takes every
 * unclaimed index at once and counts them down, so the owner wakes as soon as the trees in progress
 * end, and rethrows the failure.
 *
 * <p>Each tree is Smile's: the bootstrap sample is drawn from Smile's thread-local generator
 * seeded with the tree's seed, and the tree and its out-of-bag metrics are computed with the same
 * calls and arguments as in {@code RandomForest.fit} of Smile 6.3. So the trees do not depend on
 * which thread grows them, and the forest predicts the same bits as {@link Models#fit}'s (the tests
 * check it). Smile adds the out-of-bag predictions of all trees into shared arrays from several
 * threads without synchronisation; here they are added in tree order after all trees are grown.
 */
final class SharedForest {
  private final Formula formula;
  private final DataFrame x;
  private final StructField response;
  private final double[] y;
  private final int[][] order;
  private final long[] seeds;
  private final Consumer<Thread> treeGrown;
  private final RandomForest.Model[] models;
  /** Per tree: which training rows its bootstrap sample left out, and its predictions for them. */
  private final boolean[][] outOfBag;
  private final double[][] outOfBagPredictions;
  private final AtomicInteger nextTree = new AtomicInteger();
  private final CountDownLatch grown;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * Prepares a forest of {@code nEstimators} trees on {@code train}, telling {@code treeGrown} (if
   * not null) which thread took each tree: the engine worker (or other thread) that claimed it.
   */
  SharedForest(HousingData train, int nEstimators, Consumer<Thread> treeGrown) {
    Objects.requireNonNull(train, "train");
    if (nEstimators < 1) {
      throw new IllegalArgumentException("nEstimators must be >= 1, got " + nEstimators);
    }
    DataFrame data = Models.frame(train);
    this.formula = Formula.lhs(HousingData.TARGET_NAME).expand(data.schema());
    this.x = formula.x(data);
    ValueVector target = formula.y(data);
    this.response = target.field();
    this.y = target.toDoubleArray();
    this.order = CART.order(x);
    this.seeds = Models.treeSeeds(nEstimators);
    this.treeGrown = treeGrown == null ? thread -> { } : treeGrown;
    this.models = new RandomForest.Model[nEstimators];
    this.outOfBag = new boolean[nEstimators][];
    this.outOfBagPredictions = new double[nEstimators][];
    this.grown = new CountDownLatch(nEstimators);
  }

  /**
   * Grows the forest from the calling thread. In a fork/join pool, one helper per other worker is
   * forked first, so that idle workers take trees; anywhere else the caller grows every tree.
   *
   * @throws InterruptedException if the caller is interrupted; the tree it is growing is finished
   *     first, and helpers stop claiming trees
   */
  RandomForest grow() throws InterruptedException {
    if (Thread.currentThread() instanceof ForkJoinWorkerThread worker) {
      int others = worker.getPool().getParallelism() - 1;
      // A helper holds the forest weakly: one that no worker takes while the forest grows stays on
      // its worker's deque until that worker returns to it, and must not keep the forest's trees
      // and data reachable meanwhile (up to hundreds of MB over 20 forests).
      java.lang.ref.WeakReference<SharedForest> forest = new java.lang.ref.WeakReference<>(this);
      for (int i = 0; i < others; i++) {
        ForkJoinTask.adapt(() -> helpIfAlive(forest)).fork();
      }
    }
    Thread owner = Thread.currentThread();
    try {
      onPrivateThread(() -> {
        growClaimed(owner);
        grown.await();
        return null;
      });
    } catch (InterruptedException e) {
      giveUp(e);
      throw e;
    }
    Throwable failed = failure.get();
    if (failed instanceof RuntimeException cause) {
      throw cause;
    }
    if (failed instanceof Error cause) {
      throw cause;
    }
    if (failed != null) {
      throw new IllegalStateException("growing a tree failed", failed);
    }
    return build();
  }

  /** How many trees no participant has claimed yet. */
  int unclaimed() {
    return Math.max(0, models.length - nextTree.get());
  }

  /** A forked helper's work: nothing once the forest is gone (grown, built and dropped). */
  private static void helpIfAlive(java.lang.ref.WeakReference<SharedForest> forest) {
    SharedForest f = forest.get();
    if (f != null) {
      f.help();
    }
  }

  /** A helper's work: claims trees until none is left; does nothing when every tree is claimed. */
  void help() {
    if (unclaimed() == 0) {
      return;
    }
    Thread helper = Thread.currentThread();
    try {
      onPrivateThread(() -> {
        growClaimed(helper);
        return null;
      });
    } catch (InterruptedException e) {
      // The helper's worker is being stopped: its tree in progress was finished and counted, and
      // the owner grows whatever is left.
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Nobody joins a helper: its failure goes to the owner.
      giveUp(e);
    }
  }

  /** Claims and grows trees on the calling (private) thread until none is left or it is interrupted. */
  private void growClaimed(Thread participant) {
    for (int t = nextTree.getAndIncrement(); t < models.length; t = nextTree.getAndIncrement()) {
      try {
        growTree(t);
        treeGrown.accept(participant);
      } catch (RuntimeException | Error e) {
        giveUp(e);
      } finally {
        grown.countDown();
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  /** Records the first failure and settles every unclaimed tree, so that the owner stops waiting. */
  private void giveUp(Throwable cause) {
    failure.compareAndSet(null, cause);
    int first = nextTree.getAndSet(Integer.MAX_VALUE / 2);
    for (int t = first; t < models.length; t++) {
      grown.countDown();
    }
  }

  /**
   * Runs {@code work} on a fresh pool of one worker and parks the caller plainly until it ends.
   * ForkJoinTask.join would count an engine worker as blocked, and the engine's pool would start
   * a spare thread to make up for it. An interrupted caller cancels the work and waits (by closing
   * the pool) for the tree in progress.
   */
  private static void onPrivateThread(Callable<Void> work) throws InterruptedException {
    FutureTask<Void> task = new FutureTask<>(work);
    try (ForkJoinPool alone = new ForkJoinPool(1)) {
      alone.execute(task);
      task.get();
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      // growClaimed records a tree's failure instead of throwing; what is left is the wait.
      if (e.getCause() instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      throw new IllegalStateException("growing trees failed", e.getCause());
    }
  }

  /** Grows tree {@code t} as Smile's {@code RandomForest.fit} does, with its seed, on this thread. */
  private void growTree(int t) {
    int n = x.size();
    MathEx.setSeed(seeds[t]);
    int[] samples = new int[n];
    for (int i = 0; i < n; i++) {
      samples[MathEx.randomInt(n)]++;
    }
    long start = System.nanoTime();
    RegressionTree tree = new RegressionTree(x, Loss.ls(y), response, Integer.MAX_VALUE, Integer.MAX_VALUE, 1,
        x.ncol(), samples, order);
    double fitTime = (System.nanoTime() - start) / 1e6;

    start = System.nanoTime();
    int noob = 0;
    boolean[] left = new boolean[n];
    for (int i = 0; i < n; i++) {
      left[i] = samples[i] == 0;
      if (left[i]) {
        noob++;
      }
    }
    double[] truth = new double[noob];
    double[] predicted = new double[noob];
    for (int i = 0, j = 0; i < n; i++) {
      if (left[i]) {
        truth[j] = y[i];
        predicted[j] = tree.predict(x.get(i));
        j++;
      }
    }
    double scoreTime = (System.nanoTime() - start) / 1e6;
    models[t] = new RandomForest.Model(tree, RegressionMetrics.of(fitTime, scoreTime, truth, predicted));
    outOfBag[t] = left;
    outOfBagPredictions[t] = predicted;
  }

  /** The forest, trees in seed order, with Smile's out-of-bag metrics and importance. */
  private RandomForest build() {
    int n = x.size();
    double[] prediction = new double[n];
    int[] oob = new int[n];
    double fitTime = 0;
    double scoreTime = 0;
    double[] importance = new double[x.ncol()];
    for (int t = 0; t < models.length; t++) {
      RandomForest.Model model = models[t];
      fitTime += model.metrics().fitTime();
      scoreTime += model.metrics().scoreTime();
      double[] treeImportance = model.tree().importance();
      for (int i = 0; i < importance.length; i++) {
        importance[i] += treeImportance[i];
      }
      for (int i = 0, j = 0; i < n; i++) {
        if (outOfBag[t][i]) {
          prediction[i] += outOfBagPredictions[t][j++];
          oob[i]++;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (oob[i] > 0) {
        prediction[i] /= oob[i];
      }
    }
    return new RandomForest(formula, models, RegressionMetrics.of(fitTime, scoreTime, y, prediction), importance);
  }
}
