/**
 * Raylite: Ray Core's tasks, actors and objects in one JVM. The API is {@code io.raylite}; the
 * implementation lives in {@code io.raylite.internal}, which is not exported.
 */
module io.raylite {
  requires com.github.benmanes.caffeine;
  requires java.management;
  requires jdk.jfr;
  requires jdk.management;

  exports io.raylite;
  exports io.raylite.function;
  exports io.raylite.spi;

  uses io.raylite.spi.GpuProvider;
  uses io.raylite.spi.DashboardProvider;
  uses io.raylite.spi.ClusterProvider;
  uses io.raylite.spi.ValueCodec.Provider;
}
