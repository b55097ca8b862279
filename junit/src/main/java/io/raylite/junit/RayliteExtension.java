package io.raylite.junit;

import io.raylite.Raylite;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link RayliteTest}; register it through the annotation.
 *
 * <p>Per test (the default), {@code beforeEach} builds a runtime and {@code afterEach} checks it for
 * leaks and closes it. With {@link RayliteTest#perClass()}, {@code beforeAll} builds the runtime,
 * {@code afterEach} checks tasks, actors and objects, and {@code afterAll} closes it and checks
 * threads. The runtime lives in the JUnit store of the context that owns it, so a parameter of a
 * test, a {@code @BeforeEach} method or (per class) a {@code @BeforeAll} method or constructor
 * resolves to it through the store's lookup of enclosing contexts.
 */
public final class RayliteExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RayliteExtension.class);
  private static final String KEY = "runtime";

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
    RayliteTest config = annotation(context.getRequiredTestMethod())
        .or(() -> annotation(context.getRequiredTestClass()))
        .orElseThrow();
    context.getStore(NAMESPACE).put(KEY, TestRuntime.start(config));
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
    if (runtime != null) {
      runtime.checkAndClose().throwIfAny(context.getDisplayName());
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

  private static boolean perClass(ExtensionContext context) {
    return annotation(context.getRequiredTestClass()).map(RayliteTest::perClass).orElse(false);
  }

  private static Optional<RayliteTest> annotation(AnnotatedElement element) {
    return AnnotationSupport.findAnnotation(element, RayliteTest.class);
  }
}
