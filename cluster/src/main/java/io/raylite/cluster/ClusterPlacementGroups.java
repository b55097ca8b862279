package io.raylite.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.raylite.InfeasibleResourceException;
import io.raylite.PlacementGroupRemovedException;
import io.raylite.PlacementGroupState;
import io.raylite.PlacementStrategy;
import io.raylite.RayliteException;
import io.raylite.spi.PlacementGroupBackend;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Implementation overview
 *
 * The cluster's placement groups, as one driver or one node's submitter (the HazelcastBackend that
 * owns this) sees and creates them.
 *
 * Registry: every group is a Row in the cluster map ROWS under its id (unique in the cluster), and
 * a named one also maps its name to its id in NAMES, taken with putIfAbsent (never a lock), so a
 * name is held by one live group cluster-wide. A Row says the group's state and, for each bundle,
 * the node holding it and the reservation attempt that holds it there. Every change of a Row is a
 * compare-and-set (IMap.replace with the old value): PENDING -> CREATED by the group's creator (its
 * "owner") once every bundle is held; CREATED -> PENDING by the owner when a node holding bundles
 * leaves (Ray's RESCHEDULING: those bundles are placed again, the others stay); any -> REMOVED by
 * whoever removes it, from any JVM. REMOVED is terminal. Other JVMs follow the Rows through an entry
 * listener, which only hands each change to `handlers`.
 *
 * Reservation, as Ray's two-phase commit of bundles: the owner plans a node for each unheld bundle
 * (BundlePlan, first on what it believes is free, else on capacities), then asks each chosen node to
 * reserve its bundles now (BundleRequests.Reserve: NodeBundles holds them in a local placement group
 * of the node's runtime, or holds nothing). If every node holds its part, the Row is set to CREATED
 * with those nodes; the compare-and-set fails only if the group was removed meanwhile, and then the
 * attempt releases what it took. If a node says no (or cannot be asked), the attempt releases what
 * the others took, so a partial reservation never stays, and the group is tried again after a
 * backoff of RETRY_MIN_MILLIS doubling to RETRY_MAX_MILLIS (as Ray's GCS retries pending groups), or
 * at once when a node joins. At most one attempt of a group runs at a time (`running`).
 *
 * Feasibility: create() refuses at once a group that the live nodes' capacities could never hold
 * as its strategy asks (STRICT_SPREAD with more bundles than live nodes among them). Ray keeps such a
 * group pending for an autoscaler; Raylite refuses it, as it refuses a task no node can ever run.
 *
 * Tasks: target() gives the backend the node of a task's bundle (for index -1, the bundle that can
 * hold the request with the fewest of this submitter's tasks outstanding), once the group is placed.
 *
 * Threads: `groups` is concurrent; a ClusterGroup's fields are guarded by its monitor, its Row is
 * volatile; attempts run on virtual threads (`handlers`), retries are scheduled on `timer`, whose
 * one thread only hands them to `handlers`.
 */
final class ClusterPlacementGroups implements PlacementGroupBackend, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.raylite.cluster");
  static final String ROWS = "raylite.placementGroups";
  static final String NAMES = "raylite.placementGroupNames";
  static final long RETRY_MIN_MILLIS = 100;
  static final long RETRY_MAX_MILLIS = 1_000;
  /** How long a node may take to answer a reserve (it waits at most NodeBundles.RESERVE_WAIT) or release. */
  static final long REQUEST_TIMEOUT_SECONDS = 30;
  /** How long a removed group's Row stays listed. */
  static final long REMOVED_KEPT_MINUTES = 60;

  private static final String PENDING = PlacementGroupState.PENDING.name();
  private static final String CREATED = PlacementGroupState.CREATED.name();
  private static final String REMOVED = PlacementGroupState.REMOVED.name();

  private final HazelcastInstance hz;
  private final String token;
  private final Placement placement;
  /** Every group this JVM has created or looked up, by id. */
  private final Map<String, ClusterGroup> groups = new ConcurrentHashMap<>();
  private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("raylite-placement-groups-", 0).factory());
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("raylite-placement-group-retries").factory());
  private final UUID listener;
  private volatile boolean closed;

  /**
   * A group as the registry holds it: only strings, numbers and arrays, so that its serialized form,
   * which IMap.replace compares, is the same each time it is written.
   *
   * @param resourceNames by bundle, the names of its resources; {@code amounts} the amounts
   * @param version raised by each change, so that a JVM following the Rows ignores an older one
   * @param nodeUuids by bundle, the member id of the node holding it, or null
   * @param attempts by bundle, the reservation attempt holding it there
   */
  record Row(String id, String name, String strategy, String[][] resourceNames, double[][] amounts, String state,
      long version, String[] nodeUuids, String[] nodeIds, int[] attempts, long createdMillis) implements Serializable {
    static Row pending(String id, String name, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
      int n = bundles.size();
      String[][] names = new String[n][];
      double[][] amounts = new double[n][];
      for (int i = 0; i < n; i++) {
        Map<String, Double> b = new java.util.TreeMap<>(bundles.get(i));
        names[i] = b.keySet().toArray(String[]::new);
        amounts[i] = b.values().stream().mapToDouble(Double::doubleValue).toArray();
      }
      return new Row(id, name, strategy.name(), names, amounts, PENDING, 0, new String[n], new String[n], new int[n],
          System.currentTimeMillis());
    }

    Row with(String newState, String[] uuids, String[] ids, int[] held) {
      return new Row(id, name, strategy, resourceNames, amounts, newState, version + 1, uuids, ids, held,
          createdMillis);
    }

    Row removed() {
      return with(REMOVED, nodeUuids, nodeIds, attempts);
    }

    /** The bundles' resources, by bundle index. */
    List<Map<String, Double>> bundles() {
      List<Map<String, Double>> maps = new ArrayList<>(resourceNames.length);
      for (int i = 0; i < resourceNames.length; i++) {
        Map<String, Double> b = new LinkedHashMap<>();
        for (int k = 0; k < resourceNames[i].length; k++) {
          b.put(resourceNames[i][k], amounts[i][k]);
        }
        maps.add(b);
      }
      return maps;
    }

    /** The distinct nodes that hold bundles of the group. */
    List<String> holders() {
      return Arrays.stream(nodeUuids).filter(java.util.Objects::nonNull).distinct().toList();
    }
  }

  ClusterPlacementGroups(HazelcastInstance hz, String token, Placement placement) {
    this.hz = hz;
    this.token = token;
    this.placement = placement;
    this.listener = rows().addEntryListener(
        (com.hazelcast.map.listener.EntryUpdatedListener<String, Row>) event ->
            async(() -> seen(event.getValue())), true);
  }

  private IMap<String, Row> rows() {
    return hz.getMap(ROWS);
  }

  private IMap<String, String> names() {
    return hz.getMap(NAMES);
  }

  /* ---------------- Creation and lookup ---------------- */

  @Override
  public Group create(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name) {
    checkOpen();
    Map<Placement.Slot, Map<String, Double>> capacities = placement.rooms(false);
    String shown = name == null ? "" : "'" + name + "' ";
    if (strategy == PlacementStrategy.STRICT_SPREAD && bundles.size() > capacities.size()) {
      throw new InfeasibleResourceException("placement group " + shown + "asks for STRICT_SPREAD, one node per "
          + "bundle, for " + bundles.size() + " bundles, but the cluster has " + capacities.size() + " live nodes, "
          + "so it could never be placed; use SPREAD, or fewer bundles");
    }
    if (BundlePlan.plan(strategy, bundles, new ArrayList<>(capacities.values())) == null) {
      List<String> nodes = new ArrayList<>();
      capacities.forEach((s, c) -> nodes.add(s.nodeId + " " + c));
      throw new InfeasibleResourceException("placement group " + shown + "asks for bundles " + bundles + " placed "
          + strategy + ", which the nodes of the cluster could never hold; nodes: " + nodes);
    }
    String id = "pg-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    if (name != null) {
      String holder = names().putIfAbsent(name, id);
      if (holder != null) {
        throw new IllegalArgumentException("placement group name '" + name + "' is already taken by " + holder
            + "; remove it first or choose another name");
      }
    }
    Row row = Row.pending(id, name, strategy, bundles);
    rows().set(id, row);
    ClusterGroup group = new ClusterGroup(row, true);
    groups.put(id, group);
    kick(group);
    return group;
  }

  @Override
  public Optional<Group> named(String name) {
    checkOpen();
    String id = names().get(name);
    if (id == null) {
      return Optional.empty();
    }
    return byId(id).filter(g -> g.state() != PlacementGroupState.REMOVED);
  }

  @Override
  public Optional<Group> byId(String id) {
    checkOpen();
    Row row = rows().get(id);
    return row == null ? Optional.empty() : Optional.of(view(row));
  }

  @Override
  public List<Group> list() {
    checkOpen();
    List<Row> all = new ArrayList<>(rows().values());
    all.sort(Comparator.comparingLong(Row::createdMillis).thenComparing(Row::id));
    List<Group> views = new ArrayList<>();
    for (Row r : all) {
      views.add(view(r));
    }
    return views;
  }

  private ClusterGroup view(Row row) {
    ClusterGroup g = groups.computeIfAbsent(row.id(), id -> new ClusterGroup(row, false));
    g.seen(row);
    return g;
  }

  /** A Row changed in the registry (the listener): the group this JVM knows follows it. */
  private void seen(Row row) {
    ClusterGroup g = row == null ? null : groups.get(row.id());
    if (g != null) {
      g.seen(row);
    }
  }

  /** Runs {@code work} on a handler thread; on the caller's once they are closed (the runtime closes). */
  private void async(Runnable work) {
    try {
      handlers.execute(work);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      work.run();
    }
  }

  /* ---------------- Reservation ---------------- */

  /** Starts an attempt to place the group, or asks the running one to try once more after it. */
  private void kick(ClusterGroup g) {
    synchronized (g) {
      if (g.running) {
        g.again = true;
        return;
      }
      g.running = true;
    }
    try {
      handlers.execute(() -> run(g));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      synchronized (g) {
        g.running = false;  // closed
      }
    }
  }

  private void run(ClusterGroup g) {
    boolean done;
    try {
      done = attempt(g);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "placing the bundles of placement group " + g.id + " failed; it is "
          + "tried again", e);
      done = false;
    }
    long delay;
    synchronized (g) {
      g.running = false;
      if (done && !g.again) {
        g.backoff = RETRY_MIN_MILLIS;
        return;
      }
      delay = g.again ? 0 : g.backoff;
      g.again = false;
      g.backoff = Math.min(RETRY_MAX_MILLIS, g.backoff * 2);
    }
    if (closed) {
      return;
    }
    if (delay == 0) {
      kick(g);
    } else {
      try {
        timer.schedule(() -> kick(g), delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile: nothing is placed any more
      }
    }
  }

  /** One attempt: true if nothing is left to do (placed, removed, closed), false to try again later. */
  private boolean attempt(ClusterGroup g) {
    Row current = rows().get(g.id);
    if (closed || current == null || !PENDING.equals(current.state())) {
      if (current != null) {
        g.seen(current);
      }
      return true;
    }
    int attempt;
    synchronized (g) {
      attempt = ++g.attempts;
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < current.nodeUuids().length; i++) {
      if (current.nodeUuids()[i] == null) {
        missing.add(i);
      }
    }
    List<Map<String, Double>> wanted = new ArrayList<>();
    for (int i : missing) {
      wanted.add(g.bundles.get(i));
    }
    Placement.Slot[] chosen = plan(g.strategy, current, wanted);
    if (chosen == null) {
      return false;  // no node can hold them now: a node may join
    }
    Map<Placement.Slot, List<Integer>> byNode = new LinkedHashMap<>();
    for (int k = 0; k < chosen.length; k++) {
      byNode.computeIfAbsent(chosen[k], s -> new ArrayList<>()).add(missing.get(k));
    }
    Map<Placement.Slot, CompletableFuture<Boolean>> answers = new LinkedHashMap<>();
    byNode.forEach((slot, indices) -> {
      List<Map<String, Double>> asked = new ArrayList<>();
      for (int i : indices) {
        asked.add(g.bundles.get(i));
      }
      answers.put(slot, ask(slot.uuid, new BundleRequests.Reserve(token, g.id, attempt,
          indices.stream().mapToInt(Integer::intValue).toArray(), asked)));
    });
    boolean all = true;
    for (CompletableFuture<Boolean> a : answers.values()) {
      all &= Boolean.TRUE.equals(answerOf(a));
    }
    if (all) {
      String[] uuids = current.nodeUuids().clone();
      String[] ids = current.nodeIds().clone();
      int[] held = current.attempts().clone();
      byNode.forEach((slot, indices) -> {
        for (int i : indices) {
          uuids[i] = slot.uuid;
          ids[i] = slot.nodeId;
          held[i] = attempt;
        }
      });
      Row created = current.with(CREATED, uuids, ids, held);
      if (rows().replace(g.id, current, created)) {
        g.seen(created);
        return true;
      }
    }
    // A node said no, or the group changed (removed) meanwhile: give back what this attempt took.
    for (Placement.Slot slot : answers.keySet()) {
      ask(slot.uuid, new BundleRequests.Release(token, g.id, attempt));
    }
    Row now = rows().get(g.id);
    if (now != null) {
      g.seen(now);
    }
    return now == null || !PENDING.equals(now.state());
  }

  /**
   * The node for each wanted bundle, by the group's strategy: on what this submitter believes is
   * free first, else on capacities (the nodes' answers decide); null if no live node can hold them.
   */
  private Placement.Slot[] plan(PlacementStrategy strategy, Row current, List<Map<String, Double>> wanted) {
    for (boolean free : new boolean[] {true, false}) {
      Map<Placement.Slot, Map<String, Double>> rooms = placement.rooms(free);
      if (strategy == PlacementStrategy.STRICT_SPREAD) {
        rooms.keySet().removeIf(s -> Arrays.asList(current.nodeUuids()).contains(s.uuid));  // one bundle per node
      }
      if (strategy == PlacementStrategy.STRICT_PACK || strategy == PlacementStrategy.PACK) {
        List<String> holders = current.holders();
        if (!holders.isEmpty() && strategy == PlacementStrategy.STRICT_PACK) {
          rooms.keySet().removeIf(s -> !holders.contains(s.uuid));  // with the bundles it kept
        }
      }
      List<Placement.Slot> slots = new ArrayList<>(rooms.keySet());
      int[] plan = BundlePlan.plan(strategy, wanted, new ArrayList<>(rooms.values()));
      if (plan != null) {
        Placement.Slot[] chosen = new Placement.Slot[plan.length];
        for (int k = 0; k < plan.length; k++) {
          chosen[k] = slots.get(plan[k]);
        }
        return chosen;
      }
    }
    return null;
  }

  /** Sends a request to a node; the future fails if the node is gone or does not answer in time. */
  private CompletableFuture<Boolean> ask(String uuid, java.util.concurrent.Callable<Boolean> request) {
    Member member = RemoteObjects.memberOf(hz, uuid);
    if (member == null) {
      return CompletableFuture.failedFuture(new RayliteException("node " + uuid + " left the cluster"));
    }
    return RemoteObjects.ask(hz, request, member).orTimeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The answer, or null if the request failed (the node left, or did not answer in time). */
  private static Boolean answerOf(CompletableFuture<Boolean> answer) {
    try {
      return answer.join();
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      LOG.log(System.Logger.Level.DEBUG, "a node did not reserve placement group bundles", e);
      return null;
    }
  }

  /** A node left: the owner's groups with bundles there place those again (Ray's rescheduling). */
  void nodeLeft(String uuid) {
    for (ClusterGroup g : groups.values()) {
      if (!g.own) {
        continue;
      }
      Row current = g.row;
      if (!CREATED.equals(current.state()) || !Arrays.asList(current.nodeUuids()).contains(uuid)) {
        if (PENDING.equals(current.state())) {
          kick(g);
        }
        continue;
      }
      async(() -> reschedule(g, uuid));
    }
  }

  private void reschedule(ClusterGroup g, String uuid) {
    while (true) {
      Row current = rows().get(g.id);
      if (current == null || REMOVED.equals(current.state())) {
        return;
      }
      String[] uuids = current.nodeUuids().clone();
      String[] ids = current.nodeIds().clone();
      boolean lost = false;
      for (int i = 0; i < uuids.length; i++) {
        if (uuid.equals(uuids[i])) {
          uuids[i] = null;
          ids[i] = null;
          lost = true;
        }
      }
      if (!lost) {
        return;
      }
      Row pending = current.with(PENDING, uuids, ids, current.attempts());
      if (rows().replace(g.id, current, pending)) {
        g.seen(pending);
        kick(g);
        return;
      }
    }
  }

  /** A node joined: pending groups try at once. */
  void nodeJoined() {
    for (ClusterGroup g : groups.values()) {
      if (g.own && PENDING.equals(g.row.state())) {
        kick(g);
      }
    }
  }

  /* ---------------- Tasks ---------------- */

  /** The bundle a task runs in and the node holding it; {@link #done} when the task has its answer. */
  record Target(ClusterGroup group, int bundle, String nodeUuid) {
    void done() {
      group.outstanding[bundle].decrementAndGet();
    }
  }

  /**
   * Where a task of bundle {@code index} (-1: any) of the group runs: completes once the bundle is
   * held; fails with PlacementGroupRemovedException if the group is removed first.
   */
  CompletableFuture<Target> target(String groupId, int index, Map<String, Double> resources, String taskName) {
    ClusterGroup g = groups.get(groupId);
    if (g == null) {
      Row row = rows().get(groupId);
      if (row == null) {
        return CompletableFuture.failedFuture(new PlacementGroupRemovedException("task '" + taskName + "' names "
            + "placement group " + groupId + ", which the cluster does not know (removed long ago)"));
      }
      g = view(row);
    }
    ClusterGroup group = g;
    boolean fits = false;
    for (int i = 0; i < g.bundles.size() && !fits; i++) {
      fits = (index < 0 || i == index) && BundlePlan.fits(resources, g.bundles.get(i));
    }
    if (!fits) {
      return CompletableFuture.failedFuture(new InfeasibleResourceException("'" + taskName + "' asks for "
          + resources + ", which " + (index < 0 ? "no bundle" : "bundle " + index) + " of placement group "
          + g.describe() + " " + g.bundles + " can ever provide"));
    }
    return g.whenPlaced().thenApply(row -> {
      int chosen = -1;
      for (int i = 0; i < row.nodeUuids().length; i++) {
        if ((index < 0 || i == index) && row.nodeUuids()[i] != null
            && BundlePlan.fits(resources, group.bundles.get(i))
            && (chosen < 0 || group.outstanding[i].get() < group.outstanding[chosen].get())) {
          chosen = i;
        }
      }
      if (chosen < 0) {  // a CREATED Row holds every bundle, and one of them fits: checked above
        throw new IllegalStateException("placement group " + groupId + " has no held bundle for '" + taskName + "'");
      }
      group.outstanding[chosen].incrementAndGet();
      return new Target(group, chosen, row.nodeUuids()[chosen]);
    });
  }

  /* ---------------- Removal and close ---------------- */

  /**
   * Marks the group REMOVED in the registry and releases its bundles on their nodes, waiting for
   * them (bounded); true for the call that removed it.
   */
  boolean remove(ClusterGroup g) {
    checkOpen();
    IMap<String, Row> rows = rows();
    while (true) {
      Row current = rows.get(g.id);
      if (current == null || REMOVED.equals(current.state())) {
        return false;
      }
      Row removed = current.removed();
      if (!rows.replace(g.id, current, removed)) {
        continue;
      }
      rows.setTtl(g.id, REMOVED_KEPT_MINUTES, TimeUnit.MINUTES);
      g.seen(removed);
      if (current.name() != null) {
        names().remove(current.name(), g.id);
      }
      List<CompletableFuture<Boolean>> released = new ArrayList<>();
      for (String uuid : current.holders()) {
        released.add(ask(uuid, new BundleRequests.Release(token, g.id, -1)));
      }
      for (CompletableFuture<Boolean> r : released) {
        answerOf(r);  // a node that left holds nothing any more
      }
      return true;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new io.raylite.RuntimeClosedException("the runtime's connection to the cluster is closed");
    }
  }

  /**
   * Removes the groups this submitter created and did not remove, as Ray removes a job's groups
   * when the job ends, then stops.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      for (ClusterGroup g : groups.values()) {
        if (g.own && !REMOVED.equals(g.row.state())) {
          try {
            remove(g);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove placement group " + g.id + " on close", e);
          }
        }
      }
      rows().removeEntryListener(listener);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "the cluster was gone when its placement groups were closed", e);
    } finally {
      closed = true;
      timer.shutdownNow();
      handlers.close();
    }
  }

  /** The cluster was lost: groups waited for fail. */
  void lost(RayliteException why) {
    for (ClusterGroup g : groups.values()) {
      g.fail(why);
    }
  }

  /* ---------------- One group ---------------- */

  /**
   * A group as it travels to another JVM as a task's argument (HazelcastBackend.prepare swaps it in):
   * its id, bound when read to the runtime that reads it (on a node, the one its tasks submit through).
   */
  record GroupRef(String id) implements Serializable {
    private Object readResolve() throws java.io.ObjectStreamException {
      io.raylite.Raylite here;
      try {
        here = io.raylite.Raylite.current();
      } catch (RuntimeException e) {
        throw new java.io.InvalidObjectException("placement group " + id + " can only be read in a task or actor "
            + "of a runtime connected to its cluster: " + e.getMessage());
      }
      return here.getPlacementGroupById(id).orElseThrow(() -> new java.io.InvalidObjectException(
          "placement group " + id + " is not known to the cluster any more (removed long ago)"));
    }
  }

  /** One group of the cluster as this JVM follows it. */
  final class ClusterGroup implements PlacementGroupBackend.Group {
    final String id;
    private final String name;
    final PlacementStrategy strategy;
    private final List<Map<String, Double>> bundles;
    /** Whether this JVM created it: then it places its bundles, and again after a node leaves. */
    final boolean own;
    /** This submitter's tasks sent to each bundle and not answered: how "any bundle" spreads. */
    final AtomicInteger[] outstanding;
    private final CompletableFuture<Void> placed = new CompletableFuture<>();
    volatile Row row;
    // Guarded by this.
    /** Completes with the Row once every bundle is held; replaced when the group goes back to PENDING. */
    private CompletableFuture<Row> whole = new CompletableFuture<>();
    private boolean running;
    private boolean again;
    private long backoff = RETRY_MIN_MILLIS;
    private int attempts;

    ClusterGroup(Row row, boolean own) {
      this.id = row.id();
      this.name = row.name();
      this.strategy = PlacementStrategy.valueOf(row.strategy());
      List<Map<String, Double>> maps = new ArrayList<>();
      for (Map<String, Double> b : row.bundles()) {
        maps.add(java.util.Collections.unmodifiableMap(b));
      }
      this.bundles = List.copyOf(maps);
      this.own = own;
      this.outstanding = new AtomicInteger[bundles.size()];
      for (int i = 0; i < outstanding.length; i++) {
        outstanding[i] = new AtomicInteger();
      }
      this.row = row;
    }

    /** Follows a Row read from the registry; a REMOVED group stays REMOVED. */
    void seen(Row next) {
      CompletableFuture<Row> completed = null;
      boolean removed = false;
      synchronized (this) {
        if (REMOVED.equals(row.state()) || next.version() < row.version()) {
          return;  // a REMOVED group stays so; an older Row came late
        }
        row = next;
        if (CREATED.equals(next.state())) {
          completed = whole;
        } else if (REMOVED.equals(next.state())) {
          removed = true;
        } else if (whole.isDone()) {
          whole = new CompletableFuture<>();  // rescheduling after a node left
        }
      }
      if (completed != null) {
        Row r = next;
        CompletableFuture<Row> w = completed;
        async(() -> {  // their callbacks (the runtime's ready ref, tasks waiting) run off the caller's thread
          w.complete(r);
          placed.complete(null);
        });
      } else if (removed) {
        fail(new PlacementGroupRemovedException("placement group " + describe() + " was removed"));
      }
    }

    void fail(RayliteException why) {
      CompletableFuture<Row> w;
      synchronized (this) {
        w = whole;
      }
      w.completeExceptionally(why);
      placed.completeExceptionally(why);
    }

    synchronized CompletableFuture<Row> whenPlaced() {
      if (REMOVED.equals(row.state())) {
        return CompletableFuture.failedFuture(new PlacementGroupRemovedException("placement group " + describe()
            + " was removed"));
      }
      return whole;
    }

    private String describe() {
      return name == null ? id : "'" + name + "' (" + id + ")";
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Optional<String> name() {
      return Optional.ofNullable(name);
    }

    @Override
    public List<Map<String, Double>> bundles() {
      return bundles;
    }

    @Override
    public PlacementStrategy strategy() {
      return strategy;
    }

    @Override
    public PlacementGroupState state() {
      return PlacementGroupState.valueOf(row.state());
    }

    @Override
    public List<String> bundleNodes() {
      return java.util.Collections.unmodifiableList(Arrays.asList(row.nodeIds().clone()));
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> placed() {
      return placed;
    }

    @Override
    public boolean remove() {
      return ClusterPlacementGroups.this.remove(this);
    }

    @Override
    public String toString() {
      return "PlacementGroup(" + describe() + ", " + strategy + ", " + bundles + ", " + row.state() + ")";
    }
  }
}
