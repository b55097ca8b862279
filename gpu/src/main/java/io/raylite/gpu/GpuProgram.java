package io.raylite.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jocl.cl_program;

/**
 * A compiled OpenCL program on a context's device, from the per-device program cache. The
 * context holds it until it closes; there is nothing to close here. Create kernels with
 * {@link #kernel(String)}.
 */
public final class GpuProgram {
  private final GpuContext owner;
  private final SharedDevices.CachedProgram cached;

  GpuProgram(GpuContext owner, SharedDevices.CachedProgram cached) {
    this.owner = owner;
    this.cached = cached;
  }

  /**
   * A new kernel for the function {@code name}, owned by the context. Close it when done, or leave
   * it to the context's close.
   *
   * @throws IllegalArgumentException if the program has no kernel of that name
   */
  public GpuKernel kernel(String name) {
    return owner.kernel(this, name);
  }

  /** The OpenCL handle; shared through the cache, never release it. */
  public cl_program clProgram() {
    owner.checkOpen();
    return cached.program;
  }

  SharedDevices.CachedProgram cached() {
    return cached;
  }

  /**
   * Reads an OpenCL source from the class path, relative to {@code anchor}'s package as
   * {@link Class#getResourceAsStream} resolves it.
   *
   * @throws IllegalArgumentException if there is no such resource
   */
  public static String loadSource(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource '" + resource + "' next to " + anchor.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading OpenCL source " + resource, e);
    }
  }
}
