package io.raylite.gpu;

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
 * tools/ensure-opencl, which ./mvnw runs before a build that runs these tests. Each case runs the
 * script with a PATH of stand-ins for id, ldconfig and apt-get (and the real grep), and
 * OCL_ICD_VENDORS pointing at an empty driver directory, so the machine's own OpenCL is not seen
 * and nothing is installed.
 */
class EnsureOpenClScriptTest {
  private static final Path SCRIPT = Path.of("..", "tools", "ensure-opencl").toAbsolutePath();

  @TempDir
  Path dir;
  private Path bin;
  private Path vendors;

  record Result(int exitCode, List<String> stderr, boolean aptGetRan) {}

  @BeforeEach
  void standIns() throws IOException {
    bin = Files.createDirectory(dir.resolve("bin"));
    vendors = Files.createDirectory(dir.resolve("vendors"));
    Files.createSymbolicLink(bin.resolve("grep"), Path.of("/bin/grep").toRealPath());
    // The loader counts as installed once the marker file exists.
    script("ldconfig", "[ -f '" + dir.resolve("loader") + "' ] && echo '\tlibOpenCL.so.1 (libc6,x86-64) => /x/libOpenCL.so.1'; exit 0");
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

  /** An apt-get that records its calls and, on install, provides the loader and a driver. */
  private void aptGet() throws IOException {
    script("apt-get", "echo \"$*\" >> '" + dir.resolve("apt-get.log") + "'\n"
        + "if [ \"$1\" = install ]; then : > '" + dir.resolve("loader") + "'; : > '" + vendors.resolve("pocl.icd") + "'; fi");
  }

  private void installed() throws IOException {
    Files.createFile(dir.resolve("loader"));
    Files.createFile(vendors.resolve("pocl.icd"));
  }

  private Result run(String... mavenArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/sh", SCRIPT.toString()));
    command.addAll(List.of(mavenArgs));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin.toString());
    pb.environment().put("OCL_ICD_VENDORS", vendors.toString());
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ended");
    Path log = dir.resolve("apt-get.log");
    return new Result(p.exitValue(), stderr.lines().toList(), Files.exists(log));
  }

  @Test
  void present_passesWithoutOutput() throws Exception {
    installed();
    aptGet();
    Result r = run("-B", "verify");
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_notRoot_stopsWithOneLineGivingTheCommand() throws Exception {
    aptGet();
    Result r = run("-B", "verify");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.stderr().size(), r.stderr()::toString);
    assertTrue(r.stderr().getFirst().contains("sudo apt-get install -y ocl-icd-libopencl1 pocl-opencl-icd"), r.stderr().getFirst());
    assertFalse(r.aptGetRan());
  }

  @Test
  void missing_rootWithAptGet_installsPoclAndPasses() throws Exception {
    asRoot();
    aptGet();
    Result r = run("-B", "verify");
    assertEquals(0, r.exitCode(), r.stderr()::toString);
    assertEquals(List.of("update -qq", "install -y -qq ocl-icd-libopencl1 pocl-opencl-icd"),
        Files.readAllLines(dir.resolve("apt-get.log")));
  }

  @Test
  void missing_rootWithoutAptGet_stopsWithOneLine() throws Exception {
    asRoot();
    Result r = run("-B", "verify");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.stderr().size(), r.stderr()::toString);
    assertTrue(r.stderr().getFirst().contains("OpenCL"), r.stderr().getFirst());
  }

  @Test
  void missing_whenTestsAreSkipped_isNotChecked() throws Exception {
    Result r = run("-B", "-q", "-DskipTests", "-pl", "ml-bench", "-am", "package");
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_whenOnlyTheEngineIsBuilt_isNotChecked() throws Exception {
    Result r = run("-B", "verify", "-pl", "engine");
    assertEquals(new Result(0, List.of(), false), r);
  }

  @Test
  void missing_whenTheGpuModuleIsTested_isChecked() throws Exception {
    Result r = run("-B", "test", "-pl", "gpu", "-am");
    assertEquals(1, r.exitCode());
  }
}
