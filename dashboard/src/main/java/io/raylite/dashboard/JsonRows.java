package io.raylite.dashboard;

import io.raylite.ActorInfo;
import io.raylite.Explanation;
import io.raylite.Listing;
import io.raylite.ObjectInfo;
import io.raylite.ObjectStoreStats;
import io.raylite.ResourceInfo;
import io.raylite.TaskInfo;
import io.raylite.TaskState;
import io.raylite.TaskSummary;
import io.raylite.WorkerInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The state API's rows as the JSON API shows them: maps with the records' fields, named in
 * snake_case as Ray's state API names its own, in a fixed order. jackson-jr writes the maps.
 */
final class JsonRows {
  private JsonRows() {}

  static <T> Map<String, Object> listing(Listing<T> listing, int limit, Function<T, Map<String, Object>> row) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", listing.total());
    m.put("truncated", listing.truncated());
    m.put("limit", limit);
    m.put("rows", listing.rows().stream().map(row).toList());
    return m;
  }

  static Map<String, Object> task(TaskInfo t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", t.taskId());
    m.put("name", t.name());
    m.put("state", t.state().name());
    m.put("attempt", t.attempt());
    m.put("resources", t.resources());
    m.put("worker", t.worker());
    m.put("submitted_ms", t.submittedMillis());
    m.put("started_ms", t.startedMillis());
    m.put("ended_ms", t.endedMillis());
    m.put("error_summary", t.errorSummary());
    m.put("error", t.error());
    m.put("caller", t.caller());
    m.put("waiting_for", t.waitingFor());
    return m;
  }

  /** An explanation: its fields, its blockers the same way, and its text (at the top only). */
  static Map<String, Object> explanation(Explanation e) {
    Map<String, Object> m = explanationFields(e);
    m.put("text", e.toString());
    return m;
  }

  private static Map<String, Object> explanationFields(Explanation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object_id", e.objectId());
    m.put("reason", e.reason().name());
    m.put("producer", e.producer());
    m.put("detail", e.detail());
    m.put("blockers", e.blockers().stream().map(JsonRows::explanationFields).toList());
    return m;
  }

  static Map<String, Object> actor(ActorInfo a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("actor_id", a.actorId());
    m.put("name", a.name());
    m.put("class_name", a.className());
    m.put("state", a.state().name());
    m.put("restarts", a.restarts());
    m.put("pending_calls", a.pendingCalls());
    m.put("resources", a.resources());
    m.put("gpu_ids", a.gpuIds());
    m.put("death_cause", a.deathCause());
    m.put("namespace", a.namespace());
    m.put("lifetime", a.lifetime().name());
    m.put("node_id", a.nodeId());
    return m;
  }

  /** A placement group with its bundles, with the keys of Ray's {@code placement_group_table()}. */
  static Map<String, Object> placementGroup(io.raylite.PlacementGroupInfo g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("placement_group_id", g.placementGroupId());
    m.put("name", g.name());
    m.put("strategy", g.strategy().name());
    m.put("state", g.state().name());
    List<Map<String, Object>> bundles = new ArrayList<>();
    for (io.raylite.PlacementGroupInfo.Bundle b : g.bundles()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("index", b.index());
      row.put("resources", b.resources());
      row.put("available", b.available());
      row.put("gpu_ids", b.gpuIds());
      bundles.add(row);
    }
    m.put("bundles", bundles);
    m.put("running_tasks", g.runningTasks());
    m.put("live_actors", g.liveActors());
    return m;
  }

  static Map<String, Object> object(ObjectInfo o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object_id", o.objectId());
    m.put("size_bytes", o.sizeBytes());
    m.put("location", o.location().name());
    m.put("references", o.references());
    m.put("local_refs", o.localRefs());
    m.put("pending_task_arguments", o.pendingTaskArguments());
    m.put("producer", o.producer());
    return m;
  }

  static Map<String, Object> node(io.raylite.NodeInfo n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", n.nodeId());
    m.put("address", n.address());
    m.put("state", n.alive() ? "ALIVE" : "DEAD");  // Ray's node states
    m.put("resources", new java.util.TreeMap<>(n.resources()));
    return m;
  }

  static Map<String, Object> worker(WorkerInfo w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("worker", w.worker());
    m.put("virtual", w.virtual());
    m.put("running", w.running());
    return m;
  }

  static Map<String, Object> resources(ResourceInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> resources = new ArrayList<>();
    for (ResourceInfo.Resource r : info.resources()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", r.name());
      row.put("total", r.total());
      row.put("used", r.used());
      resources.add(row);
    }
    m.put("resources", resources);
    List<Map<String, Object>> gpus = new ArrayList<>();
    for (ResourceInfo.Gpu g : info.gpus()) {
      gpus.add(Map.of("id", g.id(), "used", g.used()));
    }
    m.put("gpus", gpus);
    m.put("object_store", store(info.objectStore()));
    return m;
  }

  static Map<String, Object> store(ObjectStoreStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capacity_bytes", s.capacityBytes());
    m.put("objects_in_memory", s.objectsInMemory());
    m.put("bytes_in_memory", s.bytesInMemory());
    m.put("peak_bytes_in_memory", s.peakBytesInMemory());
    m.put("objects_unspillable", s.objectsUnspillable());
    m.put("bytes_unspillable", s.bytesUnspillable());
    m.put("objects_spilled", s.objectsSpilled());
    m.put("bytes_spilled", s.bytesSpilled());
    m.put("spills", s.spills());
    m.put("restores", s.restores());
    m.put("releases", s.releases());
    return m;
  }

  static Map<String, Object> summary(TaskSummary summary) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("by_state", byState(summary.byState()));
    Map<String, Object> byName = new LinkedHashMap<>();
    summary.byName().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> byName.put(e.getKey(), byState(e.getValue())));
    m.put("by_name", byName);
    return m;
  }

  /** Counts of every state, zeros included, in the states' order. */
  static Map<String, Integer> byState(Map<TaskState, Integer> counts) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (TaskState s : TaskState.values()) {
      m.put(s.name(), counts.getOrDefault(s, 0));
    }
    return m;
  }

  static Map<String, Object> sample(ResourceHistory.Sample s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time_ms", s.timeMillis());
    m.put("used", s.used());
    List<Double> gpus = new ArrayList<>();
    for (double g : s.gpus()) {
      gpus.add(g);
    }
    m.put("gpus", gpus);
    m.put("store_bytes", s.storeBytes());
    m.put("spilled_bytes", s.spilledBytes());
    m.put("tasks", byState(s.tasks()));
    return m;
  }
}
