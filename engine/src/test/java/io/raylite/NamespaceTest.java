package io.raylite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Namespaces of named actors, as Ray's NamespaceTest and NamedActorTest check them. */
@Timeout(60)
class NamespaceTest {

  static final class Greeter {
    private final String greeting;

    Greeter(String greeting) {
      this.greeting = greeting;
    }

    String hello() {
      return greeting;
    }
  }

  private static Raylite runtime(String namespace) {
    return Raylite.builder().cpus(2).dashboard(false).discoverGpus(false).namespace(namespace).build();
  }

  @Test
  void namespace_isTheOneTheBuilderSet() {
    try (Raylite ray = runtime("colors")) {
      assertEquals("colors", ray.namespace());
    }
  }

  @Test
  void namespace_withoutOne_isAnonymousAndDiffersBetweenRuntimes() {
    try (Raylite a = Raylite.builder().cpus(1).dashboard(false).discoverGpus(false).build();
        Raylite b = Raylite.builder().cpus(1).dashboard(false).discoverGpus(false).build()) {
      assertFalse(a.namespace().isBlank());
      assertNotEquals(a.namespace(), b.namespace());
    }
  }

  @Test
  void builderNamespace_rejectsBlank() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Raylite.builder().namespace(" "));
    assertTrue(e.getMessage().contains("namespace"), e.getMessage());
  }

  @Test
  void actorNamespace_rejectsNull() {
    assertThrows(IllegalArgumentException.class, () -> ActorOptions.builder().namespace(null));
  }

  @Test
  void context_reportsTheRuntimesNamespace() {
    try (Raylite ray = runtime("jobs")) {
      assertEquals("jobs", ray.get(ray.task(() -> Raylite.context().namespace()).remote()));
    }
  }

  @Test
  void getActor_findsANamedActorOfTheRuntimesNamespace() {
    try (Raylite ray = runtime("colors")) {
      ActorHandle<Greeter> orange = ray.actor(Greeter::new, "orange").name("orange").remote();
      ActorHandle<Greeter> found = ray.<Greeter>getActor("orange").orElseThrow();
      assertEquals(orange, found);
      assertEquals("orange", ray.get(found.task(Greeter::hello).remote()));
    }
  }

  @Test
  void getActor_doesNotFindANameOfAnotherNamespace() {
    try (Raylite ray = runtime("fruits")) {
      ActorHandle<Greeter> orange = ray.actor(Greeter::new, "orange").name("orange", "colors").remote();
      assertTrue(ray.getActor("orange").isEmpty());
      assertEquals(orange, ray.getActor("orange", "colors").orElseThrow());
    }
  }

  @Test
  void sameName_inTwoNamespaces_namesTwoActors() {
    try (Raylite ray = runtime("fruits")) {
      ActorHandle<Greeter> fruit = ray.actor(Greeter::new, "fruit").name("orange").remote();
      ActorHandle<Greeter> color = ray.actor(Greeter::new, "color").name("orange").namespace("colors").remote();
      assertNotEquals(fruit, color);
      assertEquals("fruit", ray.get(ray.<Greeter>getActor("orange", "fruits").orElseThrow().task(Greeter::hello).remote()));
      assertEquals("color", ray.get(ray.<Greeter>getActor("orange", "colors").orElseThrow().task(Greeter::hello).remote()));
    }
  }

  @Test
  void sameName_inOneNamespace_failsNamingTheNamespace() {
    try (Raylite ray = runtime("colors")) {
      ActorHandle<Greeter> first = ray.actor(Greeter::new, "a").name("orange").remote();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ray.actor(Greeter::new, "b").name("orange", "colors").remote());
      assertTrue(e.getMessage().contains("'colors'"), e.getMessage());
      ray.kill(first);
    }
  }

  @Test
  void killedActor_freesItsNameInItsNamespace() {
    try (Raylite ray = runtime("colors")) {
      ActorHandle<Greeter> first = ray.actor(Greeter::new, "a").name("orange", "other").remote();
      ray.kill(first);
      ActorHandle<Greeter> second = ray.actor(Greeter::new, "b").name("orange", "other").remote();
      assertEquals("b", ray.get(ray.<Greeter>getActor("orange", "other").orElseThrow().task(Greeter::hello).remote()));
      assertNotEquals(first, second);
    }
  }

  @Test
  void stateApi_showsEachActorsNamespace() {
    try (Raylite ray = runtime("colors")) {
      ActorHandle<Greeter> named = ray.actor(Greeter::new, "a").name("orange", "fruits").remote();
      ActorHandle<Greeter> anonymous = ray.actor(Greeter::new, "b").remote();
      ray.get(named.task(Greeter::hello).remote());
      ray.get(anonymous.task(Greeter::hello).remote());
      for (ActorInfo info : ray.state().actors().rows()) {
        String expected = info.actorId().equals(named.id()) ? "fruits" : "colors";
        assertEquals(expected, info.namespace(), info.toString());
      }
    }
  }
}
