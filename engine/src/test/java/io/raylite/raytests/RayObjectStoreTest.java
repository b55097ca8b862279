package io.raylite.raytests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raylite.ActorHandle;
import io.raylite.ObjectLostException;
import io.raylite.ObjectRef;
import io.raylite.Raylite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translated from Ray's {@code java/test/src/main/java/io/ray/test/ObjectStoreTest.java} and
 * {@code PlasmaFreeTest.java}, with cases of {@code python/ray/tests/test_basic.py} (put and get of
 * values of every shape, refs inside values). Ray's {@code put(value, owner)} has no counterpart: in
 * one JVM every object is owned by the runtime.
 */
@Timeout(60)
class RayObjectStoreTest {
  private final Raylite ray = Raylite.builder().cpus(2).build();

  @AfterEach
  void close() {
    ray.close();
  }

  @Test
  void putThenGet_returnsTheValue_forAnInteger_null_andNestedLists() {
    assertEquals(1, ray.put(1).get());
    assertNull(ray.put((String) null).get());
    List<List<String>> nested = List.of(List.of("abc"));
    assertEquals(nested, ray.put(nested).get());
  }

  @Test
  void getOfSeveralRefs_returnsTheValuesInOrder() {
    List<Integer> ints = List.of(1, 2, 3, 4, 5);
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i : ints) {
      refs.add(ray.put(i));
    }
    assertEquals(ints, ray.get(refs));
  }

  @Test
  void getOfAListWithTheSameRefTwice_returnsItsValueTwice() {
    ObjectRef<String> ref = ray.put("x");
    assertEquals(List.of("x", "x"), ray.get(List.of(ref, ref)));
  }

  @Test
  void getOfAnEmptyList_returnsAnEmptyList() {
    assertEquals(List.of(), ray.get(List.<ObjectRef<Integer>>of()));
  }

  /** Ray's Python get refuses a None ref with a ValueError; Raylite with an IllegalArgumentException. */
  @Test
  void getOfANullRef_isRefused_andOfANullList_isANullPointerException() {
    assertThrows(IllegalArgumentException.class, () -> ray.get((ObjectRef<Object>) null));
    assertThrows(NullPointerException.class, () -> ray.get((List<ObjectRef<Object>>) null));
    List<ObjectRef<Integer>> withNull = new ArrayList<>();
    withNull.add(ray.put(1));
    withNull.add(null);
    assertThrows(IllegalArgumentException.class, () -> ray.get(withNull));
  }

  @Test
  void twoPutsOfTheSameValue_giveTwoObjects() {
    assertNotEquals(ray.put("same").id(), ray.put("same").id());
  }

  @Test
  void largeArrays_andMaps_comeBackEqual() {
    byte[] bytes = new byte[10 * 1024 * 1024];
    bytes[bytes.length - 1] = 7;
    assertArrayEquals(bytes, ray.put(bytes).get());
    Map<String, List<Integer>> map = Map.of("a", List.of(1, 2), "b", List.of());
    assertEquals(map, ray.put(map).get());
  }

  static int sum(List<ObjectRef<Integer>> refs) {
    int total = 0;
    for (ObjectRef<Integer> ref : refs) {
      total += ref.get();
    }
    return total;
  }

  @Test
  void refsInsideAnArgument_areNotResolved_andTheTaskCanGetThem() {
    List<ObjectRef<Integer>> refs = List.of(ray.put(1), ray.put(2), ray.put(3));
    assertEquals(6, ray.task(RayObjectStoreTest::sum, refs).remote().get());
  }

  static ObjectRef<String> putInTask() {
    return Raylite.context().runtime().put("from a task");
  }

  @Test
  void aRefPutInATask_andReturned_staysReadableByTheDriver() {
    ObjectRef<ObjectRef<String>> outer = ray.task(RayObjectStoreTest::putInTask).remote();
    assertEquals("from a task", ray.get(ray.get(outer)));
  }

  static final class Owner {
    private ObjectRef<Integer> held;

    int set(List<ObjectRef<Integer>> ref) {
      held = ref.getFirst();
      return 0;
    }

    int read() {
      return held.get();
    }
  }

  @Test
  void aRefHeldByAnActor_staysReadableAfterTheDriverDropsIt() {
    ActorHandle<Owner> owner = ray.actor(Owner::new).remote();
    owner.task(Owner::set, List.of(ray.put(42))).remote().get();
    System.gc();
    assertEquals(42, owner.task(Owner::read).remote().get());
  }

  @Test
  void freedObjects_failGetWithObjectLostException() {
    ObjectRef<int[]> ref = ray.put(new int[1000]);
    ray.free(List.of(ref));
    assertThrows(ObjectLostException.class, ref::get);
  }

  @Test
  void freeingAnObjectTwice_isHarmless() {
    ObjectRef<String> ref = ray.put("x");
    ray.free(List.of(ref));
    ray.free(List.of(ref));
    assertThrows(ObjectLostException.class, ref::get);
  }
}
