package io.raylite.examples;

import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.ObjectStoreStats;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;

/** Objects: put and get, arguments by reference, a bounded store that spills, and free. */
public class ObjectsExample {
  static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }

  public static void main(String[] args) {
    // region store
    try (Raylite ray = Raylite.builder().objectStoreMemory(2_000_000).build()) {  // 2 MB in memory
      List<ObjectRef<double[]>> blocks = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        double[] block = new double[100_000];                  // 800 kB each: most of them spill
        java.util.Arrays.fill(block, i);
        blocks.add(ray.put(block));
      }
      ObjectRef<Double> last = ray.task(ObjectsExample::sum, blocks.get(9)).remote();
      System.out.println("sum of block 9: " + ray.get(last));  // read back from disk if spilled
      ObjectStoreStats stats = ray.objectStoreStats();
      System.out.println("spilled: " + (stats.objectsSpilled() > 0));
      ray.free(List.of(blocks.get(0)));
      try {
        ray.get(blocks.get(0));
      } catch (ObjectLostException e) {
        System.out.println("block 0 after free: " + e.getClass().getSimpleName());
      }
    }
    // endregion store
  }
}
