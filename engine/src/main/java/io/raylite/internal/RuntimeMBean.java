package io.raylite.internal;

import io.raylite.ObjectStoreStats;
import io.raylite.RayliteMXBean;
import io.raylite.internal.task.Engine;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A runtime's {@link RayliteMXBean}, registered in the platform MBean server by
 * {@link #register} when the runtime starts and removed by {@link #unregister} when it closes.
 * Every attribute is read when asked, from the scheduler and the object store, which are safe to
 * read from any thread (a JMX client's thread here); none is cached.
 *
 * <p>Two runtimes of the same name cannot both be registered: the second one runs without an
 * MBean, and says so in a {@code WARNING} of the {@code io.raylite} logger.
 */
final class RuntimeMBean implements RayliteMXBean {
  private static final System.Logger LOG = System.getLogger("io.raylite");

  private final Engine engine;
  private final LongSupplier tasksSubmitted;
  private final ObjectName objectName;
  /** Whether register() put this bean in the server; written before the runtime is published. */
  private boolean registered;

  private RuntimeMBean(Engine engine, LongSupplier tasksSubmitted) {
    this.engine = engine;
    this.tasksSubmitted = tasksSubmitted;
    this.objectName = objectName(engine.name);
  }

  /** The object name of the runtime called {@code name}; quoted if the name has JMX's special characters. */
  static ObjectName objectName(String name) {
    boolean plain = name.chars().noneMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
    try {
      return new ObjectName("io.raylite:type=Runtime,name=" + (plain ? name : ObjectName.quote(name)));
    } catch (JMException e) {
      throw new IllegalArgumentException("runtime name '" + name + "' cannot be used in a JMX object name", e);
    }
  }

  /** Makes the bean of a starting runtime and registers it; see the class comment for a taken name. */
  static RuntimeMBean register(Engine engine, LongSupplier tasksSubmitted) {
    RuntimeMBean bean = new RuntimeMBean(engine, tasksSubmitted);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.registerMBean(bean, bean.objectName);
      bean.registered = true;
    } catch (InstanceAlreadyExistsException e) {
      LOG.log(System.Logger.Level.WARNING, "runtime ''{0}'' has no MBean: another runtime of that name "
          + "is registered as {1}", engine.name, bean.objectName);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register the MBean " + bean.objectName, e);
    }
    return bean;
  }

  /** Removes the bean of a closing runtime, if register() added it. */
  void unregister() {
    if (!registered) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
    } catch (InstanceNotFoundException e) {
      // Someone else unregistered it through the server; there is nothing left to remove.
      LOG.log(System.Logger.Level.DEBUG, "MBean {0} was already unregistered", objectName);
    } catch (JMException e) {
      throw new IllegalStateException("cannot unregister the MBean " + objectName, e);
    }
  }

  /* ---------------- Attributes ---------------- */

  @Override
  public String getName() {
    return engine.name;
  }

  @Override
  public boolean isClosed() {
    return engine.isClosed();
  }

  @Override
  public Map<String, Double> getTotalResources() {
    return engine.scheduler.ledger().capacityMap();
  }

  @Override
  public Map<String, Double> getAvailableResources() {
    return engine.scheduler.available();
  }

  @Override
  public long getTasksSubmitted() {
    return tasksSubmitted.getAsLong();
  }

  private ObjectStoreStats stats() {
    return engine.store.stats();
  }

  @Override
  public long getObjectStoreCapacityBytes() {
    return stats().capacityBytes();
  }

  @Override
  public long getObjectsInMemory() {
    return stats().objectsInMemory();
  }

  @Override
  public long getBytesInMemory() {
    return stats().bytesInMemory();
  }

  @Override
  public long getPeakBytesInMemory() {
    return stats().peakBytesInMemory();
  }

  @Override
  public long getObjectsUnspillable() {
    return stats().objectsUnspillable();
  }

  @Override
  public long getBytesUnspillable() {
    return stats().bytesUnspillable();
  }

  @Override
  public long getObjectsSpilled() {
    return stats().objectsSpilled();
  }

  @Override
  public long getBytesSpilled() {
    return stats().bytesSpilled();
  }

  @Override
  public long getSpills() {
    return stats().spills();
  }

  @Override
  public long getRestores() {
    return stats().restores();
  }

  @Override
  public long getReleases() {
    return stats().releases();
  }
}
