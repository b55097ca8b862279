package io.raylite.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raylite.ObjectRef;
import io.raylite.Raylite;
import io.raylite.spi.AllowlistCodec;
import java.io.InvalidClassException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec's allowlist, and serializeArguments(true) in one JVM. */
class SerializationTest {

  @Test
  void decode_refusesAClassOutsideTheAllowlist_namingIt() throws Exception {
    AllowlistCodec writer = new AllowlistCodec(getClass().getClassLoader());
    AllowlistCodec strict = new AllowlistCodec("java.lang.*", getClass().getClassLoader());
    byte[] bytes = writer.encode(new ArrayList<>(List.of(1, 2)));
    InvalidClassException e = assertThrows(InvalidClassException.class, () -> strict.decode(bytes));
    assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
  }

  @Test
  void decode_readsAJavaSeExceptionOutsideTheAllowlistedPackages() throws Exception {
    AllowlistCodec codec = new AllowlistCodec(getClass().getClassLoader());  // java.io is not on it
    byte[] bytes = codec.encode(new java.io.UncheckedIOException(new java.io.IOException("connection reset")));
    Object decoded = codec.decode(bytes);
    java.io.UncheckedIOException e = assertInstanceOf(java.io.UncheckedIOException.class, decoded);
    assertEquals("connection reset", e.getCause().getMessage());
  }

  @Test
  void decode_refusesAJavaxExceptionOfAJavaModule_aKnownGadgetEntry() throws Exception {
    AllowlistCodec codec = new AllowlistCodec(getClass().getClassLoader());
    byte[] bytes = codec.encode(new javax.management.BadAttributeValueExpException("x"));
    assertThrows(InvalidClassException.class, () -> codec.decode(bytes));
  }

  @Test
  void primitiveArray_roundTripsThroughTheCodec() throws Exception {
    AllowlistCodec codec = new AllowlistCodec(getClass().getClassLoader());
    double[] values = {1.5, -2, 3e300};
    assertEquals(List.of(1.5, -2.0, 3e300),
        java.util.Arrays.stream((double[]) codec.decode(codec.encode(values))).boxed().toList());
  }

  @Test
  void serializeArguments_refusesANonSerializableArgumentAtSubmission() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).serializeArguments(true).build()) {
      Thread unsendable = Thread.currentThread();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.task((Thread t) -> { return t.getName(); }, unsendable).remote());
      assertTrue(e.getMessage().contains("argument 0") && e.getMessage().contains("java.lang.Thread"), e.getMessage());
    }
  }

  @Test
  void serializeArguments_givesTasksCopiesOfTheirArguments() {
    try (Raylite ray = Raylite.builder().cpus(1).discoverGpus(false).serializeArguments(true).build()) {
      int[] original = {1, 2, 3};
      ObjectRef<Boolean> same = ray.task((int[] a) -> { return a == original; }, original).remote();
      assertEquals(false, ray.get(same));
    }
  }
}
