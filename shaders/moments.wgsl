// Mean and population variance over any set of axes in one pass per output: each invocation runs
// Welford's update over its elements and partial states combine with Chan et al.'s parallel
// merge, so the variance never comes from the cancelling E[x^2] - E[x]^2.
// Bindings: 0 uniform Params, 1 x (raw 32-bit words), 2 mean, 3 variance (f32).
// Addressing: the kept/reduced group layout of shaders/reduction_layout.wgsl (written by
// src/ops/reduction_layout.ts); the input is read in place, never transposed.
// Entry points: per_thread (64 invocations, one output each, for short reductions) and
// per_workgroup (one workgroup of 64 per output, each invocation folding every 64th element, then
// a 6-round tree in workgroup memory; few rounds because barriers are costly on SwiftShader).
// Specialization: IN_INT says the input words hold i32.

@group(0) @binding(2) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> variance_out: array<f32>;

// A NaN built at run time (WGSL rejects NaN constants): the moments of an empty reduction.
var<private> nan_bits: u32 = 0x7fc00000u;

// count elements with mean `mean` and sum of squared deviations `m2`.
struct Moments {
  count: f32,
  mean: f32,
  m2: f32,
}

fn element(bits: u32) -> Moments {
  return Moments(1.0, select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), IN_INT), 0.0);
}

// Chan et al.: the moments of the union of two disjoint sets. With b a single element this is
// Welford's update.
fn merge(a: Moments, b: Moments) -> Moments {
  let count = a.count + b.count;
  if (count == 0.0) { return a; }
  let delta = b.mean - a.mean;
  let share_b = b.count / count;
  return Moments(count, a.mean + delta * share_b, a.m2 + b.m2 + delta * delta * a.count * share_b);
}

fn write(o: u32, m: Moments) {
  if (m.count == 0.0) {
    mean_out[o] = bitcast<f32>(nan_bits);
    variance_out[o] = bitcast<f32>(nan_bits);
    return;
  }
  mean_out[o] = m.mean;
  variance_out[o] = m.m2 / m.count;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_thread(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (o >= params.out_size) { return; }
  let base = kept_offset(o);
  var state = Moments(0.0, 0.0, 0.0);
  for (var r = 0u; r < params.reduced_size; r++) {
    state = merge(state, element(x[base + reduced_offset(r)]));
  }
  write(o, state);
}

var<workgroup> partials: array<Moments, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn per_workgroup(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = wid.x + wid.y * groups.x;
  if (o >= params.out_size) { return; }
  let base = kept_offset(o);
  var state = Moments(0.0, 0.0, 0.0);
  for (var r = lane; r < params.reduced_size; r += WORKGROUP_SIZE) {
    state = merge(state, element(x[base + reduced_offset(r)]));
  }
  partials[lane] = state;
  for (var step = WORKGROUP_SIZE / 2u; step > 0u; step >>= 1u) {
    workgroupBarrier();
    if (lane < step) { partials[lane] = merge(partials[lane], partials[lane + step]); }
  }
  if (lane == 0u) { write(o, partials[0]); }
}
