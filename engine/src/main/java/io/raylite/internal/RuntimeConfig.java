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
 * @param shutdownTimeout how long close waits for running tasks and actor calls to end
 * @param finishedTaskCapacity how many finished tasks the state API keeps; 0 turns task tracking off
 * @param dashboard whether to start a dashboard if a provider is on the class path
 * @param dashboardHost the address the dashboard binds to
 * @param dashboardPort the port the dashboard tries first (0: any free port)
 * @param backend where tasks run, or null for this runtime's own workers
 * @param nodeId the node id its tasks report, or null for {@code local}
 * @param namespace the namespace of its named actors, or null for an anonymous one
 * @param deterministicSeed the seed of a deterministic run, or null for the default mode
 * @param slowGetWarning how long a get waits before it logs why; zero: never
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
    java.time.Duration shutdownTimeout,
    int finishedTaskCapacity,
    boolean dashboard,
    String dashboardHost,
    int dashboardPort,
    TaskBackend backend,
    String nodeId,
    String namespace,
    Long deterministicSeed,
    java.time.Duration slowGetWarning) {}
