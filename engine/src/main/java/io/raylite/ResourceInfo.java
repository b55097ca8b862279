package io.raylite;

import java.util.List;

/**
 * A runtime's resources now, as {@link StateApi#resources} reports them.
 *
 * @param resources each resource's total and what tasks and actors hold of it, in the runtime's
 *     order (CPU, GPU, memory, then custom resources)
 * @param gpus each GPU device's share in use, from 0 to 1
 * @param objectStore the object store's statistics
 */
public record ResourceInfo(List<Resource> resources, List<Gpu> gpus, ObjectStoreStats objectStore) {

  /** One resource: its total and the amount held now (a task blocked in get lends its CPUs). */
  public record Resource(String name, double total, double used) {}

  /** One GPU device: its id and the fraction of it held now. */
  public record Gpu(int id, double used) {}
}
