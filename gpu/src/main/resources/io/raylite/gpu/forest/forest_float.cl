// Random-forest batch inference in single precision, for devices without fast doubles: one
// work-item per row. A node is (split or leaf value as float bits, feature, left child, unused).
//
// Split values were rounded toward -infinity on the host, so for a float feature value x,
// x <= split_float exactly when x <= split_double: the walk takes the same path as the double
// one. Only the leaf sum differs, by the error bound ForestInference.singlePrecisionErrorBound.

kernel void predict_float(global const int4* nodes, global const int* roots, const int nTrees,
                          global const float* rows, const int nRows, const int nFeatures,
                          global float* out) {
  const int r = get_global_id(0);
  // Padding work-items walk the last row and write nothing; they must reach every barrier.
  global const float* x = rows + (size_t) min(r, nRows - 1) * nFeatures;
  float sum = 0.0f;
  for (int t = 0; t < nTrees; t++) {
    int4 node = nodes[roots[t]];
    while (node.y >= 0) {
      node = nodes[node.z + (x[node.y] <= as_float(node.x) ? 0 : 1)];
    }
    sum += as_float(node.x);
    // The work-group walks one tree at a time, while that tree's nodes are in cache.
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (r < nRows) {
    out[r] = sum / (float) nTrees;
  }
}
