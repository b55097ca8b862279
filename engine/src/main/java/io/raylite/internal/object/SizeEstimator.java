package io.raylite.internal.object;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.RuntimeContext;
import io.raylite.Sized;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/*
 * Implementation overview
 *
 * How many bytes of heap an object keeps reachable, for the object store's weigher.
 *
 * Exact: primitive arrays, strings, boxed primitives, and any object made only of primitives,
 * primitive arrays and strings whose fields this module may read: that covers fastutil's
 * primitive collections (fastutil is an automatic module, so its fields are open), and records and
 * classes on the class path. Exact means the HotSpot layout read from the running VM: the object
 * header (12 bytes with compressed class pointers, 8 with compact headers), the reference size
 * (4 bytes with compressed oops), the array base offset, and alignment to ObjectAlignmentInBytes.
 * Fields are assumed packed without gaps, which is what HotSpot's field layout does in practice.
 *
 * Reported: a {@link Sized} object's own figure; the walk does not look inside it.
 *
 * Estimated: everything else, by walking the object graph from the value:
 *   - A class's shallow size and readable reference fields (its Layout) are computed once and kept
 *     in a Caffeine cache with weak keys, so classes can still be unloaded.
 *   - Arrays of references and collections longer than SAMPLE are sampled: SAMPLE elements evenly
 *     spaced (the first SAMPLE for collections without random access) are walked with a weight of
 *     length/SAMPLE, so a million-element list costs as much to weigh as a 64-element one.
 *   - JDK collections and maps keep their fields closed to other modules; they are weighed as their
 *     element count times a typical per-element overhead (one reference in a backing array for
 *     RandomAccess lists, a hash node plus table slot otherwise) plus their sampled elements.
 *   - Other objects whose fields cannot be read count their shallow size only.
 *   - The walk stops descending after BUDGET objects and counts the rest shallow.
 *   - Handles (an ObjectRef, a Raylite, a RuntimeContext stored inside a value) count their shallow
 *     size only, and Class objects and enum constants nothing: none of them is owned by the value.
 * Shared objects are counted once (identity set), except across sampled elements, where the scaling
 * assumes the elements are distinct.
 *
 * Threads: stateless apart from the layout cache, which is thread-safe.
 */
final class SizeEstimator {
  private static final System.Logger LOG = System.getLogger("io.raylite");

  /** Bytes of an object header: 12 with compressed class pointers, 8 with compact headers. */
  static final int OBJECT_HEADER;
  /** Bytes of a reference: 4 with compressed oops. */
  static final int REFERENCE;
  /** Every object's size is a multiple of this. */
  static final int ALIGNMENT;

  /** Elements walked per large array or collection. */
  private static final int SAMPLE = 64;
  /** Objects walked (not just counted shallow) per estimate. */
  private static final int BUDGET = 4_096;
  /** Per-element overhead of a hashed or linked JDK collection: one node and a table slot. */
  private static final long NODE;
  /** Boxed primitives: a header and the value (Boolean, Byte, Short and Character fit in two bytes). */
  private static final long ONE_BYTE_BOX;
  private static final long FOUR_BYTE_BOX;
  private static final long EIGHT_BYTE_BOX;

  private static final Cache<Class<?>, Layout> LAYOUTS =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  static {
    boolean compressedOops = Runtime.getRuntime().maxMemory() < (32L << 30);
    boolean compressedClasses = true;
    boolean compactHeaders = false;
    int alignment = 8;
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      compressedOops = Boolean.parseBoolean(hotspot.getVMOption("UseCompressedOops").getValue());
      compressedClasses = Boolean.parseBoolean(hotspot.getVMOption("UseCompressedClassPointers").getValue());
      compactHeaders = Boolean.parseBoolean(hotspot.getVMOption("UseCompactObjectHeaders").getValue());
      alignment = Integer.parseInt(hotspot.getVMOption("ObjectAlignmentInBytes").getValue());
    } catch (RuntimeException notHotSpot) {
      LOG.log(System.Logger.Level.DEBUG, "not a HotSpot VM, assuming its default object layout", notHotSpot);
    }
    OBJECT_HEADER = compactHeaders ? 8 : compressedClasses ? 12 : 16;
    REFERENCE = compressedOops ? 4 : 8;
    ALIGNMENT = alignment;
    NODE = align(OBJECT_HEADER + 4L + 3L * REFERENCE) + REFERENCE * 4L / 3;
    ONE_BYTE_BOX = align(OBJECT_HEADER + 2L);
    FOUR_BYTE_BOX = align(OBJECT_HEADER + 4L);
    EIGHT_BYTE_BOX = align(OBJECT_HEADER + 8L);
  }

  private SizeEstimator() {}

  /** The bytes {@code value} keeps reachable, a multiple of 8; 0 for null. */
  static long sizeOf(Object value) {
    if (value == null) {
      return 0;
    }
    long leaf = leafSize(value);
    return leaf >= 0 ? leaf : walk(value);
  }

  /**
   * The exact size of a value that refers to nothing the walk would follow, or -1. Plain type
   * tests, the commonest results first: each is one class compare once compiled, where a pattern
   * switch over these types went through its bootstrap's chain of tests for every result stored.
   */
  private static long leafSize(Object value) {
    if (value instanceof Integer || value instanceof Float) {
      return FOUR_BYTE_BOX;
    }
    if (value instanceof Long || value instanceof Double) {
      return EIGHT_BYTE_BOX;
    }
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof byte[] a) {
      return array(1, a.length);
    }
    if (value instanceof Boolean || value instanceof Character || value instanceof Short || value instanceof Byte) {
      return ONE_BYTE_BOX;
    }
    if (value instanceof int[] a) {
      return array(4, a.length);
    }
    if (value instanceof long[] a) {
      return array(8, a.length);
    }
    if (value instanceof double[] a) {
      return array(8, a.length);
    }
    if (value instanceof float[] a) {
      return array(4, a.length);
    }
    if (value instanceof char[] a) {
      return array(2, a.length);
    }
    if (value instanceof short[] a) {
      return array(2, a.length);
    }
    if (value instanceof boolean[] a) {
      return array(1, a.length);
    }
    return value instanceof Sized s ? reported(s) : -1;
  }

  /** The size of an array of {@code length} elements of {@code elementBytes} each. */
  static long array(int elementBytes, long length) {
    long base = OBJECT_HEADER + 4L;  // the header and the length field
    base = (base + elementBytes - 1) / elementBytes * elementBytes;
    return align(base + elementBytes * length);
  }

  private static long string(String s) {
    boolean latin1 = true;
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) > 0xFF) {
        latin1 = false;
        break;
      }
    }
    return layoutOf(String.class).shallow + array(1, (long) s.length() * (latin1 ? 1 : 2));
  }

  private static long reported(Sized sized) {
    long bytes = sized.sizeInBytes();
    if (bytes < 0) {
      throw new IllegalArgumentException(sized.getClass().getName() + ".sizeInBytes() must be >= 0, got " + bytes);
    }
    return Math.max(align(bytes), align(OBJECT_HEADER));
  }

  static long align(long bytes) {
    long unit = Math.max(ALIGNMENT, 8);
    return (bytes + unit - 1) / unit * unit;
  }

  /* ---------------- Walking the graph ---------------- */

  /** The walk's state: objects seen, and objects still to weigh with their sampling weight. */
  private static final class Walk {
    final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    final ArrayDeque<Object> pending = new ArrayDeque<>();
    final ArrayDeque<Double> weights = new ArrayDeque<>();
    int budget = BUDGET;
    double total;

    void push(Object o, double weight) {
      if (o != null) {
        pending.push(o);
        weights.push(weight);
      }
    }
  }

  private static long walk(Object root) {
    Walk walk = new Walk();
    walk.push(root, 1);
    while (!walk.pending.isEmpty()) {
      Object o = walk.pending.pop();
      double weight = walk.weights.pop();
      if (walk.seen.put(o, Boolean.TRUE) == null) {
        walk.total += weight * visit(o, weight, walk, walk.budget-- > 0);
      }
    }
    return align((long) Math.ceil(walk.total));
  }

  /** The size of {@code o} itself; queues what it refers to when {@code descend}. */
  private static long visit(Object o, double weight, Walk walk, boolean descend) {
    if (o instanceof Object[] array) {
      if (descend) {
        sample(array, weight, walk);
      }
      return array(REFERENCE, array.length);
    }
    long leaf = leafSize(o);
    if (leaf >= 0) {
      return leaf;
    }
    Class<?> type = o.getClass();
    if (o instanceof Class<?> || o instanceof Enum<?>) {
      return 0;  // shared, not owned by the value
    }
    if (o instanceof ObjectRef<?> || o instanceof Raylite || o instanceof RuntimeContext) {
      return layoutOf(type).shallow;  // a handle: its object and runtime are not part of the value
    }
    Layout layout = layoutOf(type);
    if (!descend) {
      return layout.shallow;
    }
    if (layout.opaque && o instanceof Collection<?> c) {
      return layout.shallow + collection(c, weight, walk);
    }
    if (layout.opaque && o instanceof Map<?, ?> m) {
      return layout.shallow + map(m, weight, walk);
    }
    for (Field f : layout.references) {
      try {
        walk.push(f.get(o), weight);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("field " + f + " was made accessible but cannot be read", e);
      }
    }
    return layout.shallow;
  }

  private static void sample(Object[] array, double weight, Walk walk) {
    if (array.length <= SAMPLE) {
      for (Object element : array) {
        walk.push(element, weight);
      }
      return;
    }
    double scaled = weight * array.length / SAMPLE;
    for (int i = 0; i < SAMPLE; i++) {
      walk.push(array[(int) ((long) i * array.length / SAMPLE)], scaled);
    }
  }

  private static long collection(Collection<?> c, double weight, Walk walk) {
    int size = c.size();
    long structure = c instanceof RandomAccess ? array(REFERENCE, size) : NODE * size;
    double scaled = size <= SAMPLE ? weight : weight * size / SAMPLE;
    try {
      if (c instanceof List<?> list && c instanceof RandomAccess && size > SAMPLE) {
        for (int i = 0; i < SAMPLE; i++) {
          walk.push(list.get((int) ((long) i * size / SAMPLE)), scaled);  // spread over the list
        }
      } else {
        Iterator<?> it = c.iterator();
        for (int i = 0; i < SAMPLE && it.hasNext(); i++) {
          walk.push(it.next(), scaled);
        }
      }
    } catch (ConcurrentModificationException | IndexOutOfBoundsException changing) {
      // The caller is still changing the collection it stored (which it must not): weigh what was seen.
      LOG.log(System.Logger.Level.DEBUG, "collection changed while being weighed", changing);
    }
    return structure;
  }

  private static long map(Map<?, ?> m, double weight, Walk walk) {
    int size = m.size();
    double scaled = size <= SAMPLE ? weight : weight * size / SAMPLE;
    try {
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      for (int i = 0; i < SAMPLE && it.hasNext(); i++) {
        Map.Entry<?, ?> entry = it.next();
        walk.push(entry.getKey(), scaled);
        walk.push(entry.getValue(), scaled);
      }
    } catch (ConcurrentModificationException changing) {
      LOG.log(System.Logger.Level.DEBUG, "map changed while being weighed", changing);
    }
    return NODE * size;
  }

  /* ---------------- Class layouts ---------------- */

  /**
   * A class's instance size and the reference fields the walk follows.
   *
   * @param shallow the instance size without what its fields refer to
   * @param references the reference fields this module may read
   * @param opaque whether some reference field cannot be read
   */
  private record Layout(long shallow, Field[] references, boolean opaque) {}

  private static Layout layoutOf(Class<?> type) {
    return LAYOUTS.get(type, SizeEstimator::computeLayout);
  }

  private static Layout computeLayout(Class<?> type) {
    long bytes = OBJECT_HEADER;
    List<Field> references = new ArrayList<>();
    boolean opaque = false;
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        Class<?> t = f.getType();
        if (!t.isPrimitive()) {
          bytes += REFERENCE;
          if (f.trySetAccessible()) {
            references.add(f);
          } else {
            opaque = true;
          }
        } else if (t == long.class || t == double.class) {
          bytes += 8;
        } else if (t == int.class || t == float.class) {
          bytes += 4;
        } else if (t == short.class || t == char.class) {
          bytes += 2;
        } else {
          bytes += 1;
        }
      }
    }
    return new Layout(align(bytes), references.toArray(Field[]::new), opaque);
  }
}
