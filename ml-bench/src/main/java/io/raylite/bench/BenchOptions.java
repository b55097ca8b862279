package io.raylite.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link MlBench}, parsed and checked. Both {@code --name value} and
 * {@code --name=value} are accepted.
 *
 * @param modes the modes to run, in order
 * @param models how many models: the first {@code models} of the reference's sizes, {@code n_estimators}
 *     = 8, 12, 16, ..., 84
 * @param cpus the engine's CPU count for the parallel modes
 * @param gpu whether to score the forests on a GPU
 * @param timeline where to write the Chrome trace of the last mode, or null
 * @param report the folder for the SVG report, or null
 * @param json where to write the results as JSON, or null
 * @param warmup whether to grow one untimed forest first, so that no mode pays for the JIT's warm-up
 * @param help whether the usage was asked for
 * @param dashboard whether each engine mode's runtime starts the web dashboard
 * @param dashboardHold whether the last engine mode's dashboard stays up after the run, until Enter
 */
record BenchOptions(List<Mode> modes, int models, int cpus, boolean gpu, Path timeline, Path report,
    Path json, boolean warmup, boolean help, boolean dashboard, boolean dashboardHold) {

  static final String USAGE = """
      Usage: java -jar ml-bench/target/raylite-ml-bench.jar [options]
        Trains random forests on California housing, first one after another, then as parallel tasks.

        --mode MODE      sequential, parallel, nested, actors or all (the first three;
                         default: sequential, then parallel)
        --models N       train the first N of the reference's 20 models, n_estimators = 8, 12,
                         16, ..., 84 (1 to 20, default 20: 920 trees in all)
        --cpus N         CPUs of the engine for the parallel modes (default: this machine's, %d)
        --gpu            score each forest on a GPU (OpenCL) instead of the CPU
        --timeline FILE  write the Chrome trace of the last mode (open in Perfetto)
        --report DIR     write SVG timelines, an MSE chart and index.html into DIR
        --json FILE      write every model's result and each mode's times as JSON
        --address H:P    run the parallel modes on the Raylite cluster at H:P (needs raylite-cluster)
        --no-warmup      skip the untimed 8-tree forest that warms the JIT up before the first mode
        --dashboard      start the web dashboard for each engine mode (its URL is printed)
        --dashboard-hold as --dashboard, and keep the last engine mode's dashboard up after the run
                         until Enter or Ctrl-C
        -h, --help       print this help
      """.formatted(Runtime.getRuntime().availableProcessors());

  /** The first model's size, and the step between two models, as in the reference. */
  static final int FIRST_SIZE = 8;
  static final int SIZE_STEP = 4;
  /**
   * The reference's model count: its sizes end at 84 trees, and its scikit-learn MSEs, which the
   * report compares against, exist for those sizes only.
   */
  static final int MAX_MODELS = 20;

  /** The trees of all models together: what the progress bar counts. */
  int totalTrees() {
    return sizes().stream().mapToInt(Integer::intValue).sum();
  }

  /** The {@code n_estimators} of each model. */
  List<Integer> sizes() {
    List<Integer> sizes = new ArrayList<>(models);
    for (int i = 0; i < models; i++) {
      sizes.add(FIRST_SIZE + SIZE_STEP * i);
    }
    return sizes;
  }

  /** A command-line mistake; the message says which. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args}.
   *
   * @throws UsageException naming the first bad option
   */
  static BenchOptions parse(String... args) {
    List<Mode> modes = List.of(Mode.SEQUENTIAL, Mode.PARALLEL);
    int models = 20;
    int cpus = Runtime.getRuntime().availableProcessors();
    boolean gpu = false;
    boolean warmup = true;
    boolean help = false;
    boolean dashboard = false;
    boolean dashboardHold = false;
    Path timeline = null;
    Path report = null;
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      switch (name) {
        case "-h", "--help" -> help = true;
        case "--gpu" -> gpu = true;
        case "--no-warmup" -> warmup = false;
        case "--dashboard" -> dashboard = true;
        case "--dashboard-hold" -> dashboard = dashboardHold = true;
        case "--mode", "--models", "--cpus", "--timeline", "--report", "--json" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--mode" -> modes = parseModes(value);
            case "--models" -> models = parseModels(value);
            case "--cpus" -> cpus = parsePositive(name, value);
            case "--timeline" -> timeline = parsePath(name, value);
            case "--report" -> report = parsePath(name, value);
            default -> json = parsePath(name, value);
          }
        }
        default -> throw new UsageException("unknown option '" + arg + "'");
      }
      if (value != null && (name.equals("--gpu") || name.equals("--no-warmup") || name.equals("--help")
          || name.startsWith("--dashboard"))) {
        throw new UsageException(name + " takes no value");
      }
    }
    return new BenchOptions(modes, models, cpus, gpu, timeline, report, json, warmup, help, dashboard,
        dashboardHold);
  }

  private static List<Mode> parseModes(String value) {
    if (value.equalsIgnoreCase("all")) {
      // Not the actors mode: on a local runtime it does the parallel mode's work again, as actors.
      return List.of(Mode.SEQUENTIAL, Mode.PARALLEL, Mode.NESTED);
    }
    try {
      return List.of(Mode.fromLabel(value));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--mode must be sequential, parallel, nested, actors or all, got '" + value + "'");
    }
  }

  private static int parseModels(String value) {
    int n = parsePositive("--models", value);
    if (n > MAX_MODELS) {
      throw new UsageException("--models must be between 1 and " + MAX_MODELS + " (the reference's sizes, "
          + "n_estimators = " + FIRST_SIZE + ", " + (FIRST_SIZE + SIZE_STEP) + ", ..., "
          + (FIRST_SIZE + SIZE_STEP * (MAX_MODELS - 1)) + "), got " + n);
    }
    return n;
  }

  private static int parsePositive(String name, String value) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a whole number >= 1, got '" + value + "'");
    }
    if (n < 1) {
      throw new UsageException(name + " must be >= 1, got " + n);
    }
    return n;
  }

  private static Path parsePath(String name, String value) {
    if (value.isBlank()) {
      throw new UsageException(name + " needs a file or folder name");
    }
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new UsageException(name + " is not a valid path: " + value);
    }
  }
}
