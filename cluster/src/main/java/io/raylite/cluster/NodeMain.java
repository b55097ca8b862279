package io.raylite.cluster;

import io.raylite.NodeInfo;
import io.raylite.Raylite;
import io.raylite.RayliteException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The node command line, as Ray's {@code ray start}, {@code ray status} and {@code ray stop}:
 *
 * <pre>
 * java -jar raylite-cluster.jar start --head [--port 5801] [--bind 127.0.0.1] [--cpus 4] [--gpus 1]
 *                                        [--resource disk=2] [--secret S] [--classpath app.jar:lib.jar]
 * java -jar raylite-cluster.jar start --address head:5801 --secret S [--port 5802 | --port 0] ...
 * java -jar raylite-cluster.jar status [--address head:5801] [--secret S]
 * java -jar raylite-cluster.jar stop [--port 5802]
 * </pre>
 *
 * {@code start} runs the node in the foreground until it is stopped (Ctrl-C, {@code stop}, or a
 * signal); it prints what to put in {@code RAYLITE_ADDRESS} and {@code RAYLITE_SECRET}, then the
 * line {@value #READY} followed by the node id once the node takes tasks. The node id is the
 * {@code host:port} its member bound: {@code --port 0} takes any free port, which the id names; an
 * explicit port that is in use fails the start naming it. Each started node writes
 * its process id under {@code ~/.raylite/nodes}, where {@code stop} finds the nodes of this machine.
 */
public final class NodeMain {
  /** The line a started node prints when it takes tasks, followed by its node id. */
  public static final String READY = "raylite-node-ready";
  static final int DEFAULT_PORT = 5801;

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    int code;
    try {
      code = run(args, System.out);
    } catch (IllegalArgumentException | RayliteException e) {
      System.err.println("error: " + e.getMessage());
      code = 2;
    }
    System.exit(code);
  }

  static int run(String[] args, PrintStream out) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException(usage());
    }
    Map<String, List<String>> options = parse(args);
    return switch (args[0]) {
      case "start" -> start(options, out);
      case "status" -> status(options, out);
      case "stop" -> stop(options, out);
      default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'; " + usage());
    };
  }

  private static String usage() {
    return "usage: start --head [--port 5801] | start --address host:port | status | stop [--port P]; options "
        + "--bind, --cpus, --gpus, --resource name=amount, --secret, --classpath a.jar:b.jar";
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got '" + a + "'; " + usage());
      }
      String name = a.substring(2);
      if (name.equals("head")) {
        options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
        continue;
      }
      if (!List.of("port", "bind", "cpus", "gpus", "resource", "secret", "classpath", "address").contains(name)) {
        throw new IllegalArgumentException("unknown option '" + a + "'; " + usage());
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option '" + a + "' needs a value");
      }
      options.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
    }
    return options;
  }

  private static Optional<String> one(Map<String, List<String>> options, String name) {
    List<String> values = options.get(name);
    return values == null ? Optional.empty() : Optional.of(values.getLast());
  }

  private static int start(Map<String, List<String>> options, PrintStream out) throws Exception {
    boolean head = options.containsKey("head");
    Optional<String> headAddress = one(options, "address");
    if (head == headAddress.isPresent()) {
      throw new IllegalArgumentException("start needs exactly one of --head and --address host:port");
    }
    String bind = one(options, "bind").orElse("127.0.0.1");
    int port = one(options, "port").map(NodeMain::parsePort).orElse(head ? DEFAULT_PORT : DEFAULT_PORT + 1);
    double cpus = one(options, "cpus").map(c -> parseDouble("cpus", c)).orElse((double) Runtime.getRuntime().availableProcessors());
    Integer gpus = one(options, "gpus").map(g -> parseInt("gpus", g)).orElse(null);
    Map<String, Double> resources = new LinkedHashMap<>();
    for (String r : options.getOrDefault("resource", List.of())) {
      resources.putAll(ResourceText.parse(r));
    }
    String secret = one(options, "secret").orElseGet(ClusterConfigs::secretFromEnvironment);
    if (secret == null) {
      if (!head) {
        throw new IllegalArgumentException("joining " + headAddress.get() + " needs the cluster secret: --secret, "
            + "RAYLITE_SECRET or -D" + ClusterConfigs.SECRET_PROPERTY + ", as the head printed it");
      }
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      secret = HexFormat.of().formatHex(random);
    }
    ClassLoader loader = loader(one(options, "classpath"));
    NodeOptions node = new NodeOptions(head, bind, port, headAddress.orElse(null), cpus, gpus, resources, secret, loader);
    Thread.currentThread().setContextClassLoader(loader);
    ClusterNode started = ClusterNode.start(node);
    Path pidFile = writePidFile(started.port);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      started.close();
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        System.err.println("could not delete " + pidFile + ": " + e);
      }
    }));
    String address = head ? started.nodeId : headAddress.get();
    out.println("Raylite node " + started.nodeId + (head ? " (head)" : "") + " started with " + started.ray.totalResources());
    out.println("Nodes: " + started.describeMembers());
    out.println("Traffic is not encrypted: keep the cluster on a private network.");
    out.println("To connect a driver, set:");
    out.println("  RAYLITE_ADDRESS=" + address + " RAYLITE_SECRET=" + secret);
    out.println("To add a node: java -jar raylite-cluster.jar start --address " + address + " --secret " + secret);
    out.println(READY + " " + started.nodeId);
    out.flush();
    started.awaitStop();
    return 0;
  }

  private static ClassLoader loader(Optional<String> classpath) throws MalformedURLException {
    ClassLoader parent = NodeMain.class.getClassLoader();
    if (classpath.isEmpty()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.get().split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("--classpath entry " + entry + " does not exist");
      }
      urls.add(p.toUri().toURL());
    }
    return new URLClassLoader("raylite-app", urls.toArray(URL[]::new), parent);
  }

  private static Path nodesDirectory() {
    return Path.of(System.getProperty("user.home"), ".raylite", "nodes");
  }

  private static Path writePidFile(int port) throws IOException {
    Path dir = Files.createDirectories(nodesDirectory());
    Path file = dir.resolve(port + ".pid");
    Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
    return file;
  }

  private static int status(Map<String, List<String>> options, PrintStream out) {
    String address = one(options, "address").orElseGet(() -> Optional.ofNullable(System.getenv("RAYLITE_ADDRESS"))
        .orElse("127.0.0.1:" + DEFAULT_PORT));
    one(options, "secret").ifPresent(s -> System.setProperty(ClusterConfigs.SECRET_PROPERTY, s));
    try (Raylite ray = Raylite.builder().address(address).build()) {
      out.println("Cluster at " + address + ":");
      for (NodeInfo n : ray.nodes()) {
        out.println("  " + n.nodeId() + "  " + (n.alive() ? "ALIVE" : "DEAD") + "  " + n.address() + "  " + n.resources());
      }
      out.println("Total: " + ray.totalResources());
    }
    return 0;
  }

  private static int stop(Map<String, List<String>> options, PrintStream out) throws IOException {
    Path dir = nodesDirectory();
    if (!Files.isDirectory(dir)) {
      out.println("No Raylite node runs on this machine.");
      return 0;
    }
    Optional<String> port = one(options, "port");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".pid"))
          .filter(p -> port.isEmpty() || p.getFileName().toString().equals(port.get() + ".pid")).toList();
    }
    int stopped = 0;
    for (Path file : files) {
      long pid = Long.parseLong(Files.readString(file).strip());
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isPresent()) {
        process.get().destroy();
        try {
          process.get().onExit().get(30, TimeUnit.SECONDS);
          stopped++;
        } catch (Exception e) {
          out.println("node with pid " + pid + " did not stop within 30 s: " + e);
          continue;
        }
      }
      Files.deleteIfExists(file);
    }
    out.println("Stopped " + stopped + " Raylite node(s).");
    return 0;
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got '" + value + "'");
    }
  }

  private static int parsePort(String value) {
    int port = parseInt("port", value);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535 (0: any free port), got " + port);
    }
    return port;
  }

  private static double parseDouble(String name, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
    }
  }
}
