package io.raylite.bench;

/**
 * What one reference task returns: the forest size and its test-set mean squared error, as the
 * Python version's {@code (n_estimators, score)} tuple.
 */
public record ModelScore(int nEstimators, double mse) {}
