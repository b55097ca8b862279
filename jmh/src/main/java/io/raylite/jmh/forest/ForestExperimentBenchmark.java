package io.raylite.jmh.forest;

import io.raylite.Raylite;
import io.raylite.bench.CaliforniaHousing;
import io.raylite.bench.MlBenchInternals;
import io.raylite.bench.HousingData;
import io.raylite.bench.Mode;
import io.raylite.bench.ModeResult;
import io.raylite.bench.Models;
import io.raylite.bench.TrainTestSplit;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference experiment, timed by JMH: the 20 random forests ({@code n_estimators} = 8, 12,
 * ..., 84) trained and scored one after another on one thread ({@code sequential}, the baseline),
 * as engine tasks of 1 CPU each growing their forest on a thread of their own ({@code parallel}),
 * and as engine tasks whose tree streams share the engine's work-stealing pool ({@code nested}).
 * Each mode runs through ml-bench's own runners, the code behind {@code ml-bench --mode}, which is
 * why this class lives in their package.
 *
 * <p>{@code trainRows} scales the experiment: {@code 16512} is the reference's training set; a
 * smaller value trains on its first rows only (the test set stays the reference's 4,128 rows), so
 * that one run takes seconds. Seconds per run of all 20 models; the runtime for the parallel modes
 * has CPUs = available processors and the default configuration otherwise (its log lines are
 * discarded).
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class ForestExperimentBenchmark {
  /** The reference experiment's number of models. */
  static final int MODELS = 20;

  @Param({"1000", "16512"})
  int trainRows;

  HousingData train;
  HousingData test;
  List<Integer> sizes;
  Raylite ray;

  @Setup(Level.Trial)
  public void start() {
    Models.ensureExactSplits();
    TrainTestSplit split = TrainTestSplit.reference(CaliforniaHousing.load());
    if (trainRows < 1 || trainRows > split.train().size()) {
      throw new IllegalArgumentException("trainRows must be between 1 and " + split.train().size()
          + ", got " + trainRows);
    }
    train = split.train().head(trainRows);
    test = split.test();
    sizes = MlBenchInternals.forestSizes(MODELS);
    ray = Raylite.builder()
        .logStream(new PrintStream(PrintStream.nullOutputStream()))
        .name("forest-experiment")
        .build();
  }

  @TearDown(Level.Trial)
  public void stop() {
    ray.close();
  }

  @Benchmark
  public ModeResult sequential() {
    return MlBenchInternals.runSequential(train, test, sizes);
  }

  @Benchmark
  public ModeResult parallel() {
    return MlBenchInternals.runOnEngine(ray, Mode.PARALLEL, train, test, sizes);
  }

  @Benchmark
  public ModeResult nested() {
    return MlBenchInternals.runOnEngine(ray, Mode.NESTED, train, test, sizes);
  }
}
