package io.raylite.gpu;

import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateProgramWithBinary;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetProgramInfo;
import static org.jocl.CL.clReleaseProgram;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * Compiled program binaries kept in a directory across JVM runs, in front of the compiler.
 *
 * <pre>
 * Implementation overview
 *
 * Key: SHA-256 over the device's name, OpenCL version and driver version, the build options and
 * the source, each length-prefixed. A driver update or another device gives another key, so a
 * binary is only ever offered to the driver that made it. The file is {@code <key hex>.clbin}.
 *
 * File: magic "RLCLBIN1", the 32-byte key, the binary's length (8 bytes), the binary, and the
 * SHA-256 of everything before it. A file is used only if it is exactly that long, every field
 * matches and the digest agrees; then the driver must accept the binary (clCreateProgramWithBinary
 * and clBuildProgram succeed). Anything else (a stale, truncated, corrupted or foreign file, or a
 * binary the driver refuses) is logged at DEBUG, the program is compiled from source, and the
 * file is replaced. Nothing read from disk is trusted before those checks, and the driver is
 * never given a binary whose bytes differ from what it produced.
 *
 * Writes go to a temporary file in the same directory, moved into place atomically where the file
 * system allows, so a reader in another JVM sees the old file or the new one, never half of one.
 * Two JVMs compiling the same program at once both write; the last move wins, and both files are
 * valid. A failure to write is logged at WARNING and the compiled program is used all the same.
 * </pre>
 */
final class ProgramDiskCache implements SharedDevices.ProgramCompiler {
  private static final System.Logger LOG = System.getLogger("io.raylite.gpu");
  private static final byte[] MAGIC = "RLCLBIN1".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST = 32;
  private static final int HEADER = MAGIC.length + DIGEST + Long.BYTES;

  private final Path directory;
  private final SharedDevices.ProgramCompiler fromSource;
  private final AtomicLong loaded = new AtomicLong();
  private final AtomicLong compiled = new AtomicLong();

  ProgramDiskCache(Path directory, SharedDevices.ProgramCompiler fromSource) {
    this.directory = directory;
    this.fromSource = fromSource;
  }

  /** Programs created from a binary on disk. */
  long loaded() {
    return loaded.get();
  }

  /** Programs compiled from source because no usable binary was on disk. */
  long compiled() {
    return compiled.get();
  }

  /** The file that holds the binary for these inputs. */
  Path file(OpenClDevice device, String source, String options) {
    return directory.resolve(HexFormat.of().formatHex(key(device, source, options)) + ".clbin");
  }

  @Override
  public cl_program compile(OpenClDevice device, cl_context context, String source,
      String options) {
    byte[] key = key(device, source, options);
    Path file = directory.resolve(HexFormat.of().formatHex(key) + ".clbin");
    byte[] binary = readBinary(file, key);
    if (binary != null) {
      cl_program program = fromBinary(device, context, options, binary, file);
      if (program != null) {
        loaded.incrementAndGet();
        return program;
      }
    }
    cl_program program = fromSource.compile(device, context, source, options);
    compiled.incrementAndGet();
    try {
      write(file, key, binaryOf(program));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot keep the compiled OpenCL program in " + file
          + "; it is used all the same", e);
    }
    return program;
  }

  /* ---------------- Reading ---------------- */

  /** The binary in {@code file} if every check passes, else null. */
  private static byte[] readBinary(Path file, byte[] key) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "cannot read " + file + "; compiling from source", e);
      return null;
    }
    String problem = check(bytes, key);
    if (problem != null) {
      LOG.log(Level.DEBUG, file + " " + problem + "; compiling from source");
      return null;
    }
    return Arrays.copyOfRange(bytes, HEADER, bytes.length - DIGEST);
  }

  /** Why {@code bytes} is not a valid file for {@code key}, or null if it is. */
  static String check(byte[] bytes, byte[] key) {
    if (bytes.length < HEADER + 1 + DIGEST) {
      return "is too short (" + bytes.length + " bytes)";
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return "is not a program binary file";
    }
    if (!Arrays.equals(bytes, MAGIC.length, MAGIC.length + DIGEST, key, 0, DIGEST)) {
      return "holds the binary of other inputs";
    }
    long length = ByteBuffer.wrap(bytes, MAGIC.length + DIGEST, Long.BYTES).getLong();
    if (length != bytes.length - HEADER - DIGEST) {
      return "says " + length + " binary bytes but has " + (bytes.length - HEADER - DIGEST);
    }
    byte[] digest = sha256().digest(Arrays.copyOf(bytes, bytes.length - DIGEST));
    if (!Arrays.equals(digest, 0, DIGEST, bytes, bytes.length - DIGEST, bytes.length)) {
      return "fails its checksum";
    }
    return null;
  }

  /** A program built from {@code binary}, or null (logged) if the driver refuses it. */
  private static cl_program fromBinary(OpenClDevice device, cl_context context, String options,
      byte[] binary, Path file) {
    int[] binaryStatus = new int[1];
    int[] status = new int[1];
    cl_program program;
    try {
      program = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device.clDevice()},
          new long[] {binary.length}, new byte[][] {binary}, binaryStatus, status);
    } catch (CLException e) {
      LOG.log(Level.DEBUG, "the driver refuses the binary in " + file + "; compiling from source",
          e);
      return null;
    }
    if (status[0] != CL_SUCCESS || binaryStatus[0] != CL_SUCCESS) {
      LOG.log(Level.DEBUG, "the driver refuses the binary in " + file + " (" + status[0] + ", "
          + binaryStatus[0] + "); compiling from source");
      if (program != null && status[0] == CL_SUCCESS) {
        clReleaseProgram(program);
      }
      return null;
    }
    ClObjects.created(ClObjects.Kind.PROGRAM);
    int built;
    try {
      built = clBuildProgram(program, 1, new cl_device_id[] {device.clDevice()}, options, null,
          null);
    } catch (CLException e) {
      built = e.getStatus();
    }
    if (built != CL_SUCCESS) {
      LOG.log(Level.DEBUG, "the binary in " + file + " does not build (" + built
          + "); compiling from source");
      try {
        clReleaseProgram(program);
      } finally {
        ClObjects.released(ClObjects.Kind.PROGRAM);
      }
      return null;
    }
    return program;
  }

  /* ---------------- Writing ---------------- */

  private static byte[] binaryOf(cl_program program) {
    long[] size = new long[1];
    clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
    if (size[0] < 1 || size[0] > Integer.MAX_VALUE - HEADER - DIGEST) {
      throw new IllegalStateException("the driver reports a binary of " + size[0] + " bytes");
    }
    byte[] binary = new byte[(int) size[0]];
    Pointer binaryPointer = Pointer.to(binary);
    clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(binaryPointer),
        null);
    return binary;
  }

  /** The file's bytes for {@code binary} under {@code key}. */
  static byte[] encode(byte[] key, byte[] binary) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + binary.length + DIGEST);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.write(key);
      out.writeLong(binary.length);
      out.write(binary);
    } catch (IOException e) {
      throw new IllegalStateException("a ByteArrayOutputStream does not fail", e);
    }
    byte[] body = bytes.toByteArray();
    byte[] file = Arrays.copyOf(body, body.length + DIGEST);
    System.arraycopy(sha256().digest(body), 0, file, body.length, DIGEST);
    return file;
  }

  private void write(Path file, byte[] key, byte[] binary) throws IOException {
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, ".clbin-", ".tmp");
    try {
      Files.write(temporary, encode(key, binary));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /* ---------------- Keys ---------------- */

  static byte[] key(OpenClDevice device, String source, String options) {
    MessageDigest digest = sha256();
    for (String part : new String[] {device.name(), device.version(),
        driverVersion(device.clDevice()), options, source}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
      digest.update(bytes);
    }
    return digest.digest();
  }

  private static String driverVersion(cl_device_id device) {
    long[] size = new long[1];
    clGetDeviceInfo(device, CL_DRIVER_VERSION, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    clGetDeviceInfo(device, CL_DRIVER_VERSION, bytes.length, Pointer.to(bytes), null);
    return OpenClDevices.cString(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
