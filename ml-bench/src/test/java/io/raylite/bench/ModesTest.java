package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ActorHandle;
import io.raylite.Raylite;
import io.raylite.Resources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three modes on a slice of the data (4,000 training and 1,000 test rows), so that the tests
 * stay quick: the modes must agree bit for bit and keep their threading promises.
 */
class ModesTest {
  private static final List<Integer> SIZES = List.of(8, 12, 16);
  private static HousingData train;
  private static HousingData test;

  @BeforeAll
  static void slice() {
    TrainTestSplit split = TrainTestSplit.reference(CaliforniaHousing.load());
    train = split.train().head(4_000);
    test = split.test().head(1_000);
  }

  private static Raylite engine(PrintStream log) {
    return Raylite.builder().cpus(2).discoverGpus(false).logStream(log).build();
  }

  @Test
  void everyMode_givesTheSameMseForEveryModel() {
    ModeResult sequential = new SequentialRunner().run(train, test, SIZES, run -> {});
    ModeResult parallel;
    ModeResult nested;
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Raylite ray = engine(log)) {
      parallel = EngineRunner.run(ray, Mode.PARALLEL, train, test, SIZES, run -> {});
      nested = EngineRunner.run(ray, Mode.NESTED, train, test, SIZES, run -> {});
    }
    for (ModeResult result : List.of(sequential, parallel, nested)) {
      assertEquals(SIZES, result.runs().stream().map(ModelRun::nEstimators).toList(), result.mode().label());
      for (int i = 0; i < SIZES.size(); i++) {
        assertEquals(sequential.runs().get(i).mse(), result.runs().get(i).mse(),
            result.mode().label() + " n_estimators=" + SIZES.get(i));
      }
    }
    assertEquals(2, parallel.cpus());
    assertEquals(1, sequential.cpus());
  }

  @Test
  void actorsMode_givesTheSequentialModesMseForEveryModel_inSizeOrder() {
    ModeResult sequential = new SequentialRunner().run(train, test, SIZES, run -> {});
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ModeResult actors;
    try (Raylite ray = engine(log)) {
      actors = ActorRunner.run(ray, train, test, SIZES, Scoring.cpu(), run -> {});
    }
    assertEquals(Mode.ACTORS, actors.mode());
    assertEquals(SIZES, actors.runs().stream().map(ModelRun::nEstimators).toList());
    for (int i = 0; i < SIZES.size(); i++) {
      assertEquals(sequential.runs().get(i).mse(), actors.runs().get(i).mse(), "n_estimators=" + SIZES.get(i));
    }
  }

  @Test
  void actorsMode_onALocalRuntime_startsOneTrainerOfOneCpuPerCpu() {
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Raylite ray = engine(log)) {
      List<ActorHandle<ModelTrainer>> trainers =
          ActorRunner.startTrainers(ray, train, test, Scoring.cpu());
      assertEquals(2, trainers.size());
      // Each trainer holds its CPU for its lifetime, so the two hold the engine's two.
      for (ActorHandle<ModelTrainer> trainer : trainers) {
        ray.get(trainer.task(ModelTrainer::trainAndScore, 8).remote());
      }
      assertEquals(0.0, ray.availableResources().getOrDefault(Resources.CPU, 0.0));
    }
  }

  @Test
  void actorsMode_reportsEveryModelOnce_andPrefixesItsLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Integer> reported = new ArrayList<>();
    ModeResult result;
    try (Raylite ray = engine(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      result = ActorRunner.run(ray, train, test, SIZES, Scoring.cpu(), run -> reported.add(run.nEstimators()));
    }
    assertEquals(SIZES, reported.stream().sorted().toList());
    for (ModelRun run : result.runs()) {
      assertEquals(1, run.treeThreads(), "n_estimators=" + run.nEstimators());
    }
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(SIZES.size(), lines.size(), String.join("\n", lines));
    for (String line : lines) {
      assertTrue(line.matches("\\(.*train_and_score_model n_estimators=(\\d+).*\\) n_estimators=\\1, mse=0\\.\\d{4}, "
          + "took: \\d+\\.\\d\\d seconds"), line);
    }
  }

  @Test
  void sequentialMode_growsEveryTreeOnItsOneThread() {
    SequentialRunner runner = new SequentialRunner();
    long commonPoolSteals = ForkJoinPool.commonPool().getStealCount();
    List<ModelRun> reported = new ArrayList<>();
    ModeResult result = runner.run(train, test, SIZES, reported::add);

    assertEquals(1, runner.threadsCreated(), "the pool must never add a thread");
    assertEquals(commonPoolSteals, ForkJoinPool.commonPool().getStealCount(), "the common pool must stay idle");
    for (ModelRun run : result.runs()) {
      assertEquals(1, run.treeThreads(), "n_estimators=" + run.nEstimators());
      assertEquals(SequentialRunner.WORKER_NAME, run.worker());
    }
    assertEquals(result.runs(), reported);
    for (int i = 1; i < reported.size(); i++) {
      assertTrue(reported.get(i).startNanos() >= reported.get(i - 1).endNanos(), "models must not overlap");
    }
  }

  @Test
  void parallelMode_growsEachForestOnOneThread_andPrefixesItsLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModeResult result;
    try (Raylite ray = engine(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      result = EngineRunner.run(ray, Mode.PARALLEL, train, test, SIZES, run -> {});
    }
    for (ModelRun run : result.runs()) {
      assertEquals(1, run.treeThreads(), "n_estimators=" + run.nEstimators());
    }
    // Waiting for its private pool must not make the engine start spare workers.
    assertTrue(result.runs().stream().map(ModelRun::worker).distinct().count() <= 2, result.runs().toString());
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(SIZES.size(), lines.size(), String.join("\n", lines));
    for (String line : lines) {
      assertTrue(line.matches("\\(train_and_score_model n_estimators=(\\d+) worker=\\w+\\) n_estimators=\\1, mse=0\\.\\d{4}, "
          + "took: \\d+\\.\\d\\d seconds"), line);
    }
  }

  @Test
  void nestedMode_sharesTreesWithoutStartingSpareWorkers() {
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ModeResult result;
    try (Raylite ray = engine(log)) {
      result = EngineRunner.run(ray, Mode.NESTED, train, test, SIZES, run -> {});
    }
    // Trees are grown on the participants' private threads while the engine workers park plainly,
    // so the engine's pool never counts a worker as blocked: two CPUs, two workers.
    assertTrue(result.runs().stream().map(ModelRun::worker).distinct().count() <= 2, result.runs().toString());
    for (ModelRun run : result.runs()) {
      assertTrue(run.treeThreads() <= 2, run.toString());
    }
  }

  @Test
  void nestedMode_reportsEveryModelOnce() {
    List<Integer> reported = new ArrayList<>();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ModeResult result;
    try (Raylite ray = engine(log)) {
      result = EngineRunner.run(ray, Mode.NESTED, train, test, SIZES, run -> reported.add(run.nEstimators()));
    }
    assertEquals(SIZES, reported.stream().sorted().toList());
    for (ModelRun run : result.runs()) {
      assertTrue(run.treeThreads() >= 1 && run.treeThreads() <= run.nEstimators(), run.toString());
    }
  }
}
