package io.raylite.function;

import java.io.Serializable;

/**
 * The common type of the {@code RayFuncN} and {@code RayFuncVoidN} families: a function or method
 * that the runtime calls on one of its workers. It is {@link Serializable}, as in Ray's Java API,
 * so that the runtime can read a method reference's class and method name for the task name.
 */
public interface RayFunc extends Serializable {}
