package io.raylite.dashboard;

import io.raylite.ActorInfo;
import io.raylite.ActorState;
import io.raylite.Listing;
import io.raylite.ObjectStoreStats;
import io.raylite.ResourceInfo;
import io.raylite.StateApi;
import io.raylite.StateFilter;
import io.raylite.TaskState;
import io.raylite.TaskSummary;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /metrics} in Prometheus' text format (version 0.0.4), with Ray's metric names where Ray
 * has the metric, so that dashboards built for Ray's metrics read these: {@code ray_tasks},
 * {@code ray_actors}, {@code ray_resources}, {@code ray_object_store_memory} and friends.
 */
final class PrometheusMetrics {
  private PrometheusMetrics() {}

  static String render(StateApi state) {
    StringBuilder out = new StringBuilder(2_048);
    String session = state.runtimeName();
    try {
      TaskSummary summary = state.summary();
      header(out, "ray_tasks", "Current number of tasks in each state, by function name.");
      summary.byName().forEach((name, counts) -> counts.forEach((s, n) ->
          sample(out, "ray_tasks", n, "Name", name, "State", s.name(), "SessionName", session)));
      for (TaskState s : TaskState.values()) {
        if (!summary.byState().containsKey(s)) {
          sample(out, "ray_tasks", 0, "State", s.name(), "SessionName", session);
        }
      }
    } catch (IllegalStateException trackingOff) {
      // Task tracking is off in this runtime: there is nothing to count, so the metric is absent.
      out.append("# ray_tasks is absent: task tracking is off (finishedTaskCapacity 0)\n");
    }

    Map<ActorState, Integer> actors = new EnumMap<>(ActorState.class);
    Listing<ActorInfo> listing = state.actors(StateFilter.ALL, Integer.MAX_VALUE);
    for (ActorInfo a : listing.rows()) {
      actors.merge(a.state(), 1, Integer::sum);
    }
    header(out, "ray_actors", "Current number of actors in each state.");
    for (ActorState s : ActorState.values()) {
      sample(out, "ray_actors", actors.getOrDefault(s, 0), "State", s.name(), "SessionName", session);
    }

    ResourceInfo resources = state.resources();
    header(out, "ray_resources", "Logical resources by name and state (USED or AVAILABLE).");
    for (ResourceInfo.Resource r : resources.resources()) {
      sample(out, "ray_resources", r.used(), "Name", r.name(), "State", "USED", "SessionName", session);
      sample(out, "ray_resources", r.total() - r.used(), "Name", r.name(), "State", "AVAILABLE", "SessionName", session);
    }
    header(out, "raylite_gpu_device_used", "The share of each GPU device held by tasks and actors.");
    for (ResourceInfo.Gpu g : resources.gpus()) {
      sample(out, "raylite_gpu_device_used", g.used(), "GpuIndex", Integer.toString(g.id()), "SessionName", session);
    }

    ObjectStoreStats store = resources.objectStore();
    header(out, "ray_object_store_memory", "Object store bytes by location (MMAP_SHM: in memory; SPILLED: on disk).");
    sample(out, "ray_object_store_memory", store.bytesInMemory(), "Location", "MMAP_SHM", "SessionName", session);
    sample(out, "ray_object_store_memory", store.bytesSpilled(), "Location", "SPILLED", "SessionName", session);
    gauge(out, "ray_object_store_available_memory", "Object store capacity not in use, in bytes.",
        Math.max(0, store.capacityBytes() - store.bytesInMemory()), session);
    gauge(out, "ray_object_store_num_local_objects", "Objects in the object store's memory.",
        store.objectsInMemory(), session);
    gauge(out, "raylite_object_store_spilled_objects", "Objects with a spill file.", store.objectsSpilled(), session);
    counter(out, "ray_spill_manager_spilled_objects_total", "Spill files written.", store.spills(), session);
    counter(out, "ray_spill_manager_restored_objects_total", "Objects read back from spill files.", store.restores(), session);
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void gauge(StringBuilder out, String name, String help, double value, String session) {
    header(out, name, help);
    sample(out, name, value, "SessionName", session);
  }

  private static void counter(StringBuilder out, String name, String help, double value, String session) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    sample(out, name, value, "SessionName", session);
  }

  /** One sample line; {@code labels} alternate names and values. */
  private static void sample(StringBuilder out, String name, double value, String... labels) {
    out.append(name).append('{');
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    out.append("} ");
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(String.format(Locale.ROOT, "%s", value));
    }
    out.append('\n');
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
