// Fused categorical cross-entropy over the last axis, per row of C classes, as Keras computes it:
//   from logits x:       loss = -sum_j y_j ls_j, ls_j = (x_j - max x) - log(sum_k exp(x_k - max x))
//   from probabilities p: loss = -sum_j y_j log(q_j), q_j = clip(p_j / s, lo, hi), s = sum_k p_k
// or (GRADIENT) the derivative of g * loss with respect to the predictions, g the row's upstream
// gradient:
//   from logits:         d_j = g (exp(ls_j) sum_k y_k - y_j)
//   from probabilities:  u_j = -g y_j / q_j where lo <= p_j / s <= hi, else 0 (the clip's zero
//                        gradient), then d_j = u_j / s - (sum_k u_k p_k) / s² (the normalization's).
// Labels y are a row of C values (one-hot or soft), or with SPARSE one class index a row
// (y_j = 1 for j equal to it, 0 elsewhere). An index outside [0, C) makes the row's loss (or
// derivatives) NaN, as TensorFlow on a GPU: a silent 0 would look like a perfect fit, and a NaN
// loss is reported by fit.
// Bindings: 0 uniform Params, 1 labels (32-bit words: f32, or i32 with LABELS_INT), 2 predictions
// (f32, [rows, C]), 3 upstream (f32, [rows]; read only with GRADIENT, any buffer otherwise),
// 4 out (f32: [rows] losses, or [rows, C] derivatives with GRADIENT).
// Workgroup: 64 invocations along x, one row each: rows are short (C classes) and walking a row
// in one invocation needs no barrier. The grid is 2-D so that more than 65535 workgroups fit.
// Specialization: FROM_LOGITS, SPARSE, LABELS_INT, GRADIENT.

override FROM_LOGITS: bool = false;
override SPARSE: bool = false;
override LABELS_INT: bool = false;
override GRADIENT: bool = false;

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  rows: u32,
  classes: u32,
  // The probability clip [lo, hi] (Keras's epsilon and 1 - epsilon, as f32).
  lo: f32,
  hi: f32,
}

// -inf and NaN as bits in private variables: a constant expression may produce neither.
var<private> negative_infinity_bits: u32 = 0xff800000u;
var<private> nan_bits: u32 = 0x7fc00000u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> predictions: array<f32>;
@group(0) @binding(3) var<storage, read> upstream: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn label_word(at: u32) -> f32 {
  let bits = labels[at];
  return select(bitcast<f32>(bits), f32(bitcast<i32>(bits)), LABELS_INT);
}

// The class index of a row's sparse label; float labels are rounded (half to even) first.
fn class_of(row: u32) -> i32 {
  let bits = labels[row];
  if (LABELS_INT) { return bitcast<i32>(bits); }
  return i32(round(bitcast<f32>(bits)));
}

// y_j of the row whose labels start at `base` (dense) or whose class is `hot_class` (sparse).
fn label(base: u32, hot_class: i32, j: u32) -> f32 {
  if (SPARSE) { return select(0.0, 1.0, i32(j) == hot_class); }
  return label_word(base + j);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (row >= params.rows) { return; }
  let c = params.classes;
  let base = row * c;
  var hot_class = -1;
  if (SPARSE) {
    hot_class = class_of(row);
    if (hot_class < 0 || hot_class >= i32(c)) {
      let nan = bitcast<f32>(nan_bits);
      if (GRADIENT) {
        for (var j = 0u; j < c; j++) { out[base + j] = nan; }
      } else {
        out[row] = nan;
      }
      return;
    }
  }

  if (FROM_LOGITS) {
    var m = bitcast<f32>(negative_infinity_bits);
    for (var j = 0u; j < c; j++) { m = max(m, predictions[base + j]); }
    var s = 0.0;
    for (var j = 0u; j < c; j++) { s += exp(predictions[base + j] - m); }
    let log_s = log(s);
    if (!GRADIENT) {
      var acc = 0.0;
      for (var j = 0u; j < c; j++) { acc += label(base, hot_class, j) * ((predictions[base + j] - m) - log_s); }
      out[row] = -acc;
      return;
    }
    let g = upstream[row];
    var label_sum = 0.0;
    for (var j = 0u; j < c; j++) { label_sum += label(base, hot_class, j); }
    for (var j = 0u; j < c; j++) {
      let ls = (predictions[base + j] - m) - log_s;
      out[base + j] = g * (exp(ls) * label_sum - label(base, hot_class, j));
    }
    return;
  }

  var s = 0.0;
  for (var j = 0u; j < c; j++) { s += predictions[base + j]; }
  if (!GRADIENT) {
    var acc = 0.0;
    for (var j = 0u; j < c; j++) {
      acc += label(base, hot_class, j) * log(min(max(predictions[base + j] / s, params.lo), params.hi));
    }
    out[row] = -acc;
    return;
  }
  let g = upstream[row];
  // Two passes: sum_k u_k p_k first, then each derivative (u_j recomputed rather than stored).
  var weighted = 0.0;
  for (var j = 0u; j < c; j++) {
    let p = predictions[base + j];
    weighted += clipped_grad(base, hot_class, j, p / s, g) * p;
  }
  for (var j = 0u; j < c; j++) {
    out[base + j] = clipped_grad(base, hot_class, j, predictions[base + j] / s, g) / s - weighted / (s * s);
  }
}

// u_j: the derivative of -g y_j log(clip(r)) with respect to r = p_j / s (0 outside the clip).
fn clipped_grad(base: u32, hot_class: i32, j: u32, r: f32, g: f32) -> f32 {
  if (!(r >= params.lo && r <= params.hi)) { return 0.0; }
  return -g * label(base, hot_class, j) / min(max(r, params.lo), params.hi);
}
