package io.raylite.bench;

import io.raylite.ActorHandle;
import io.raylite.ActorPool;
import io.raylite.NodeInfo;
import io.raylite.Raylite;
import io.raylite.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The actors mode: one {@link ModelTrainer} per node, fed the forests through an
 * {@link ActorPool}, largest first, so that the longest forests start at once and the small ones
 * fill the gaps at the end.
 *
 * <p>How many trainers, and where: a local runtime is one node, so it gets one trainer per CPU,
 * each holding 1 CPU for its lifetime (one trainer on a node of several CPUs would leave all but
 * one idle, as each forest grows on one thread). A cluster gets one trainer per live node from
 * {@code ray.nodes()}, each asking for no resources: Raylite places such actors round-robin over
 * the nodes, so each node gets exactly one, whatever its CPU count. (Asking for a node's CPUs
 * would not: a trainer of 1 CPU fits any node, and two could share one.)
 */
final class ActorRunner {
  private ActorRunner() {}

  /**
   * Trains one model per size on trainers, calling {@code onModel} (on this thread) as each
   * finishes; the result lists the models in {@code sizes} order.
   */
  static ModeResult run(Raylite ray, HousingData train, HousingData test, List<Integer> sizes, Scoring scoring,
      Consumer<ModelRun> onModel) {
    MachineLoad.Snapshot start = MachineLoad.Snapshot.take();
    List<ActorHandle<ModelTrainer>> trainers = startTrainers(ray, train, test, scoring);
    Map<Integer, ModelRun> byTrees = new HashMap<>();
    try {
      List<Integer> largestFirst = sizes.stream().sorted(Comparator.reverseOrder()).toList();
      ActorPool<ModelTrainer, ModelRun> pool = new ActorPool<>(ray, trainers);
      pool.mapUnordered((trainer, n) -> trainer.task(ModelTrainer::trainAndScore, n)
              .name(EngineRunner.taskName(n)).remote(), largestFirst)
          .forEachOrdered(run -> {
            byTrees.put(run.nEstimators(), run);
            onModel.accept(run);
          });
    } finally {
      for (ActorHandle<ModelTrainer> trainer : trainers) {
        ray.kill(trainer);
      }
    }
    List<ModelRun> runs = new ArrayList<>(sizes.size());
    for (int n : sizes) {
      runs.add(byTrees.get(n));
    }
    MachineLoad.Snapshot end = MachineLoad.Snapshot.take();
    int cpus = (int) Math.round(ray.totalResources().getOrDefault(Resources.CPU, 1.0));
    return ModeResult.measured(Mode.ACTORS, cpus, runs, start, end);
  }

  /**
   * The trainers this runtime gets: one per CPU of a single node, else one per live node. The data
   * goes to each constructor as a value, not an {@code ObjectRef}: a cluster does not yet take refs
   * as an actor constructor's arguments, and locally a value is passed without a copy anyway.
   */
  static List<ActorHandle<ModelTrainer>> startTrainers(Raylite ray, HousingData train, HousingData test,
      Scoring scoring) {
    long liveNodes = ray.nodes().stream().filter(NodeInfo::alive).count();
    List<ActorHandle<ModelTrainer>> trainers = new ArrayList<>();
    if (liveNodes <= 1) {
      int cpus = (int) Math.max(1, Math.floor(ray.totalResources().getOrDefault(Resources.CPU, 1.0)));
      for (int i = 0; i < cpus; i++) {
        trainers.add(ray.actor(ModelTrainer::new, train, test, scoring).numCpus(1).remote());
      }
    } else {
      for (long i = 0; i < liveNodes; i++) {
        trainers.add(ray.actor(ModelTrainer::new, train, test, scoring).remote());
      }
    }
    return trainers;
  }
}
