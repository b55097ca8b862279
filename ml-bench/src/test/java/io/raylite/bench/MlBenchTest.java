package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The command line end to end: one full run of two models in every mode, and bad options. */
class MlBenchTest {
  @TempDir
  static Path dir;

  private static String out;
  private static int status;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = MlBench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void runTwoModelsInEveryMode() {
    Result result = run("--mode", "all", "--models", "2", "--cpus", "2",
        "--json", dir.resolve("results.json").toString(),
        "--report", dir.resolve("report").toString(),
        "--timeline=" + dir.resolve("timeline.json"));
    status = result.status();
    out = result.out();
    assertEquals("", result.err());
  }

  @Test
  void fullRun_exitsWithZero_andPrintsTheDatasetLikeTheReference() {
    assertEquals(0, status, out);
    assertTrue(out.contains("X.shape = (20640, 8)"), out);
    assertTrue(out.contains("16512 training rows, 4128 test rows"), out);
    List<String> head = out.lines().dropWhile(l -> !l.equals("X_train.head():")).skip(2).limit(5)
        .map(l -> l.split(" ")[0]).toList();
    assertEquals(List.of("19262", "4083", "19500", "9062", "1196"), head);
  }

  @Test
  void fullRun_warmsTheJitUpBeforeTheFirstMode_andRecordsItApart() throws Exception {
    List<String> lines = out.lines().toList();
    int warmup = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("JIT warm-up: one 8-tree forest on one thread, \\d+\\.\\d\\d seconds \\(not counted in any mode\\)")) {
        warmup = i;
      }
    }
    assertTrue(warmup >= 0, out);
    assertTrue(warmup < lines.indexOf("== sequential: 2 models (20 trees), one after another on one thread =="), out);
    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("results.json")));
    assertTrue(json.get("warmup_seconds").doubleValue() > 0, json.toString());
  }

  @Test
  void fullRun_printsOneLinePerModelAndMode_thenTheBestModelAndASummary() {
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.stream().filter(l -> l.matches("n_estimators=\\d+, mse=0\\.\\d{4}, took: \\d+\\.\\d\\d seconds")).count());
    assertEquals(4, lines.stream().filter(l -> l.matches("\\(train_and_score_model n_estimators=(\\d+) worker=\\w+\\) n_estimators=\\1, .*")).count());
    assertEquals(3, lines.stream().filter(l -> l.matches("Best model: mse=0\\.\\d{4}, n_estimators=12")).count());
    assertTrue(out.contains("Every mode gave the same MSE for every model."), out);
    for (String mode : List.of("sequential", "parallel", "nested")) {
      assertTrue(lines.stream().anyMatch(l -> l.matches(mode
              + " +\\d+ +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\dx +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d")),
          mode + " summary row missing:\n" + out);
    }
  }

  @Test
  void json_holdsEveryModelAndEveryMode() throws Exception {
    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("results.json")));
    assertEquals(2, json.get("models").asInt());
    JsonNode modes = json.get("modes");
    assertEquals(3, modes.size());
    for (JsonNode mode : modes) {
      assertTrue(mode.get("wall_seconds").doubleValue() > 0);
      assertTrue(mode.get("cpu_seconds").doubleValue() > 0);
      assertTrue(mode.get("speedup").isNumber());
    }
    assertEquals(1.0, modes.get(0).get("speedup").doubleValue());
    JsonNode results = json.get("results");
    assertEquals(6, results.size());
    Set<String> seen = new HashSet<>();
    for (JsonNode r : results) {
      seen.add(r.get("mode").asString() + "/" + r.get("n_estimators").asInt());
      assertEquals(r.get("mse").doubleValue(), results.get(r.get("n_estimators").asInt() == 8 ? 0 : 1).get("mse").doubleValue());
      assertTrue(r.get("seconds").doubleValue() > 0);
      assertTrue(r.get("worker").isString());
      assertTrue(r.get("end_seconds").doubleValue() >= r.get("start_seconds").doubleValue());
    }
    assertEquals(Set.of("sequential/8", "sequential/12", "parallel/8", "parallel/12", "nested/8", "nested/12"), seen);
  }

  @Test
  void report_writesWellFormedSvgAndHtml() throws Exception {
    Path report = dir.resolve("report");
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    for (String file : List.of("timeline-sequential.svg", "timeline-parallel.svg", "timeline-nested.svg", "mse.svg")) {
      Document svg = factory.newDocumentBuilder().parse(report.resolve(file).toFile());
      assertEquals("svg", svg.getDocumentElement().getLocalName(), file);
      assertTrue(svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength() > 0, file);
    }
    Document timeline = factory.newDocumentBuilder().parse(report.resolve("timeline-parallel.svg").toFile());
    // One bar per model, each with its tooltip.
    assertEquals(2, timeline.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").getLength());
    Document mse = factory.newDocumentBuilder().parse(report.resolve("mse.svg").toFile());
    // 20 reference points and our 2.
    assertEquals(22, mse.getElementsByTagNameNS("http://www.w3.org/2000/svg", "circle").getLength());
    Document index = factory.newDocumentBuilder().parse(report.resolve("index.html").toFile());
    assertEquals(4, index.getElementsByTagName("img").getLength());
  }

  @Test
  void timeline_isAChromeTraceOfTheLastMode() throws Exception {
    JsonNode trace = new ObjectMapper().readTree(Files.readString(dir.resolve("timeline.json")));
    long tasks = 0;
    for (JsonNode event : trace.get("traceEvents")) {
      if ("X".equals(event.path("ph").asString("")) && event.path("name").asString("").contains("train_and_score_model")) {
        tasks++;
      }
    }
    assertEquals(2, tasks, trace.toString());
  }

  @Test
  void timeline_namesEachBarWithItsModelsSize() throws Exception {
    JsonNode trace = new ObjectMapper().readTree(Files.readString(dir.resolve("timeline.json")));
    Set<String> names = new HashSet<>();
    for (JsonNode event : trace.get("traceEvents")) {
      if ("X".equals(event.path("ph").asString(""))) {
        names.add(event.path("name").asString(""));
      }
    }
    assertEquals(Set.of("train_and_score_model n_estimators=8", "train_and_score_model n_estimators=12"), names);
  }

  @Test
  void json_recordsTheMachine_andWhatOtherProcessesTookDuringEachMode() throws Exception {
    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("results.json")));
    JsonNode machine = json.get("machine");
    assertEquals(Runtime.getRuntime().availableProcessors(), machine.get("cores").asInt());
    assertTrue(machine.get("jdk").asString().contains(Runtime.version().feature() + ""), machine.toString());
    for (JsonNode mode : json.get("modes")) {
      assertTrue(mode.get("other_process_cores").doubleValue() >= 0, mode.toString());
      assertTrue(mode.get("stolen_cores").doubleValue() >= 0, mode.toString());
      assertTrue(mode.get("others_warning").isBoolean(), mode.toString());
    }
  }

  @Test
  void fullRun_printsTheMachineBeforeTheData() {
    String first = out.lines().findFirst().orElseThrow();
    assertTrue(first.matches("Machine: " + Runtime.getRuntime().availableProcessors()
        + " processors? \\(.+\\), .+, JDK .+, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, load average .+"), first);
  }

  @Test
  void jsonInAMissingFolder_failsBeforeAnyWork_andCreatesNoFolder(@TempDir Path own) {
    Path missing = own.resolve("nonexistent/dir");
    Result result = run("--models", "1", "--json", missing.resolve("x.json").toString());
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertEquals("", result.out(), "nothing may run before the paths are checked");
    assertTrue(result.err().contains("--json " + missing.resolve("x.json") + " is in folder " + missing
        + ", which does not exist"), result.err());
    assertFalse(Files.exists(own.resolve("nonexistent")));
  }

  @Test
  void jsonUnderProc_failsBeforeAnyWork_withoutARawException() {
    Result result = run("--models", "1", "--json", "/proc/nope/x.json");
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertEquals("", result.out());
    assertFalse(result.err().contains("Exception"), result.err());
    assertTrue(result.err().startsWith("ml-bench: --json /proc/nope/x.json "), result.err());
  }

  @Test
  void reportOnAnExistingFile_failsBeforeAnyWork(@TempDir Path own) throws Exception {
    Path file = Files.writeString(own.resolve("report.txt"), "keep me");
    Result result = run("--models", "1", "--report", file.toString());
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertEquals("", result.out());
    assertTrue(result.err().contains("--report " + file + " is a file"), result.err());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void reportInAMissingFolder_failsBeforeAnyWork_andCreatesNoFolder(@TempDir Path own) {
    Result result = run("--models", "1", "--report", own.resolve("a/b").toString());
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertEquals("", result.out());
    assertFalse(Files.exists(own.resolve("a")));
  }

  @Test
  void timelineOnAFolder_failsBeforeAnyWork(@TempDir Path own) {
    Result result = run("--models", "1", "--timeline", own.toString());
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertEquals("", result.out());
    assertTrue(result.err().contains("--timeline " + own + " is a folder"), result.err());
  }

  @Test
  void jsonAndTimelineOnOneFile_failBeforeAnyWork(@TempDir Path own) {
    String file = own.resolve("same.json").toString();
    Result result = run("--models", "1", "--json", file, "--timeline", file);
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertTrue(result.err().contains("--json and --timeline name the same file"), result.err());
  }

  @Test
  void moreModelsThanTheReference_failsWithTheAllowedRange() {
    Result result = run("--models", "21");
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertTrue(result.err().contains("--models must be between 1 and 20 (the reference's sizes, n_estimators = 8, 12, "
        + "..., 84), got 21"), result.err());
  }

  @Test
  void sequentialOnly_writesItsOwnTimeline_andNoWarmupSkipsTheWarmUp(@TempDir Path own) throws Exception {
    Result result = run("--mode", "sequential", "--models", "1", "--no-warmup",
        "--timeline", own.resolve("t.json").toString(), "--json", own.resolve("r.json").toString());
    assertEquals(0, result.status(), result.err());
    JsonNode trace = new ObjectMapper().readTree(Files.readString(own.resolve("t.json")));
    assertEquals(8, trace.get("traceEvents").get(1).get("args").get("n_estimators").asInt());
    assertEquals("train_and_score_model n_estimators=8", trace.get("traceEvents").get(1).get("name").asString());
    // --no-warmup: no warm-up forest, and the JSON says so.
    assertTrue(result.out().lines().noneMatch(l -> l.startsWith("JIT warm-up")), result.out());
    assertTrue(new ObjectMapper().readTree(Files.readString(own.resolve("r.json"))).get("warmup_seconds").isNull());
  }

  @Test
  void gpuOption_scoresOnTheDevice_andPrintsTheCpuMses() {
    try (io.raylite.Raylite probe = io.raylite.Raylite.builder().cpus(1)
        .logStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build()) {
      assertTrue(probe.totalResources().getOrDefault("GPU", 0.0) > 0,
          "no OpenCL device: install ocl-icd-libopencl1 and pocl-opencl-icd (.ci/run does), or a GPU driver");
    }
    Result result = run("--gpu", "--mode", "parallel", "--models", "2", "--no-warmup");
    assertEquals(0, result.status(), result.err());
    List<String> cpuLines = out.lines().filter(l -> l.startsWith("Best model:")).toList();
    assertEquals(cpuLines.getFirst(), result.out().lines().filter(l -> l.startsWith("Best model:")).findFirst().orElseThrow());
    for (String mse : List.of("n_estimators=8, mse=", "n_estimators=12, mse=")) {
      String expected = out.lines().filter(l -> l.startsWith(mse)).findFirst().orElseThrow().substring(0, mse.length() + 6);
      assertTrue(result.out().contains(expected), expected + " missing from\n" + result.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--mode=fast", "--models=0", "--models=21", "--cpus=-1", "--cpus=two", "--frobnicate", "--json", "--gpu=yes",
      "--no-warmup=no"})
  void badOption_failsWithUsageAndStatus2(String option) {
    Result result = run(option);
    assertEquals(MlBench.EXIT_USAGE, result.status());
    assertTrue(result.err().startsWith("ml-bench: "), result.err());
    assertTrue(result.err().contains("Usage: java -jar ml-bench/target/raylite-ml-bench.jar [options]"), result.err());
    assertEquals("", result.out());
  }

  @Test
  void badOption_messageNamesTheProblem() {
    assertTrue(run("--mode", "fast").err().contains("--mode must be sequential, parallel, nested, actors or all, got 'fast'"));
    assertTrue(run("--models", "0").err().contains("--models must be >= 1, got 0"));
    assertTrue(run("--cpus", "-1").err().contains("--cpus must be >= 1, got -1"));
  }

  @Test
  void withoutDashboardOption_noDashboardStarts() {
    assertTrue(!out.contains("View the dashboard"), out);
  }

  @Test
  void dashboardOption_printsTheDashboardUrlAtTheStartOfTheEngineMode() {
    String before = System.getProperty("raylite.dashboard.port");
    System.setProperty("raylite.dashboard.port", "0");  // any free port: 8265 may be taken here
    try {
      Result result = run("--mode", "parallel", "--models", "1", "--cpus", "1", "--no-warmup", "--dashboard");
      assertEquals(0, result.status(), result.err());
      assertTrue(result.out().contains("Started a local Raylite instance. View the dashboard at http://127.0.0.1:"),
          result.out());
    } finally {
      if (before == null) {
        System.clearProperty("raylite.dashboard.port");
      } else {
        System.setProperty("raylite.dashboard.port", before);
      }
    }
    assertEquals(MlBench.EXIT_USAGE, run("--dashboard=yes").status());
  }

  @Test
  void help_printsUsageAndExitsWithZero() {
    Result result = run("--help");
    assertEquals(0, result.status());
    assertTrue(result.out().startsWith("Usage: "));
    assertTrue(result.out().contains("--mode MODE"), result.out());
  }
}
