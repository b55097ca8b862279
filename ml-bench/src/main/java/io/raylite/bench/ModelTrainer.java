package io.raylite.bench;

import io.raylite.Raylite;
import io.raylite.RuntimeContext;

/**
 * The actors mode's actor: holds the training and test data, fetched once when it starts, and
 * trains and scores one forest per call, on the actor's own thread as a Ray actor would in its
 * worker process.
 */
final class ModelTrainer {
  private final HousingData train;
  private final HousingData test;
  private final Scoring scoring;

  ModelTrainer(HousingData train, HousingData test, Scoring scoring) {
    this.train = train;
    this.test = test;
    this.scoring = scoring;
  }

  /**
   * Trains and scores a forest of {@code nEstimators} trees, in a private pool of one worker (as
   * the parallel mode's task does), and prints its line with the call's prefix.
   */
  ModelRun trainAndScore(int nEstimators) throws InterruptedException {
    RuntimeContext context = Raylite.context();
    ModelRun run = EngineRunner.timedAlone(train, test, nEstimators, EngineRunner.workerLabel(context), scoring);
    context.log(run.line());
    return run;
  }
}
