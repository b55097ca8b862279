package io.raylite.internal.object;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list over a slice of an array that nothing else writes after it is built: the two
 * lists of a {@link io.raylite.WaitResult}, which share one array and which the record keeps as
 * they are instead of copying them again. Its elements are never null.
 *
 * @param <E> the element type
 */
public final class RefList<E> extends AbstractList<E> implements RandomAccess {
  private final Object[] array;
  private final int from;
  private final int size;

  /** A list of {@code array[from .. from + size)}; the caller never writes the array again. */
  public RefList(Object[] array, int from, int size) {
    Objects.checkFromIndexSize(from, size, array.length);
    this.array = array;
    this.from = from;
    this.size = size;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    return (E) array[from + Objects.checkIndex(index, size)];
  }

  @Override
  public int size() {
    return size;
  }
}
