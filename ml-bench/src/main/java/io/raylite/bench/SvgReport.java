package io.raylite.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The pictures of a run: per mode a timeline with one row per worker and one bar per model (like
 * the reference's diagrams of sequential and parallel tasks), a chart of MSE against
 * {@code n_estimators} beside scikit-learn's reference curve, and an {@code index.html} showing them
 * with a table of times. Plain SVG 1.1 and XHTML-compatible HTML, so any browser opens them and an
 * XML parser reads them.
 */
final class SvgReport {
  static final String INDEX = "index.html";
  static final String MSE_CHART = "mse.svg";

  private static final int WIDTH = 960;
  private static final int LEFT = 110;
  private static final int RIGHT = 30;
  private static final int TOP = 56;
  private static final int ROW = 36;
  private static final int AXIS = 44;
  private static final String FONT = "font-family=\"sans-serif\"";

  private SvgReport() {}

  /** The timeline file of one mode. */
  static String timelineFile(Mode mode) {
    return "timeline-" + mode.label() + ".svg";
  }

  /** Writes every picture and the index into {@code dir}, creating it (not its parent) if needed. */
  static void write(Path dir, List<ModeResult> results, MachineInfo machine) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectory(dir);
    }
    // One time scale for every mode, so that the bars of two timelines compare by length.
    double span = results.stream().mapToDouble(SvgReport::span).max().orElseThrow();
    for (ModeResult result : results) {
      Files.writeString(dir.resolve(timelineFile(result.mode())), timeline(result, span), StandardCharsets.UTF_8);
    }
    Files.writeString(dir.resolve(MSE_CHART), mseChart(results.getFirst().runs()), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(INDEX), index(results, machine), StandardCharsets.UTF_8);
  }

  /* ---------------- Timeline ---------------- */

  /** The seconds a mode's timeline must show: its wall time, or its last model's end if later. */
  private static double span(ModeResult result) {
    double span = result.wallSeconds();
    for (ModelRun run : result.runs()) {
      span = Math.max(span, (run.endNanos() - result.startNanos()) / 1e9);
    }
    return span;
  }

  /** A mode's timeline on its own time scale. */
  static String timeline(ModeResult result) {
    return timeline(result, span(result));
  }

  /** A mode's timeline with an axis of {@code seconds} (at least the mode's own span). */
  static String timeline(ModeResult result, double seconds) {
    List<String> workers = new ArrayList<>(new TreeSet<>(result.runs().stream().map(ModelRun::worker).toList()));
    workers.sort(Comparator.comparing((String w) -> !w.chars().allMatch(Character::isDigit))
        .thenComparingInt(String::length).thenComparing(Comparator.naturalOrder()));
    double span = Math.max(seconds, span(result));
    double plotWidth = WIDTH - LEFT - RIGHT;
    double scale = plotWidth / span;
    int height = TOP + ROW * workers.size() + AXIS;
    int maxTrees = result.runs().stream().mapToInt(ModelRun::nEstimators).max().orElse(1);

    StringBuilder svg = header(WIDTH, height);
    svg.append(text(LEFT, 22, 16, "start", "bold",
        String.format(Locale.ROOT, "%s: %d models on %d CPU%s", result.mode().label(), result.runs().size(),
            result.cpus(), result.cpus() == 1 ? "" : "s")));
    svg.append(text(LEFT, 42, 12, "start", "normal",
        String.format(Locale.ROOT, "wall %.2f s, CPU %.2f s (CPU/wall %.2f); bar = one model, label = n_estimators",
            result.wallSeconds(), result.cpuSeconds(), result.cpuUtilization())));
    for (int w = 0; w < workers.size(); w++) {
      int y = TOP + w * ROW;
      if (w % 2 == 0) {
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f3f4f6\"/>%n", LEFT, y, plotWidth, ROW));
      }
      String name = workers.get(w);
      String label = name.chars().allMatch(Character::isDigit) ? "worker " + name : name;
      svg.append(text(LEFT - 8, y + ROW / 2 + 5, 14, "end", "normal", label));
    }
    for (ModelRun run : result.runs()) {
      int row = workers.indexOf(run.worker());
      double x = LEFT + (run.startNanos() - result.startNanos()) / 1e9 * scale;
      double width = Math.max(1, run.seconds() * scale);
      int y = TOP + row * ROW + 3;
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\">"
              + "<title>%s</title></rect>%n",
          x, y, width, ROW - 6, color(run.nEstimators(), maxTrees), escape(
              String.format(Locale.ROOT, "n_estimators=%d, mse=%.4f, %.2f s on %s, trees grown by %d thread%s",
                  run.nEstimators(), run.mse(), run.seconds(), run.worker(), run.treeThreads(),
                  run.treeThreads() == 1 ? "" : "s"))));
      String treeLabel = Integer.toString(run.nEstimators());
      if (width >= 9 * treeLabel.length() + 4) {
        svg.append(text(x + width / 2, y + (ROW - 6) / 2.0 + 5, 15, "middle", "bold", treeLabel,
            run.nEstimators() * 2 > maxTrees ? "#ffffff" : "#111827"));
      }
    }
    int axisY = TOP + ROW * workers.size();
    axis(svg, axisY, span, scale, "seconds");
    return svg.append("</svg>\n").toString();
  }

  private static void axis(StringBuilder svg, int y, double span, double scale, String unit) {
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#374151\"/>%n", LEFT, y, WIDTH - RIGHT, y));
    double step = niceStep(span / 8);
    for (double t = 0; t <= span + 1e-9; t += step) {
      double x = LEFT + t * scale;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#374151\"/>%n", x, y, x, y + 5));
      svg.append(text(x, y + 18, 11, "middle", "normal", trim(t)));
    }
    svg.append(text(WIDTH - RIGHT, y + 36, 11, "end", "normal", unit));
  }

  /** Light blue for small forests to dark blue for the largest. */
  private static String color(int trees, int maxTrees) {
    double f = maxTrees <= 1 ? 1 : Math.min(1, Math.max(0, (double) trees / maxTrees));
    int r = (int) Math.round(191 + (30 - 191) * f);
    int g = (int) Math.round(219 + (64 - 219) * f);
    int b = (int) Math.round(254 + (175 - 254) * f);
    return String.format("#%02x%02x%02x", r, g, b);
  }

  /* ---------------- MSE chart ---------------- */

  static String mseChart(List<ModelRun> runs) {
    Map<Integer, Double> ours = new LinkedHashMap<>();
    for (ModelRun run : runs) {
      ours.put(run.nEstimators(), run.mse());
    }
    Map<Integer, Double> reference = ReferenceResults.SCIKIT_LEARN_MSE;
    int height = 420;
    int top = TOP;
    int bottom = height - AXIS - 10;
    double xMin = Math.min(min(ours.keySet()), min(reference.keySet()));
    double xMax = Math.max(max(ours.keySet()), max(reference.keySet()));
    double yMin = Math.min(ours.values().stream().mapToDouble(d -> d).min().orElseThrow(),
        reference.values().stream().mapToDouble(d -> d).min().orElseThrow());
    double yMax = Math.max(ours.values().stream().mapToDouble(d -> d).max().orElseThrow(),
        reference.values().stream().mapToDouble(d -> d).max().orElseThrow());
    double yPad = Math.max(0.002, (yMax - yMin) * 0.08);
    yMin -= yPad;
    yMax += yPad;
    double xScale = (WIDTH - LEFT - RIGHT) / Math.max(1, xMax - xMin);
    double yScale = (bottom - top) / (yMax - yMin);

    StringBuilder svg = header(WIDTH, height);
    svg.append(text(LEFT, 22, 16, "start", "bold", "Test-set MSE against n_estimators"));
    svg.append(text(LEFT, 42, 12, "start", "normal",
        "Raylite (Smile random forest, identical in every mode) and scikit-learn 1.2.1, same split"));
    // y grid and labels
    double yStep = niceStep((yMax - yMin) / 6);
    for (double v = Math.ceil(yMin / yStep) * yStep; v <= yMax; v += yStep) {
      double y = bottom - (v - yMin) * yScale;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>%n", LEFT, y, WIDTH - RIGHT, y));
      svg.append(text(LEFT - 8, y + 4, 11, "end", "normal", String.format(Locale.ROOT, "%.3f", v)));
    }
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#374151\"/>%n", LEFT, bottom, WIDTH - RIGHT, bottom));
    for (int n : new TreeSet<>(reference.keySet())) {
      if ((n - 8) % 8 == 0) {
        double x = LEFT + (n - xMin) * xScale;
        svg.append(text(x, bottom + 18, 11, "middle", "normal", Integer.toString(n)));
      }
    }
    svg.append(text(WIDTH - RIGHT, bottom + 36, 12, "end", "normal", "n_estimators (trees per forest)"));
    double middle = (top + bottom) / 2.0;
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" %s font-size=\"13\" text-anchor=\"middle\" fill=\"#111827\" "
            + "transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
        22.0, middle, FONT, 22.0, middle, "test-set MSE (lower is better)"));
    series(svg, reference, "#9ca3af", "6,4", xMin, xScale, yMin, yScale, bottom);
    series(svg, ours, "#1d4ed8", null, xMin, xScale, yMin, yScale, bottom);
    // legend
    int lx = WIDTH - RIGHT - 250;
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1d4ed8\" stroke-width=\"2\"/>%n", lx, top + 10, lx + 30, top + 10));
    svg.append(text(lx + 38, top + 14, 12, "start", "normal", "Raylite (Smile)"));
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9ca3af\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>%n",
        lx, top + 30, lx + 30, top + 30));
    svg.append(text(lx + 38, top + 34, 12, "start", "normal", "scikit-learn reference"));
    return svg.append("</svg>\n").toString();
  }

  private static void series(StringBuilder svg, Map<Integer, Double> points, String color, String dash,
      double xMin, double xScale, double yMin, double yScale, int bottom) {
    StringBuilder path = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (var e : new java.util.TreeMap<>(points).entrySet()) {
      double x = LEFT + (e.getKey() - xMin) * xScale;
      double y = bottom - (e.getValue() - yMin) * yScale;
      path.append(path.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
      dots.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>n_estimators=%d, mse=%.4f</title></circle>%n",
          x, y, color, e.getKey(), e.getValue()));
    }
    svg.append(String.format(Locale.ROOT,
        "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n", path, color,
        dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    svg.append(dots);
  }

  /* ---------------- Index ---------------- */

  static String index(List<ModeResult> results, MachineInfo machine) {
    ModeResult baseline = JsonReport.baseline(results);
    int models = results.getFirst().runs().size();
    int trees = results.getFirst().runs().stream().mapToInt(ModelRun::nEstimators).sum();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<title>ml-bench: random forests on California housing</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#111827;line-height:1.45}")
        .append("table{border-collapse:collapse}td,th{padding:4px 12px;border-bottom:1px solid #e5e7eb;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}img{max-width:100%;margin:1em 0}")
        .append(".warning{color:#991b1b;font-weight:bold}</style>\n")
        .append("</head>\n<body>\n")
        .append("<h1>Random forests on California housing</h1>\n")
        .append("<p>").append(models).append(" random-forest regressors with n_estimators = 8, 12, 16, &#8230; (")
        .append(trees).append(" trees in all), trained and scored by test-set MSE in each mode. ")
        .append("<b>sequential</b> grows one forest after another on one thread: the baseline. ")
        .append("<b>parallel</b> runs one Raylite task of 1 CPU per model, each forest on a thread of its own, ")
        .append("as Ray's tasks would. <b>nested</b> runs the same tasks, but each forest offers its trees, one at a time, to ")
        .append("the engine's work-stealing pool, so a worker with no model left helps with the others' trees. ")
        .append("Speedup is the sequential wall time over the mode's; CPU/wall near the CPU count means every ")
        .append("core was busy.</p>\n")
        .append("<p>Machine: ").append(escape(machine.describe())).append(". Other processes on the machine ")
        .append("slow the parallel modes more than the sequential one; the last columns say how much of the machine ")
        .append("they took during each mode.</p>\n")
        .append("<table>\n<tr><th>mode</th><th>CPUs</th><th>wall (s)</th><th>CPU (s)</th><th>CPU/wall</th>")
        .append("<th>speedup</th><th>best model</th><th>load</th><th>others (cores)</th><th>stolen (cores)</th></tr>\n");
    for (ModeResult r : results) {
      ModelRun best = r.best();
      MachineLoad load = r.load();
      html.append(String.format(Locale.ROOT,
          "<tr><td>%s</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td><td>mse=%.4f, n_estimators=%d</td>"
              + "<td>%s</td><td>%s</td><td>%s</td></tr>%n",
          r.mode().label(), r.cpus(), r.wallSeconds(), r.cpuSeconds(), r.cpuUtilization(),
          baseline == null ? "&#8211;" : String.format(Locale.ROOT, "%.2fx", r.speedupOver(baseline)),
          best.mse(), best.nEstimators(), figure(load.loadAverageEnd()),
          load.known() ? figure(load.otherProcessCores()) : "?", load.known() ? figure(load.stolenCores()) : "?"));
    }
    html.append("</table>\n");
    for (String warning : Summary.warnings(results)) {
      html.append("<p class=\"warning\">").append(escape(warning)).append("</p>\n");
    }
    for (ModeResult r : results) {
      html.append("<h2>Timeline: ").append(r.mode().label()).append("</h2>\n")
          .append("<img src=\"").append(timelineFile(r.mode())).append("\" alt=\"timeline of the ")
          .append(r.mode().label()).append(" mode\"/>\n");
    }
    html.append("<h2>MSE against n_estimators</h2>\n")
        .append("<img src=\"").append(MSE_CHART).append("\" alt=\"test-set MSE against n_estimators\"/>\n")
        .append("</body>\n</html>\n");
    return html.toString();
  }

  private static String figure(double value) {
    return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.2f", value);
  }

  /* ---------------- Helpers ---------------- */

  private static StringBuilder header(int width, int height) {
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
            width, height, width, height))
        .append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
    return svg;
  }

  private static String text(double x, double y, int size, String anchor, String weight, String content) {
    return text(x, y, size, anchor, weight, content, "#111827");
  }

  private static String text(double x, double y, int size, String anchor, String weight, String content,
      String fill) {
    return String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" %s font-size=\"%d\" text-anchor=\"%s\" font-weight=\"%s\" fill=\"%s\">%s</text>%n",
        x, y, FONT, size, anchor, weight, fill, escape(content));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= rough) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static int min(java.util.Collection<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).min().orElseThrow();
  }

  private static int max(java.util.Collection<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }
}
