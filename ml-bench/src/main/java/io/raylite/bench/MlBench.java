package io.raylite.bench;

import io.raylite.Raylite;
import io.raylite.gpu.OpenClDevice;
import io.raylite.gpu.OpenClDevices;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command-line program of the reference experiment: trains and scores 20 random forests on
 * California housing, first one after another, then as parallel Raylite tasks, and compares.
 * {@code --help} lists the options.
 */
public final class MlBench {
  /** Exit status of a run that failed while running. */
  static final int EXIT_FAILURE = 1;
  /** Exit status of a bad command line. */
  static final int EXIT_USAGE = 2;

  private MlBench() {}

  public static void main(String[] args) {
    int status = run(clusterAddress(args), System.out, System.err);
    System.out.flush();
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Takes {@code --address host:port} out of {@code args} and makes it the address every runtime
   * of this program connects to ({@code -Draylite.address}, read by {@code Raylite.builder()}): the
   * parallel modes then run across the cluster's nodes, which need this jar on their class path
   * ({@code start --classpath raylite-ml-bench.jar}) and the cluster jar on the driver's.
   */
  static String[] clusterAddress(String[] args) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--address") && i + 1 < args.length) {
        System.setProperty("raylite.address", args[++i]);
      } else if (args[i].startsWith("--address=")) {
        System.setProperty("raylite.address", args[i].substring("--address=".length()));
      } else {
        rest.add(args[i]);
      }
    }
    return rest.toArray(String[]::new);
  }

  /** Runs the program with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      err.println("ml-bench: " + e.getMessage());
      err.print(BenchOptions.USAGE);
      return EXIT_USAGE;
    }
    if (options.help()) {
      out.print(BenchOptions.USAGE);
      return 0;
    }
    try {
      OutputPaths.check(options);
    } catch (BenchOptions.UsageException e) {
      err.println("ml-bench: " + e.getMessage());
      return EXIT_USAGE;
    }
    try {
      return new MlBench.Run(options, out).call();
    } catch (java.nio.file.FileSystemException e) {
      // Checked before the run, so only a change meanwhile (or a full disk) gets here.
      err.println("ml-bench: failed: cannot write " + e.getFile()
          + (e.getReason() == null ? "" : ": " + e.getReason()) + " (" + e.getClass().getSimpleName() + ")");
      return EXIT_FAILURE;
    } catch (Exception e) {
      err.println("ml-bench: failed: " + e);
      Throwable cause = e.getCause();
      while (cause != null) {
        err.println("  caused by: " + cause);
        cause = cause.getCause();
      }
      return EXIT_FAILURE;
    }
  }

  /** One run of the experiment with its options and output. */
  private static final class Run {
    private final BenchOptions options;
    private final PrintStream out;
    private final ProgressBar progress;
    private final List<ModeResult> results = new ArrayList<>();
    private final MachineInfo machine = MachineInfo.current();
    /** Seconds of the untimed warm-up forest; NaN when it was skipped. */
    private double warmupSeconds = Double.NaN;

    Run(BenchOptions options, PrintStream out) {
      this.options = options;
      this.out = out;
      this.progress = ProgressBar.forOutput(out);
    }

    int call() throws IOException {
      Models.ensureExactSplits();
      HousingData all = CaliforniaHousing.load();
      TrainTestSplit split = TrainTestSplit.reference(all);
      try (progress) {
        PrintStream lines = progress.lines();
        lines.println("Machine: " + machine.describe());
        DatasetSummary.print(lines, all, split, 5);
        if (options.warmup()) {
          Scoring scoring = options.gpu() ? Scoring.onDevice(firstGpu(), split.test()) : Scoring.cpu();
          warmupSeconds = SequentialRunner.warmUp(split.train(), split.test(), scoring);
          lines.println();
          lines.printf(Locale.ROOT, "JIT warm-up: one %d-tree forest on one thread%s, %.2f seconds (not counted in any mode)%n",
              BenchOptions.FIRST_SIZE, options.gpu() ? ", scored on the device (its kernels compiled)" : "",
              warmupSeconds);
        }
        List<Mode> modes = options.modes();
        for (int i = 0; i < modes.size(); i++) {
          Mode mode = modes.get(i);
          boolean last = i == modes.size() - 1;
          lines.println();
          lines.println("== " + mode.label() + ": " + describe(mode) + " ==");
          progress.start(mode.label(), options.totalTrees());
          ModeResult result = runMode(mode, split, lines, last);
          progress.finish();
          results.add(result);
          ModelRun best = result.best();
          lines.printf(Locale.ROOT, "Best model: mse=%.4f, n_estimators=%d%n", best.mse(), best.nEstimators());
          lines.printf(Locale.ROOT, "%s: wall %.2f seconds, CPU %.2f seconds; %s%n",
              mode.label(), result.wallSeconds(), result.cpuSeconds(), result.load().describe());
          String spares = Summary.spareWorkers(result);
          if (spares != null) {
            lines.println(spares);
          }
        }
        printSummary(lines);
      }
      if (options.json() != null) {
        JsonReport.write(options.json(), results, options.models(), options.gpu(), warmupSeconds, machine);
        out.println("Wrote " + options.json());
      }
      if (options.report() != null) {
        SvgReport.write(options.report(), results, machine);
        out.println("Wrote " + options.report().resolve(SvgReport.INDEX));
      }
      if (options.timeline() != null) {
        out.println("Wrote " + options.timeline());
      }
      return 0;
    }

    /** GPU 0 as the engine's default provider offers it, or the install hint when there is none. */
    private static OpenClDevice firstGpu() {
      OpenClDevices devices = OpenClDevices.system();
      if (devices.offered().isEmpty()) {
        throw new IllegalStateException(Scoring.NO_DEVICE);
      }
      return devices.gpu(0);
    }

    private String describe(Mode mode) {
      String models = options.models() + " models (" + options.totalTrees() + " trees)";
      String engine = " as tasks of 1 CPU on an engine of " + options.cpus() + " CPU" + (options.cpus() == 1 ? "" : "s")
          + " (" + options.cpus() + " worker thread" + (options.cpus() == 1 ? "" : "s") + ")";
      String address = System.getProperty("raylite.address");
      if (address != null && !address.isBlank()) {
        engine = " as tasks of 1 CPU on the Raylite cluster at " + address + " (the nodes' CPUs)";
      }
      return switch (mode) {
        case SEQUENTIAL -> models + ", one after another on one thread";
        case PARALLEL -> models + engine + ", each forest grown on a thread of its own";
        case NESTED -> models + engine + ", trees shared through its work-stealing pool";
        case ACTORS -> models + " fed largest first to ModelTrainer actors"
            + (address != null && !address.isBlank()
                ? ", one per node of the Raylite cluster at " + address
                : ", one of 1 CPU per CPU of an engine of " + options.cpus() + " CPU" + (options.cpus() == 1 ? "" : "s"))
            + ", each forest grown on the trainer's own thread";
      };
    }

    private ModeResult runMode(Mode mode, TrainTestSplit split, PrintStream lines, boolean last)
        throws IOException {
      List<Integer> sizes = options.sizes();
      if (mode == Mode.SEQUENTIAL) {
        ModeResult result;
        if (options.gpu()) {
          // The sequential mode needs the engine only to run its GPU scoring tasks.
          try (Raylite ray = runtime(mode, lines)) {
            result = runSequential(split, sizes, Scoring.gpu(ray, split.test()), lines);
          }
        } else {
          result = runSequential(split, sizes, Scoring.cpu(), lines);
        }
        if (last && options.timeline() != null) {
          ChromeTrace.write(options.timeline(), result);
        }
        return result;
      }
      try (Raylite ray = runtime(mode, lines)) {
        ModeResult result = mode == Mode.ACTORS
            ? ActorRunner.run(ray, split.train(), split.test(), sizes,
                options.gpu() ? Scoring.gpu(ray, split.test()) : Scoring.cpu(), run -> progress.advance(run.nEstimators()))
            : EngineRunner.run(ray, mode, split.train(), split.test(), sizes, options.gpu(),
                run -> progress.advance(run.nEstimators()));
        if (last && options.timeline() != null) {
          ray.timeline(options.timeline());
        }
        if (last && options.dashboardHold() && ray.dashboardUrl().isPresent()) {
          lines.println("The dashboard stays up at " + ray.dashboardUrl().get() + ": press Enter or Ctrl-C to end.");
          System.in.read();  // blocks until a line or the end of input
        }
        return result;
      }
    }

    private ModeResult runSequential(TrainTestSplit split, List<Integer> sizes, Scoring scoring, PrintStream lines) {
      return new SequentialRunner().run(split.train(), split.test(), sizes, scoring, run -> {
        lines.println(run.line());
        progress.advance(run.nEstimators());
      });
    }

    /** A runtime for one mode; GPUs are looked for only when asked, as discovery takes a moment. */
    private Raylite runtime(Mode mode, PrintStream lines) {
      return Raylite.builder()
          .cpus(mode == Mode.SEQUENTIAL ? 1 : options.cpus())
          .discoverGpus(options.gpu())
          .logStream(lines)
          .dashboard(options.dashboard())
          .name("ml-bench-" + mode.label())
          .build();
    }

    private void printSummary(PrintStream lines) {
      lines.println();
      lines.println("Summary");
      Summary.print(lines, results);
    }
  }
}
