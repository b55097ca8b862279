/**
 * JMH benchmarks of the engine, each class with its baseline beside it so that every figure is
 * read as a ratio measured in the same run: tasks against a bare {@code ForkJoinPool} and
 * {@code CompletableFuture}, actor calls against a single-thread executor, objects against
 * {@code ConcurrentHashMap}, nested tasks against {@code RecursiveTask}. The cases mirror Ray's
 * {@code ray microbenchmark} ({@code ray_perf.py}).
 *
 * <p>Unless a class says otherwise, the runtime under test is built in {@code @Setup(Level.Trial)}
 * with the default configuration, {@code Raylite.builder().build()}: CPUs = available processors,
 * timeline recording on (100,000 tasks), GPU discovery on. Baselines use pools of the same size.
 */
package io.raylite.jmh;
