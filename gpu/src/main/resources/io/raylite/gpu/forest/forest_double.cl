// Random-forest batch inference in double precision: one work-item per row.
//
// A node is 16 bytes, (value bits, feature | left child << 32): the split value of an internal
// node or the output of a leaf, the tested feature (-1 for a leaf), and the index of the left
// child; the right child is left + 1, so both candidates for the next step share a cache line.
//
// The arithmetic is the reference's (FlatForest.predict, Smile's RandomForest.predict): a sum
// that starts at 0, leaf outputs added in tree order, one division by the tree count. Only
// additions and one division happen, so there is nothing to contract into an FMA and the result
// is bit-for-bit the Java one; do not build this with -cl-fast-relaxed-math or -cl-unsafe-math.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

kernel void predict_double(global const ulong2* nodes, global const int* roots, const int nTrees,
                           global const double* rows, const int nRows, const int nFeatures,
                           global double* out) {
  const int r = get_global_id(0);
  // Padding work-items (the global size is rounded up to whole work-groups) walk the last row
  // and write nothing: they must still reach every barrier of their group.
  global const double* x = rows + (size_t) min(r, nRows - 1) * nFeatures;
  double sum = 0.0;
  for (int t = 0; t < nTrees; t++) {
    ulong2 node = nodes[roots[t]];
    int feature = as_int((uint) node.y);
    while (feature >= 0) {
      // x <= split goes left; NaN compares false and goes right, as in Java.
      int next = as_int((uint) (node.y >> 32)) + (x[feature] <= as_double(node.x) ? 0 : 1);
      node = nodes[next];
      feature = as_int((uint) node.y);
    }
    sum += as_double(node.x);
    // The whole work-group finishes a tree before any work-item starts the next, so the group's
    // rows walk the same tree while its nodes are in cache.
    barrier(CLK_LOCAL_MEM_FENCE);  // only the execution order matters, no memory is shared
  }
  if (r < nRows) {
    out[r] = sum / (double) nTrees;
  }
}
