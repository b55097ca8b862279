package io.raylite.internal;

import io.raylite.spi.GpuProvider;
import io.raylite.spi.SpillCodec;
import io.raylite.spi.TaskBackend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A runtime's settings as validated by {@code Raylite.Builder}.
 *
 * @param name the runtime's name, or null for {@code raylite-N}
 * @param cpus processor capacity
 * @param gpus declared GPU count, or null to discover
 * @param gpuProvider the provider to discover with, or null for {@link java.util.ServiceLoader}
 * @param discoverGpus whether to discover when {@code gpus} is null
 * @param customResources custom resource capacities
 * @param memoryBytes the logical memory resource
 * @param objectStoreBytes the object store's in-memory capacity
 * @param timelineCapacity how many finished tasks the timeline keeps
 * @param logStream where task logs go
 * @param spillDirectory where the object store makes its spill directory, or null for the system
 *     temp directory
 * @param spillCodec how spilled objects are written, or null for Java serialization
 * @param backend where tasks run, or null for this runtime's own workers
 * @param nodeId the node id its tasks report, or null for {@code local}
 */
public record RuntimeConfig(
    String name,
    double cpus,
    Integer gpus,
    GpuProvider gpuProvider,
    boolean discoverGpus,
    Map<String, Double> customResources,
    long memoryBytes,
    long objectStoreBytes,
    int timelineCapacity,
    PrintStream logStream,
    Path spillDirectory,
    SpillCodec spillCodec,
    TaskBackend backend,
    String nodeId) {}
