package io.raylite.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cluster mode between two JVMs on loopback: this one (the driver) and one node started from the
 * same class path. Async task round trips (submit {@value #BATCH} empty tasks, get them all, as
 * Ray's "single client tasks async") against the same calls as bare Hazelcast executor calls to
 * the node; and the transfer of one object of {@code objectBytes} from the node that owns it
 * against a raw loopback socket copy of as many bytes in this JVM.
 *
 * <p>Lives in the cluster's package to reach its Hazelcast settings for the baseline client.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class ClusterBenchmark {
  static final int BATCH = 200;
  private static final String SECRET = "cluster-benchmark";

  @State(Scope.Benchmark)
  public static class Cluster {
    @Param({"104857600"})
    int objectBytes;

    Process node;
    Raylite ray;
    HazelcastInstance bare;
    Member member;
    ObjectRef<byte[]> owned;
    ServerSocket socketServer;
    Path home;
    private final Thread killer = Thread.ofPlatform().unstarted(this::killNode);

    @Setup(Level.Trial)
    public void start() throws Exception {
      Runtime.getRuntime().addShutdownHook(killer);
      home = Files.createTempDirectory("raylite-bench");
      node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx1g", "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
          NodeMain.class.getName(), "start", "--head", "--port", "0", "--bind", "127.0.0.1",
          "--cpus", "2", "--secret", SECRET).redirectErrorStream(true).start();
      CompletableFuture<String> ready = new CompletableFuture<>();  // the node's address
      Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l = in.readLine(); l != null; l = in.readLine()) {
            if (l.startsWith(NodeMain.READY)) {
              ready.complete(l.substring(NodeMain.READY.length()).strip());
            }
          }
        } catch (IOException e) {
          ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("the node exited before it was ready"));
      });
      String address = ready.get(180, TimeUnit.SECONDS);
      System.setProperty(ClusterConfigs.SECRET_PROPERTY, SECRET);
      ray = Raylite.builder().address(address).build();
      bare = HazelcastClient.newHazelcastClient(ClusterConfigs.client(SECRET, address,
          ClusterBenchmark.class.getClassLoader()));
      member = bare.getCluster().getMembers().iterator().next();
      int size = objectBytes;
      owned = ray.task(() -> new byte[size]).remote();
      ray.wait(List.of(owned));
      socketServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().start(this::serveBytes);
    }

    /** The raw-socket baseline's server: writes objectBytes on every connection. */
    private void serveBytes() {
      byte[] chunk = new byte[RemoteObjects.CHUNK];
      while (!socketServer.isClosed()) {
        try (Socket s = socketServer.accept(); OutputStream out = s.getOutputStream()) {
          for (long left = objectBytes; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
          }
        } catch (IOException closed) {
          return;  // closed by tearDown
        }
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      socketServer.close();
      ray.close();
      bare.shutdown();
      killNode();
      Runtime.getRuntime().removeShutdownHook(killer);
    }

    private void killNode() {
      if (node != null) {
        node.destroyForcibly();
        try {
          node.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the benchmark's node did not end", e);
        }
      }
    }
  }

  /** The bare baseline's call: returns its input, as the empty task does. */
  record Echo(int value) implements Callable<Integer>, Serializable {
    @Override
    public Integer call() {
      return value;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public int clusterTasksAsync(Cluster c) {
    List<ObjectRef<Integer>> refs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int v = i;
      refs.add(c.ray.task(() -> v).remote());
    }
    int sum = 0;
    for (int v : c.ray.get(refs)) {
      sum += v;
    }
    return sum;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public int hazelcastExecutorAsync(Cluster c) throws Exception {
    IExecutorService executor = c.bare.getExecutorService(ClusterConfigs.EXECUTOR);
    List<Future<Integer>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(executor.submitToMember(new Echo(i), c.member));
    }
    int sum = 0;
    for (Future<Integer> f : futures) {
      sum += f.get();
    }
    return sum;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int objectTransfer(Cluster c) {
    return c.ray.get(c.owned).length;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int rawSocketCopy(Cluster c) throws IOException {
    byte[] into = new byte[c.objectBytes];
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), c.socketServer.getLocalPort());
        InputStream in = s.getInputStream()) {
      return in.readNBytes(into, 0, into.length);
    }
  }
}
