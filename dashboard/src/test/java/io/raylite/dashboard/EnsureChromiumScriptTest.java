package io.raylite.dashboard;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/ensure-chromium, which ./mvnw runs before a build that runs these tests. Each case runs the
 * script with a PATH holding only stand-ins for id and apt-get (and, once "installed", chromium and
 * chromedriver), so the machine's own Chromium is not seen and nothing is installed.
 */
class EnsureChromiumScriptTest {
  private static final Path SCRIPT = Path.of("..", "tools", "ensure-chromium").toAbsolutePath();

  @TempDir
  Path dir;
  private Path bin;

  record Result(int exitCode, List<String> stderr, boolean aptGetRan) {}

  @BeforeEach
  void standIns() throws IOException {
    bin = Files.createDirectory(dir.resolve("bin"));
    script("id", "echo 1000");
  }

  private void script(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void asRoot() throws IOException {
    script("id", "echo 0");
  }

  /** An apt-get that records its calls and, on install, puts chromium and chromedriver on the PATH. */
  private void aptGet() throws IOException {
    script("apt-get", "echo \"$*\" >> '" + dir.resolve("apt-get.log") + "'\n"
        + "if [ \"$1\" = install ]; then for b in chromium chromedriver; do printf '#!/bin/sh\\n' > '" + bin
        + "'/$b; /bin/chmod +x '" + bin + "'/$b; done; fi");
  }

  private void installed() throws IOException {
    script("chromium", "exit 0");
    script("chromedriver", "exit 0");
  }

  private Result run(String... mavenArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/sh", SCRIPT.toString()));
    command.addAll(List.of(mavenArgs));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin.toString());
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ended");
    return new Result(p.exitValue(), stderr.lines().toList(), Files.exists(dir.resolve("apt-get.log")));
  }

  @Test
  void present_passesWithoutOutput() throws Exception {
    installed();
    aptGet();
    assertEquals(new Result(0, List.of(), false), run("-B", "verify"));
  }

  @Test
  void missing_notRoot_stopsWithOneLineGivingTheCommand() throws Exception {
    aptGet();
    Result r = run("-B", "verify");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.stderr().size(), r.stderr()::toString);
    assertTrue(r.stderr().getFirst().contains("sudo apt-get install -y chromium chromium-driver"), r.stderr().getFirst());
    assertFalse(r.aptGetRan());
  }

  @Test
  void missing_rootWithAptGet_installsChromiumAndItsDriverAndPasses() throws Exception {
    asRoot();
    aptGet();
    Result r = run("-B", "verify");
    assertEquals(0, r.exitCode(), r.stderr()::toString);
    assertEquals(List.of("update -qq", "install -y -qq chromium chromium-driver"),
        Files.readAllLines(dir.resolve("apt-get.log")));
  }

  @Test
  void missing_rootWithoutAptGet_stopsWithOneLine() throws Exception {
    asRoot();
    Result r = run("-B", "verify");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.stderr().size(), r.stderr()::toString);
    assertTrue(r.stderr().getFirst().contains("Chromium"), r.stderr().getFirst());
  }

  @Test
  void onlyTheDriverMissing_notRoot_stops() throws Exception {
    script("chromium", "exit 0");
    Result r = run("-B", "verify");
    assertEquals(1, r.exitCode());
  }

  @Test
  void givenBinaries_areCheckedInsteadOfThePath() throws Exception {
    Path browser = dir.resolve("my-chromium");
    Path driver = dir.resolve("my-chromedriver");
    for (Path p : List.of(browser, driver)) {
      Files.writeString(p, "#!/bin/sh\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Result r = run("-B", "verify", "-Dchromium.binary=" + browser, "-Dchromedriver.binary=" + driver);
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_whenTestsAreSkipped_isNotChecked() throws Exception {
    Result r = run("-B", "-q", "-DskipTests", "-pl", "dashboard", "-am", "package");
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_whenOnlyTheEngineIsBuilt_isNotChecked() throws Exception {
    Result r = run("-B", "verify", "-pl", "engine");
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_whenTheDashboardIsTested_isChecked() throws Exception {
    Result r = run("-B", "test", "-pl", "dashboard", "-am");
    assertEquals(1, r.exitCode());
  }
}
