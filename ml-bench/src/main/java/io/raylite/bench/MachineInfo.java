package io.raylite.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The machine a run was measured on, printed before the first mode and written into the report
 * and the JSON, so that figures are never read without it.
 *
 * @param cores the processors the JVM sees
 * @param cpuModel the processor's model name from {@code /proc/cpuinfo}, or the OS architecture
 * @param os the operating system's name and version
 * @param jdk the JVM's vendor and version
 * @param started when the run started
 * @param loadAverage the 1-minute load average when the run started, NaN if unknown
 */
record MachineInfo(int cores, String cpuModel, String os, String jdk, Instant started, double loadAverage) {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  /** This machine, now. */
  static MachineInfo current() {
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), readCpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
        Instant.now(), MachineLoad.Snapshot.take().loadAverage());
  }

  /** {@code 2026-11-30 04:31 UTC}. */
  String date() {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC).format(started);
  }

  /** One line: {@code 2 processors (AMD EPYC 7B13), Linux 6.1, JDK Eclipse Adoptium 25+36, ...}. */
  String describe() {
    return String.format(Locale.ROOT, "%d processor%s (%s), %s, JDK %s, %s, load average %s", cores,
        cores == 1 ? "" : "s", cpuModel, os, jdk, date(),
        Double.isNaN(loadAverage) ? "unknown" : String.format(Locale.ROOT, "%.2f", loadAverage));
  }

  private static String readCpuModel() {
    if (Files.isReadable(CPUINFO)) {
      try (var lines = Files.lines(CPUINFO)) {
        String model = lines.filter(l -> l.startsWith("model name")).findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(null);
        if (model != null && !model.isEmpty()) {
          return model;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + CPUINFO, e);
      }
    }
    return System.getProperty("os.arch");
  }
}
