package io.raylite;

import io.raylite.function.RayFunc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named group of an actor's methods with its own concurrency limit, as in Ray's Java API. Each
 * group has its own queue and runs at most {@link #maxConcurrency()} of its calls at once, so a
 * group whose calls block (say on I/O) never holds back the calls of another group. Methods not
 * assigned to any group run in the default group, limited by {@link ActorCreation#maxConcurrency}.
 * A single call may also be sent to a group with {@link ActorCall#concurrencyGroup}.
 *
 * <pre>{@code
 * ConcurrencyGroup io = ConcurrencyGroup.<Store>builder("io", 2)
 *     .method(Store::read)
 *     .method(Store::write)
 *     .build();
 * ActorHandle<Store> store = ray.actor(Store::new).concurrencyGroups(io).remote();
 * store.task(Store::read, "key").remote();   // runs in "io", beside the default group's calls
 * }</pre>
 *
 * <p>Methods are recognised by the method a method reference names, so assign them with method
 * references ({@code Store::read}), not lambdas. Calls in different groups may run at the same time:
 * the actor's state must be safe for that.
 */
public final class ConcurrencyGroup {
  private final String name;
  private final int maxConcurrency;
  private final List<RayFunc> methods;

  private ConcurrencyGroup(Builder<?> b) {
    this.name = b.name;
    this.maxConcurrency = b.maxConcurrency;
    this.methods = List.copyOf(b.methods);
  }

  /**
   * A builder for a group named {@code name} that runs at most {@code maxConcurrency} calls at once.
   *
   * @param <A> the actor's class, for the method references given to {@link Builder#method}
   */
  public static <A> Builder<A> builder(String name, int maxConcurrency) {
    return new Builder<>(name, maxConcurrency);
  }

  /** The group's name, as given to {@code ActorCall.concurrencyGroup}. */
  public String name() {
    return name;
  }

  /** How many calls of the group may run at once. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** The methods assigned to this group, as given. */
  public List<RayFunc> methods() {
    return methods;
  }

  @Override
  public String toString() {
    return "ConcurrencyGroup(" + name + ", maxConcurrency=" + maxConcurrency + ", " + methods.size() + " methods)";
  }

  /**
   * Builds a {@link ConcurrencyGroup}; {@code method} assigns an actor method to it.
   *
   * @param <A> the actor's class
   */
  public static final class Builder<A> extends ConcurrencyGroupMethods<A> {
    private final String name;
    private final int maxConcurrency;
    private final List<RayFunc> methods = new ArrayList<>();

    private Builder(String name, int maxConcurrency) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("concurrency group name must be a non-blank string, got '" + name + "'");
      }
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency of concurrency group '" + name
            + "' must be >= 1, got " + maxConcurrency);
      }
      this.name = name;
      this.maxConcurrency = maxConcurrency;
    }

    @Override
    Builder<A> addMethod(RayFunc m) {
      methods.add(Objects.requireNonNull(m, "method"));
      return this;
    }

    /** The group with the methods assigned so far. */
    public ConcurrencyGroup build() {
      return new ConcurrencyGroup(this);
    }
  }
}
