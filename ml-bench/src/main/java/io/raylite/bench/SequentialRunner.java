package io.raylite.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The baseline: models one after another, each on exactly one thread.
 *
 * <p>Smile grows a forest's trees in a parallel stream, which runs in the fork/join pool of the
 * thread that starts it, or in the common pool when that thread is no pool worker. So every model
 * is trained inside a pool of one worker whose maximum size is also one: the pool cannot add a
 * compensating thread when a stream joins, and the common pool is never touched. The pool counts
 * the threads it creates, so tests can check the guarantee.
 */
final class SequentialRunner {
  /** The name of the one thread that trains the models, shown as the worker. */
  static final String WORKER_NAME = "sequential";

  private final AtomicInteger threadsCreated = new AtomicInteger();

  /** How many threads this runner's pools have created so far. */
  int threadsCreated() {
    return threadsCreated.get();
  }

  /** Trains and scores one model per size, in order, calling {@code onModel} after each. */
  ModeResult run(HousingData train, HousingData test, List<Integer> sizes, Consumer<ModelRun> onModel) {
    return run(train, test, sizes, Scoring.cpu(), onModel);
  }

  /** As {@link #run(HousingData, HousingData, List, Consumer)}, scoring as {@code scoring} says. */
  ModeResult run(HousingData train, HousingData test, List<Integer> sizes, Scoring scoring,
      Consumer<ModelRun> onModel) {
    List<ModelRun> runs = new ArrayList<>(sizes.size());
    MachineLoad.Snapshot start = MachineLoad.Snapshot.take();
    // The keep-alive is long so that the worker never retires between two models.
    try (ForkJoinPool pool = new ForkJoinPool(1, this::newThread, null, false,
        0, 1, 1, p -> true, 1, TimeUnit.HOURS)) {
      for (int n : sizes) {
        ModelRun run = pool.submit(() -> ModelRun.timed(train, test, n, WORKER_NAME, scoring)).join();
        runs.add(run);
        onModel.accept(run);
      }
    }
    return ModeResult.measured(Mode.SEQUENTIAL, 1, runs, start, MachineLoad.Snapshot.take());
  }

  /**
   * Grows and scores one forest of the first size on one thread, untimed by any mode, and returns
   * its seconds. The first forest a JVM grows runs mostly interpreted and takes about twice as
   * long as later ones; without this, the mode that runs first (the baseline) would pay for it.
   * Scored as the modes will score ({@code --gpu}: on the device), so that the device's kernels are
   * compiled here too, not in the first mode.
   */
  static double warmUp(HousingData train, HousingData test, Scoring scoring) {
    ModeResult result = new SequentialRunner().run(train, test, List.of(BenchOptions.FIRST_SIZE), scoring, run -> { });
    return result.wallSeconds();
  }

  private ForkJoinWorkerThread newThread(ForkJoinPool pool) {
    threadsCreated.incrementAndGet();
    ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
    thread.setName(WORKER_NAME);
    return thread;
  }
}
