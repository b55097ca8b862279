/**
 * JMH benchmarks of the random-forest experiment and of GPU forest inference, in a package of
 * their own so that no package is split across modules. They reach ml-bench's package-private
 * runners and converter through {@code io.raylite.bench.MlBenchInternals}, and time the GPU
 * module's kernels through the few members it makes public for them.
 */
package io.raylite.jmh.forest;
