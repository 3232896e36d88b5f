// Softmax and log-softmax along one axis, numerically stable: each row (the elements that share
// every coordinate but the axis) is first folded into its max m and s = sum(exp(x - m)) with a
// running max that rescales the sum when it grows, then written as exp(x - m) / s or
// x - m - log(s).
// Bindings: 0 uniform Params, 1 x (raw 32-bit words), 2 y (f32, same shape as x).
// Addressing: the kept/reduced group layout of shaders/reduction_layout.wgsl (written by
// src/ops/reduction_layout.ts) with the axis as the only reduced dimension; rows are read and
// written in place along their stride, never transposed.
// Entry points: per_thread (64 invocations, one row each, for short rows) and per_workgroup (one
// workgroup of 64 per row: each invocation folds every 64th element, a 6-round tree in workgroup
// memory combines the partial (m, s), then each invocation writes its elements).
// Specialization: LOG picks log-softmax; IN_INT says the input words hold i32.

override LOG: bool = false;

@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// -Infinity built at run time (WGSL rejects non-finite constants): the max of no elements.
var<private> negative_infinity_bits: u32 = 0xff800000u;

fn load(i: u32) -> f32 {
  let bits = x[i];
  return select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), IN_INT);
}

// The running max m and the sum of exp(x - m) over the elements folded so far.
struct Normalizer {
  max: f32,
  scaled_sum: f32,
}

fn empty_normalizer() -> Normalizer {
  return Normalizer(bitcast<f32>(negative_infinity_bits), 0.0);
}

// Rescales the sum of the smaller max onto the larger; equal maxima add directly so that an
// infinite max does not produce inf - inf. A NaN anywhere in the row makes the whole row NaN, as
// on the CPU (comparisons with a NaN cannot be trusted in WGSL: it is tested from its bits).
fn merge(a: Normalizer, b: Normalizer) -> Normalizer {
  if (is_nan(a.max) || is_nan(b.max)) { return Normalizer(a.max + b.max, a.max + b.max); }
  if (a.max == b.max) { return Normalizer(a.max, a.scaled_sum + b.scaled_sum); }
  if (a.max > b.max) { return Normalizer(a.max, a.scaled_sum + b.scaled_sum * exp(b.max - a.max)); }
  return Normalizer(b.max, b.scaled_sum + a.scaled_sum * exp(a.max - b.max));
}

fn normalized(v: f32, n: Normalizer) -> f32 {
  if (LOG) { return v - n.max - log(n.scaled_sum); }
  return exp(v - n.max) / n.scaled_sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_thread(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (row >= params.out_size) { return; }
  let base = kept_offset(row);
  var n = empty_normalizer();
  for (var r = 0u; r < params.reduced_size; r++) {
    n = merge(n, Normalizer(load(base + reduced_offset(r)), 1.0));
  }
  for (var r = 0u; r < params.reduced_size; r++) {
    let i = base + reduced_offset(r);
    y[i] = normalized(load(i), n);
  }
}

var<workgroup> partials: array<Normalizer, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_workgroup(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = wid.x + wid.y * groups.x;
  if (row >= params.out_size) { return; }
  let base = kept_offset(row);
  var n = empty_normalizer();
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    n = merge(n, Normalizer(load(base + reduced_offset(r)), 1.0));
  }
  partials[lane] = n;
  for (var step = WORKGROUP_SIZE / 2u; step > 0u; step >>= 1u) {
    workgroupBarrier();
    if (lane < step) { partials[lane] = merge(partials[lane], partials[lane + step]); }
  }
  workgroupBarrier();
  let total = partials[0];
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    let i = base + reduced_offset(r);
    y[i] = normalized(load(i), total);
  }
}

// ---- Backward: dx from the output y (read through the prelude's x binding) and dy ----------
// softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy), sums along the row.
// Bindings of these entry points: 1 y, 2 dy, 3 dx (binding 2 is dy here, the output y above).

@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

fn backward_term(i: u32) -> f32 {
  if (LOG) { return dy[i]; }
  return dy[i] * load(i);
}

fn backward_value(i: u32, row_sum: f32) -> f32 {
  let yv = load(i);
  if (LOG) { return dy[i] - exp(yv) * row_sum; }
  return yv * (dy[i] - row_sum);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_per_thread(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (row >= params.out_size) { return; }
  let base = kept_offset(row);
  var row_sum = 0.0;
  for (var r = 0u; r < params.reduced_size; r++) {
    row_sum += backward_term(base + reduced_offset(r));
  }
  for (var r = 0u; r < params.reduced_size; r++) {
    let i = base + reduced_offset(r);
    dx[i] = backward_value(i, row_sum);
  }
}

var<workgroup> partial_sums: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_per_workgroup(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = wid.x + wid.y * groups.x;
  if (row >= params.out_size) { return; }
  let base = kept_offset(row);
  var partial = 0.0;
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    partial += backward_term(base + reduced_offset(r));
  }
  partial_sums[lane] = partial;
  for (var step = WORKGROUP_SIZE / 2u; step > 0u; step >>= 1u) {
    workgroupBarrier();
    if (lane < step) { partial_sums[lane] += partial_sums[lane + step]; }
  }
  workgroupBarrier();
  let row_sum = partial_sums[0];
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    let i = base + reduced_offset(r);
    dx[i] = backward_value(i, row_sum);
  }
}
