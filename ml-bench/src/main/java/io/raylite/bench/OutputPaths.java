package io.raylite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks, before any model is trained, that every output the command line names can be written:
 * a run takes minutes, and a typo in {@code --json} should not cost them. Nothing is created here.
 * Later, ml-bench creates only what the user named: the files of {@code --json} and
 * {@code --timeline}, and the {@code --report} folder itself, never a missing parent folder.
 */
final class OutputPaths {
  private OutputPaths() {}

  /**
   * Checks every output path of {@code options}.
   *
   * @throws BenchOptions.UsageException naming the option, the path and what is wrong with it
   */
  static void check(BenchOptions options) {
    Map<Path, String> files = new LinkedHashMap<>();
    if (options.json() != null) {
      checkFile("--json", options.json());
      files.put(options.json().toAbsolutePath().normalize(), "--json");
    }
    if (options.timeline() != null) {
      checkFile("--timeline", options.timeline());
      String other = files.put(options.timeline().toAbsolutePath().normalize(), "--timeline");
      if (other != null) {
        throw new BenchOptions.UsageException(other + " and --timeline name the same file, " + options.timeline());
      }
    }
    if (options.report() != null) {
      checkFolder("--report", options.report());
    }
  }

  /** A file to be written (created, or replaced if it exists): its folder must exist already. */
  static void checkFile(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw problem(option, file, "is a folder; give the name of a file to write");
    }
    if (Files.exists(file)) {
      if (!Files.isWritable(file)) {
        throw problem(option, file, "exists and cannot be written (permission denied)");
      }
      return;
    }
    checkParent(option, file);
  }

  /** A folder to write files into: it may exist (its files are replaced), or its parent must. */
  static void checkFolder(String option, Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw problem(option, dir, "is a file; give the name of a folder (it is created if missing)");
      }
      if (!Files.isWritable(dir)) {
        throw problem(option, dir, "is a folder that cannot be written (permission denied)");
      }
      return;
    }
    checkParent(option, dir);
  }

  private static void checkParent(String option, Path path) {
    Path parent = path.toAbsolutePath().normalize().getParent();
    if (parent == null) {
      return;  // the root itself: it exists, and the checks above have answered
    }
    if (!Files.exists(parent)) {
      throw problem(option, path, "is in folder " + parent + ", which does not exist (ml-bench does not "
          + "create parent folders; create it first or choose another path)");
    }
    if (!Files.isDirectory(parent)) {
      throw problem(option, path, "is under " + parent + ", which is not a folder");
    }
    if (!Files.isWritable(parent)) {
      throw problem(option, path, "cannot be created: folder " + parent + " cannot be written (permission denied)");
    }
  }

  private static BenchOptions.UsageException problem(String option, Path path, String what) {
    return new BenchOptions.UsageException(option + " " + path + " " + what);
  }
}
