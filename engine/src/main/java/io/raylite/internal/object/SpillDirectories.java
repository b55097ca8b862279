package io.raylite.internal.object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The rules for where spill files may live. The configured directory (the parent) must not be
 * writable by other users unless it has the sticky bit, as the system temp directory does: in it
 * the runtime makes its own subdirectory, readable and writable by its user only (0700), and
 * writes each spill file 0600, so other users can neither read, replace nor delete them. On a file
 * system without POSIX permissions, nothing about the parent can be checked, and the files get
 * the file system's defaults; the checksums (see {@link SpillSeal}) still refuse any file changed
 * after it was written.
 */
public final class SpillDirectories {
  private static final int STICKY = 01000;

  private SpillDirectories() {}

  /**
   * Refuses a parent directory that other users may write to, unless it has the sticky bit. A
   * directory that does not exist yet passes: the runtime creates it for its user alone.
   *
   * @throws IllegalArgumentException naming the directory and what to change
   */
  public static void checkParent(Path parent) {
    PosixFileAttributeView posix = Files.getFileAttributeView(parent, PosixFileAttributeView.class);
    if (posix == null || !Files.isDirectory(parent)) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = posix.readAttributes().permissions();
    } catch (IOException e) {
      throw new IllegalArgumentException("spillDirectory " + parent + " cannot be inspected: " + e, e);
    }
    if (permissions.contains(PosixFilePermission.OTHERS_WRITE) && !isSticky(parent)) {
      throw new IllegalArgumentException("spillDirectory " + parent + " is writable by every user ("
          + PosixFilePermissions.toString(permissions) + ") and has no sticky bit, so another user could"
          + " delete or replace the runtime's spill files; use a directory other users cannot write to"
          + " (chmod o-w), or one with the sticky bit (chmod +t), as the system temp directory has");
    }
  }

  private static boolean isSticky(Path dir) {
    try {
      return Files.getAttribute(dir, "unix:mode") instanceof Integer mode && (mode & STICKY) != 0;
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return false;  // no way to tell: treat it as not sticky, the safe answer
    }
  }

  /** Owner-only permissions for a new directory, where the file system has POSIX permissions. */
  static FileAttribute<?>[] ownerOnlyDirectory(Path where) {
    return supportsPosix(where) ? new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
  }

  /** Owner-only permissions for a new spill file, where the file system has POSIX permissions. */
  static FileAttribute<?>[] ownerOnlyFile(Path where) {
    return supportsPosix(where) ? new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
  }

  private static boolean supportsPosix(Path where) {
    return where.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
