package io.raylite.examples;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.TaskFailedException;
import io.raylite.WaitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** Tasks: remote calls, options, retries, nested tasks, waiting and failures. */
public class TasksExample {
  static int square(int x) {
    return x * x;
  }

  static int add(int a, int b) {
    return a + b;
  }

  /** Recursive Fibonacci whose calls are tasks that wait for their own child tasks. */
  static long fib(int n) {
    if (n < 2) {
      return n;
    }
    Raylite ray = Raylite.current();                 // the runtime running this task
    ObjectRef<Long> a = ray.task(TasksExample::fib, n - 1).remote();
    ObjectRef<Long> b = ray.task(TasksExample::fib, n - 2).remote();
    return ray.get(a) + ray.get(b);                  // lends this task's CPU while it waits
  }

  /** Fails with an IOException on its first attempt, then succeeds. */
  static String flakyRead() {
    if (Raylite.context().attempt() == 0) {
      throw new UncheckedIOException(new IOException("connection reset"));
    }
    return "read on attempt " + Raylite.context().attempt();
  }

  static int divide(int a, int b) {
    return a / b;
  }

  public static void main(String[] args) {
    try (Raylite ray = Raylite.init()) {
      // region submit
      ObjectRef<Integer> nine = ray.task(TasksExample::square, 3).remote();
      ObjectRef<Integer> sum = ray.task(TasksExample::add, nine, 1).remote();  // waits for nine
      System.out.println("square(3) + 1 = " + ray.get(sum));
      // endregion submit

      // region options
      ObjectRef<String> read = ray.task(TasksExample::flakyRead)
          .name("flaky_read").numCpus(0.5).maxRetries(2).retryExceptions(UncheckedIOException.class)
          .remote();
      System.out.println(ray.get(read));
      // endregion options

      System.out.println("fib(15) = " + ray.get(ray.task(TasksExample::fib, 15).remote()));

      // region wait
      List<ObjectRef<Integer>> squares = List.of(
          ray.task(TasksExample::square, 4).remote(), ray.task(TasksExample::square, 5).remote());
      WaitResult<Integer> first = ray.wait(squares, 1, Duration.ofSeconds(10));
      System.out.println("ready after wait: " + first.ready().size() + " of " + squares.size());
      System.out.println("squares: " + ray.get(squares));
      // endregion wait

      // region failure
      try {
        ray.get(ray.task(TasksExample::divide, 1, 0).name("divide").remote());
      } catch (TaskFailedException e) {
        System.out.println("divide failed: " + e.getCause());  // the task's own exception
      }
      // endregion failure
    }
  }
}
