package io.raylite.bench;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.Resources;
import io.raylite.RuntimeContext;
import io.raylite.WaitResult;
import io.raylite.function.RayFunc4;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * The parallel modes, written like the reference's Ray version: put the data once, start one task
 * per model with refs as arguments, and gather the results with {@code get}.
 */
final class EngineRunner {
  /** The task name, as the reference's remote function is called; it prefixes every output line. */
  static final String TASK_NAME = "train_and_score_model";

  /**
   * The name of the task of one model, {@code train_and_score_model n_estimators=8}: the timeline
   * shows it on the model's bar, so that a person can tell which bar is which forest.
   */
  static String taskName(int nEstimators) {
    return TASK_NAME + " n_estimators=" + nEstimators;
  }

  private EngineRunner() {}

  /**
   * Runs one model per size as engine tasks of 1 CPU each, calling {@code onModel} (on this thread)
   * as each finishes.
   */
  static ModeResult run(Raylite ray, Mode mode, HousingData train, HousingData test, List<Integer> sizes,
      Consumer<ModelRun> onModel) {
    return run(ray, mode, train, test, sizes, false, onModel);
  }

  /** As {@link #run(Raylite, Mode, HousingData, HousingData, List, Consumer)}, scoring on a GPU if asked. */
  static ModeResult run(Raylite ray, Mode mode, HousingData train, HousingData test, List<Integer> sizes,
      boolean gpu, Consumer<ModelRun> onModel) {
    MachineLoad.Snapshot start = MachineLoad.Snapshot.take();
    return run(ray, mode, train, test, sizes, gpu ? Scoring.gpu(ray, test) : Scoring.cpu(), start, onModel);
  }

  /** As {@link #run(Raylite, Mode, HousingData, HousingData, List, Consumer)}, scoring as {@code scoring} says. */
  static ModeResult run(Raylite ray, Mode mode, HousingData train, HousingData test, List<Integer> sizes,
      Scoring scoring, Consumer<ModelRun> onModel) {
    return run(ray, mode, train, test, sizes, scoring, MachineLoad.Snapshot.take(), onModel);
  }

  private static ModeResult run(Raylite ray, Mode mode, HousingData train, HousingData test, List<Integer> sizes,
      Scoring scoring, MachineLoad.Snapshot start, Consumer<ModelRun> onModel) {
    RayFunc4<HousingData, HousingData, Integer, Scoring, ModelRun> trainAndScore = switch (mode) {
      case PARALLEL -> EngineRunner::trainAndScoreAlone;
      case NESTED -> EngineRunner::trainAndScoreNested;
      case SEQUENTIAL -> throw new IllegalArgumentException("sequential mode does not run on the engine");
      case ACTORS -> throw new IllegalArgumentException("actors mode runs in ActorRunner");
    };
    ObjectRef<HousingData> trainRef = ray.put(train);
    ObjectRef<HousingData> testRef = ray.put(test);
    List<ObjectRef<ModelRun>> refs = new ArrayList<>(sizes.size());
    for (int n : sizes) {
      refs.add(ray.task(trainAndScore, trainRef, testRef, n, scoring).name(taskName(n)).remote());
    }
    // Reported in completion order for the progress bar; the results below keep submission order.
    List<ObjectRef<ModelRun>> pending = refs;
    while (!pending.isEmpty()) {
      WaitResult<ModelRun> done = ray.wait(pending, 1, null);
      for (ObjectRef<ModelRun> ref : done.ready()) {
        onModel.accept(ray.get(ref));
      }
      pending = done.unready();
    }
    List<ModelRun> runs = ray.get(refs);

    MachineLoad.Snapshot end = MachineLoad.Snapshot.take();
    int cpus = (int) Math.round(ray.totalResources().getOrDefault(Resources.CPU, 1.0));
    return ModeResult.measured(mode, cpus, runs, start, end);
  }

  /** The worker, and on a cluster the node, as Ray's {@code pid=} prefix names the process. */
  static String workerLabel(RuntimeContext context) {
    return "local".equals(context.nodeId()) ? context.workerName() : context.nodeId() + " " + context.workerName();
  }

  /**
   * The parallel mode's task: grows the forest on one thread of its own, as a Ray worker process
   * would. Smile's tree stream runs in a private pool of one worker, so the forest never spreads
   * beyond the 1 CPU the task holds.
   */
  static ModelRun trainAndScoreAlone(HousingData train, HousingData test, int nEstimators, Scoring scoring)
      throws InterruptedException {
    RuntimeContext context = Raylite.context();
    ModelRun run = timedAlone(train, test, nEstimators, workerLabel(context), scoring);
    context.log(run.line());
    return run;
  }

  /**
   * Trains and scores one model in a private pool of one worker, so that Smile's tree stream never
   * spreads beyond the calling engine worker; the parallel and actors modes' model.
   */
  static ModelRun timedAlone(HousingData train, HousingData test, int nEstimators, String worker, Scoring scoring)
      throws InterruptedException {
    FutureTask<ModelRun> training =
        new FutureTask<>(() -> ModelRun.timed(train, test, nEstimators, worker, scoring));
    ModelRun run;
    try (ForkJoinPool alone = new ForkJoinPool(1)) {
      alone.execute(training);
      // FutureTask.get parks this engine worker plainly. ForkJoinTask.join would count it as a
      // blocked worker, and the engine's pool would start a spare thread to make up for it.
      run = training.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw new IllegalStateException("training n_estimators=" + nEstimators + " failed", e.getCause());
    } catch (InterruptedException e) {
      // Cancelled: tell the training thread; closing the pool then waits for the tree in progress.
      training.cancel(true);
      throw e;
    }
    return run;
  }

  /**
   * The nested mode's task: offers the forest's trees, one at a time, to the engine's idle workers
   * through its work-stealing pool (see {@link SharedForest}), and grows the rest itself. Each tree
   * grows on one thread, as in the other modes.
   */
  static ModelRun trainAndScoreNested(HousingData train, HousingData test, int nEstimators, Scoring scoring)
      throws InterruptedException {
    RuntimeContext context = Raylite.context();
    ModelRun run = ModelRun.timedShared(train, test, nEstimators, workerLabel(context), scoring);
    context.log(run.line());
    return run;
  }
}
