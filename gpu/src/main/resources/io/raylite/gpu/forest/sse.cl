// Sum of squared errors, sum((predicted[i] - truth[i])^2), in two stages: sse_partial leaves one
// partial sum per work-group, sum_partial adds those up in a single work-group. REAL is double or
// float, set with -DREAL=... at build time (double needs -DREAL_IS_DOUBLE for the extension).
//
// Each work-item first accumulates a strided slice of the input, then the work-group adds the
// work-items' sums pairwise in local memory. The order is fixed by the sizes alone, so the same
// input on the same device always gives the same bits. The work-group size must be a power of 2.
#ifdef REAL_IS_DOUBLE
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
// e * e + acc must not become one fused multiply-add: keep the rounding of each square.
#pragma OPENCL FP_CONTRACT OFF

static void reduce_group(local REAL* scratch, REAL acc, global REAL* out) {
  const int lid = get_local_id(0);
  scratch[lid] = acc;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
    if (lid < s) {
      scratch[lid] += scratch[lid + s];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) {
    out[get_group_id(0)] = scratch[0];
  }
}

kernel void sse_partial(global const REAL* predicted, global const REAL* truth, const int n,
                        global REAL* partial, local REAL* scratch) {
  REAL acc = 0;
  for (int i = get_global_id(0); i < n; i += get_global_size(0)) {
    REAL e = predicted[i] - truth[i];
    acc += e * e;
  }
  reduce_group(scratch, acc, partial);
}

kernel void sum_partial(global const REAL* in, const int n, global REAL* out,
                        local REAL* scratch) {
  REAL acc = 0;
  for (int i = get_global_id(0); i < n; i += get_global_size(0)) {
    acc += in[i];
  }
  reduce_group(scratch, acc, out);
}
