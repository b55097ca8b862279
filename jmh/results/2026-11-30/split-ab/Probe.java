import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** CPU time of the whole process per task, for batches of 1000 trivial tasks: less load-bound than wall time. */
public class Probe {
  public static void main(String[] args) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Raylite ray = Raylite.builder().cpus(2).logStream(new PrintStream(OutputStream.nullOutputStream())).build()) {
      for (int round = 0; round < 10; round++) {
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        int n = 0;
        for (int b = 0; b < 100; b++) {
          List<ObjectRef<Integer>> refs = new ArrayList<>(1000);
          for (int i = 0; i < 1000; i++) {
            refs.add(ray.task(Probe::one).remote());
          }
          ray.get(refs);
          n += 1000;
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - t0;
        System.out.printf("round %d cpu_ns_per_task %.0f wall_ns_per_task %.0f%n", round, cpu / (double) n, wall / (double) n);
      }
    }
  }

  static int one() {
    return 1;
  }
}
