package io.raylite.junit;

import io.raylite.Raylite;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link RayliteTest}; register it through the annotation.
 *
 * <p>Per test (the default), {@code beforeEach} builds a runtime and {@code afterEach} checks it for
 * leaks and closes it. With {@link RayliteTest#perClass()}, {@code beforeAll} builds the runtime,
 * {@code afterEach} checks tasks, actors and objects, and {@code afterAll} closes it and checks
 * threads. The runtime lives in the JUnit store of the context that owns it, so a parameter of a
 * test, a {@code @BeforeEach} method or (per class) a {@code @BeforeAll} method or constructor
 * resolves to it through the store's lookup of enclosing contexts.
 *
 * <p>With {@link RayliteTest#schedules()} or {@link RayliteTest#seed()}, {@code beforeEach} builds
 * the first seed's deterministic runtime, and {@code interceptTestMethod} runs the method once per
 * seed: the first time through JUnit's own invocation, then reflectively with each next seed's
 * runtime in place of the {@code Raylite} arguments, checking and closing the previous runtime in
 * between. The seed of the runtime in the store is kept beside it, for failure messages.
 */
public final class RayliteExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver,
    InvocationInterceptor {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RayliteExtension.class);
  private static final String KEY = "runtime";
  /** The seed of the runtime under KEY, for a deterministic test; absent otherwise. */
  private static final String SEED = "seed";

  /** Public for JUnit, which instantiates it; use {@link RayliteTest}. */
  public RayliteExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<RayliteTest> config = annotation(context.getRequiredTestClass());
    if (config.isPresent() && config.get().perClass()) {
      context.getStore(NAMESPACE).put(KEY, TestRuntime.start(config.get()));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (perClass(context)) {
      return;
    }
    RayliteTest config = config(context);
    Schedules schedules = Schedules.of(config, false);
    if (schedules != null) {
      context.getStore(NAMESPACE).put(SEED, schedules.first());
      context.getStore(NAMESPACE).put(KEY, TestRuntime.start(config, schedules.first()));
      return;
    }
    context.getStore(NAMESPACE).put(KEY, TestRuntime.start(config));
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
      ExtensionContext context) throws Throwable {
    RayliteTest config = config(context);
    Schedules schedules = Schedules.of(config, perClass(context));
    if (schedules == null) {
      invocation.proceed();
      return;
    }
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    for (int run = 0; run < schedules.count(); run++) {
      long seed = schedules.seed(run);
      if (run > 0) {
        TestRuntime previous = store.remove(KEY, TestRuntime.class);
        previous.checkAndClose().throwIfAny(context.getDisplayName() + underSeed(seed - 1));
        store.put(SEED, seed);
        store.put(KEY, TestRuntime.start(config, seed));
      }
      try {
        if (run == 0) {
          invocation.proceed();
        } else {
          Raylite ray = store.get(KEY, TestRuntime.class).ray();
          ReflectionSupport.invokeMethod(call.getExecutable(), call.getTarget().orElse(null),
              Schedules.withRuntime(call.getExecutable(), call.getArguments(), ray));
        }
      } catch (Throwable failure) {
        throw schedules.failedUnder(seed, run, failure);
      }
    }
  }

  private static String underSeed(long seed) {
    return " under seed " + seed + " (replay it with @RayliteTest(seed = " + seed + "))";
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perClass(context)) {
      TestRuntime shared = context.getStore(NAMESPACE).get(KEY, TestRuntime.class);
      if (shared != null) {
        shared.leaksOfWork().throwIfAny(context.getDisplayName());
      }
      return;
    }
    TestRuntime runtime = context.getStore(NAMESPACE).remove(KEY, TestRuntime.class);
    Long seed = context.getStore(NAMESPACE).remove(SEED, Long.class);
    if (runtime != null) {
      runtime.checkAndClose().throwIfAny(context.getDisplayName() + (seed == null ? "" : underSeed(seed)));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestRuntime runtime = context.getStore(NAMESPACE).remove(KEY, TestRuntime.class);
    if (runtime != null) {
      runtime.closeAndCheckThreads().throwIfAny(context.getDisplayName());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Raylite.class;
  }

  @Override
  public Raylite resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestRuntime runtime = context.getStore(NAMESPACE).get(KEY, TestRuntime.class);
    if (runtime == null) {
      throw new ParameterResolutionException("no Raylite runtime for " + parameter.getDeclaringExecutable()
          + ": per test, a runtime exists from @BeforeEach to @AfterEach; use @RayliteTest(perClass = true)"
          + " to receive one in a constructor or @BeforeAll method");
    }
    return runtime.ray();
  }

  private static RayliteTest config(ExtensionContext context) {
    return annotation(context.getRequiredTestMethod())
        .or(() -> annotation(context.getRequiredTestClass()))
        .orElseThrow();
  }

  private static boolean perClass(ExtensionContext context) {
    return annotation(context.getRequiredTestClass()).map(RayliteTest::perClass).orElse(false);
  }

  private static Optional<RayliteTest> annotation(AnnotatedElement element) {
    return AnnotationSupport.findAnnotation(element, RayliteTest.class);
  }
}
