package io.raylite.cluster;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast settings every node and driver shares, and what they derive from the cluster
 * secret and the Raylite version.
 *
 * <p>Membership is explicit TCP/IP on the interface the user names (loopback by default): no
 * multicast, no cloud auto-detection, no phone-home. The cluster name is derived from the secret,
 * so Hazelcast refuses a member or client without it at its own join; every Raylite request also
 * carries a token derived from the secret, checked by the node before it does anything.
 */
final class ClusterConfigs {
  /** The executor that runs task, fetch and free requests on nodes. */
  static final String EXECUTOR = "raylite";
  /**
   * The executor whose threads wait for a shared object to be ready before its transfer (its task
   * may still run): apart from EXECUTOR, so that waiting readers never hold up the requests that
   * run and answer the tasks they wait for.
   */
  static final String AWAIT_EXECUTOR = "raylite.await";
  /** Member attributes a node publishes. */
  static final String ATTR_NODE_ID = "raylite.nodeId";
  static final String ATTR_RESOURCES = "raylite.resources";
  static final String ATTR_VERSION = "raylite.version";
  /** Seconds without a heartbeat after which a member is declared dead (Hazelcast's default is 60). */
  static final String HEARTBEAT_TIMEOUT_PROPERTY = "raylite.failureDetectionSeconds";
  static final String SECRET_PROPERTY = "raylite.secret";
  static final String SECRET_ENV = "RAYLITE_SECRET";
  /** Overrides the version a JVM announces; for tests of the version check only. */
  static final String VERSION_OVERRIDE_PROPERTY = "raylite.version.override";

  private ClusterConfigs() {}

  /** This JVM's Raylite version, from the build. */
  static String version() {
    String override = System.getProperty(VERSION_OVERRIDE_PROPERTY);
    if (override != null) {
      return override;
    }
    try (InputStream in = ClusterConfigs.class.getResourceAsStream("raylite-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read raylite-version.properties from the cluster jar", e);
    }
  }

  /** The secret from -Draylite.secret or RAYLITE_SECRET, or null. */
  static String secretFromEnvironment() {
    String secret = System.getProperty(SECRET_PROPERTY);
    if (secret == null || secret.isBlank()) {
      secret = System.getenv(SECRET_ENV);
    }
    return secret == null || secret.isBlank() ? null : secret.strip();
  }

  static String clusterName(String secret) {
    return "raylite-" + sha256("raylite-cluster:" + secret).substring(0, 24);
  }

  /** The token every request carries; a node compares it in constant time. */
  static String token(String secret) {
    return sha256("raylite-token:" + secret);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Hazelcast logs through java.util.logging at WARNING unless the user configured it. */
  static void quietLogging() {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "jdk");
      Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
    }
  }

  /** A member's configuration: bind {@code bindHost:port}, join the members at {@code seeds}. */
  static Config member(String secret, String bindHost, int port, List<String> seeds, ClassLoader loader) {
    quietLogging();
    Config config = new Config();
    config.setClusterName(clusterName(secret));
    config.setClassLoader(loader);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    String timeout = System.getProperty(HEARTBEAT_TIMEOUT_PROPERTY);
    if (timeout != null) {
      config.setProperty("hazelcast.max.no.heartbeat.seconds", timeout);
      config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    }
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(bindHost);
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", bindHost);
    network.setPublicAddress(bindHost + ":" + port);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(seeds.isEmpty() ? List.of(bindHost + ":" + port) : seeds);
    config.getExecutorConfig(EXECUTOR).setPoolSize(256);
    config.getExecutorConfig(AWAIT_EXECUTOR).setPoolSize(256);
    config.getSerializationConfig().setJavaSerializationFilterConfig(javaSerializationFilter());
    return config;
  }

  /**
   * What Hazelcast itself may deserialize with Java serialization: Raylite's requests and replies
   * and the JDK types they hold. User values travel inside them as bytes, under AllowlistCodec.
   */
  private static JavaSerializationFilterConfig javaSerializationFilter() {
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
    filter.getWhitelist().addPrefixes("io.raylite.", "java.lang.", "java.util.", "[");
    return filter;
  }

  /** A driver's configuration: a client of the cluster at {@code address}, which never reconnects. */
  static ClientConfig client(String secret, String address, ClassLoader loader) {
    quietLogging();
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName(secret));
    config.setClassLoader(loader);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    String timeout = System.getProperty(HEARTBEAT_TIMEOUT_PROPERTY);
    if (timeout != null) {
      config.setProperty("hazelcast.client.heartbeat.timeout", String.valueOf(Long.parseLong(timeout) * 1000));
      config.setProperty("hazelcast.client.heartbeat.interval", "1000");
    }
    config.getNetworkConfig().addAddress(address);
    config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
    config.getConnectionStrategyConfig().setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.OFF);
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(15_000);
    config.getSerializationConfig().setJavaSerializationFilterConfig(javaSerializationFilter());
    return config;
  }
}
