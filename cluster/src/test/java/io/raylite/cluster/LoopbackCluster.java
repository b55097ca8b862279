package io.raylite.cluster;

import io.raylite.Raylite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/*
 * Implementation overview
 *
 * A JUnit extension that starts one loopback cluster per test class: node JVMs started with
 * ProcessBuilder from this JVM's class path (so the tests' own classes are on every node, as a
 * user's jar would be), bound to 127.0.0.1 with small heaps, multicast, auto-detection and
 * phone-home off (ClusterConfigs), and a failure-detection timeout of a few seconds. Every node
 * starts with --port 0 and takes a free port itself (NodePorts): the harness never picks one, so
 * no other process can take it between the pick and the bind. A node's id (its host:port, the
 * address to reach it) is what its ready line reports. The head starts first; the others join it
 * at its reported address, in parallel. Each node's output is read by its own thread, echoed with
 * the node's label (its id once known), and matched against waiters (the ready line, or any line
 * a test waits for), so nothing polls or sleeps.
 *
 * Every process is killed in afterAll and, should the test JVM end first, by a shutdown hook.
 */
final class LoopbackCluster implements BeforeAllCallback, AfterAllCallback {
  static final String SECRET = "loopback-test-secret";
  private static final String FAILURE_DETECTION_SECONDS = "4";
  private static final long START_TIMEOUT_SECONDS = 180;
  /**
   * Where the nodes' output is echoed: the test JVM's System.out as it was when this class loaded,
   * so that a test that captures System.out (to compare what a program printed) never sees it.
   */
  private static final java.io.PrintStream ECHO = System.out;

  private final List<List<String>> nodeArgs;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  /** Other JVMs the tests started (drivers), killed with the nodes. */
  private final List<Node> processes = new CopyOnWriteArrayList<>();
  private final List<Raylite> drivers = new CopyOnWriteArrayList<>();
  private final Thread killer = Thread.ofPlatform().unstarted(this::killAll);
  private Path home;

  /** One node: its process, id and output waiters. */
  static final class Node {
    final Process process;
    /** The host:port it reported when ready; null before, and for a process that is not a node. */
    volatile String nodeId;
    /** How its echoed lines are prefixed. */
    private volatile String label;
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private record Waiter(String text, CompletableFuture<String> line) {}

    Node(Process process, String label) {
      this.process = process;
      this.label = label;
    }

    /** Waits for the node's ready line, and takes its id from it. */
    private void awaitReady() throws Exception {
      String ready = line(NodeMain.READY).get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      nodeId = ready.substring(ready.indexOf(NodeMain.READY) + NodeMain.READY.length()).strip();
      label = "node " + nodeId;
    }

    /** A future of the first line of output (from now or earlier) that contains {@code text}. */
    CompletableFuture<String> line(String text) {
      Waiter w = new Waiter(text, new CompletableFuture<>());
      waiters.add(w);
      for (String l : lines) {
        if (l.contains(text)) {
          w.line.complete(l);
        }
      }
      return w.line;
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
          ECHO.println("[" + label + "] " + l);
          lines.add(l);
          for (Waiter w : waiters) {
            if (l.contains(w.text)) {
              w.line.complete(l);
            }
          }
        }
      } catch (IOException e) {
        // The process was killed while we read: its output ends here.
      }
      for (Waiter w : waiters) {
        w.line.completeExceptionally(new IllegalStateException(label + " exited (code "
            + exitCode() + ") before printing '" + w.text + "'; its last lines: "
            + lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    }

    private String exitCode() {
      try {
        return process.waitFor(10, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unknown";
      }
    }
  }

  /** A cluster of one node per entry, the first the head; each entry holds that node's start options. */
  static LoopbackCluster of(String... nodeOptions) {
    List<List<String>> args = new ArrayList<>();
    for (String options : nodeOptions) {
      args.add(options.isBlank() ? List.of() : Arrays.asList(options.strip().split("\\s+")));
    }
    return new LoopbackCluster(args);
  }

  private LoopbackCluster(List<List<String>> nodeArgs) {
    this.nodeArgs = nodeArgs;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Runtime.getRuntime().addShutdownHook(killer);
    System.setProperty(ClusterConfigs.SECRET_PROPERTY, SECRET);
    System.setProperty(ClusterConfigs.HEARTBEAT_TIMEOUT_PROPERTY, FAILURE_DETECTION_SECONDS);
    home = Files.createTempDirectory("raylite-loopback");
    Node head = start(nodeArgs.getFirst(), List.of("--head"));
    head.awaitReady();
    List<Node> others = new ArrayList<>();
    for (List<String> args : nodeArgs.subList(1, nodeArgs.size())) {
      others.add(start(args, List.of("--address", head.nodeId)));
    }
    for (Node n : others) {
      n.awaitReady();
    }
  }

  private Node start(List<String> options, List<String> role) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-Duser.home=" + home,
        "-D" + ClusterConfigs.HEARTBEAT_TIMEOUT_PROPERTY + "=" + FAILURE_DETECTION_SECONDS,
        "-cp", System.getProperty("java.class.path"),
        NodeMain.class.getName(), "start"));
    command.addAll(role);
    command.addAll(List.of("--port", "0", "--bind", "127.0.0.1", "--secret", SECRET));
    command.addAll(options);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("RAYLITE_ADDRESS");
    String label = "node #" + nodes.size();
    Node node = new Node(builder.start(), label);
    nodes.add(node);
    Thread.ofPlatform().daemon().name("loopback-" + label).start(node::read);
    return node;
  }

  /**
   * Starts one more node with {@code options} that joins the head, after the cluster started; it
   * is killed with the others after the class. Returns once it takes tasks.
   */
  Node addNode(String options) throws Exception {
    Node node = start(options.isBlank() ? List.of() : Arrays.asList(options.strip().split("\\s+")),
        List.of("--address", nodes.getFirst().nodeId));
    node.awaitReady();
    return node;
  }

  /**
   * Starts {@code mainClass} with {@code args} in a JVM of its own, on this class path and with the
   * cluster's secret and failure detection: a driver process that a test may kill as a crash
   * would. Its output is echoed and waited for as a node's ({@link Node#line}); it is killed with
   * the nodes after the class, if the test has not.
   */
  Node startProcess(Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Duser.home=" + home,
        "-D" + ClusterConfigs.HEARTBEAT_TIMEOUT_PROPERTY + "=" + FAILURE_DETECTION_SECONDS,
        "-D" + ClusterConfigs.SECRET_PROPERTY + "=" + SECRET,
        "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("RAYLITE_ADDRESS");
    Node process = new Node(builder.start(), mainClass.getSimpleName());
    processes.add(process);
    Thread.ofPlatform().daemon().name("loopback-" + mainClass.getSimpleName()).start(process::read);
    return process;
  }

  /** The nodes, the head first. */
  List<Node> nodes() {
    return nodes;
  }

  Node node(int index) {
    return nodes.get(index);
  }

  /** A new driver connected to the head; closed after the class. */
  Raylite driver() {
    Raylite ray = Raylite.builder().address(nodes.getFirst().nodeId).build();
    drivers.add(ray);
    return ray;
  }

  /** Kills the node as a crash would, and waits until its process has ended. */
  void kill(Node node) throws Exception {
    node.process.destroyForcibly();
    node.process.onExit().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      for (Raylite ray : drivers) {
        ray.close();
      }
    } finally {
      killAll();
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook runs killAll anyway.
      }
    }
  }

  private void killAll() {
    List<Node> all = new ArrayList<>(processes);
    all.addAll(nodes);
    for (Node n : all) {
      n.process.destroyForcibly();
    }
    for (Node n : all) {
      try {
        n.process.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(n.label + " did not end after being killed", e);
      }
    }
    if (home != null) {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
