// Binary search of values in a sorted 1-D sequence, the kernel of keras.ops.searchsorted:
//   out[i] = the number of elements of `sorted` that precede values[i]
// in NumPy's sort order (NaN after every number): with RIGHT an element equal to the value
// precedes it too (side 'right', the last insertion point), without it does not (side 'left').
// For an ascending sequence that count is found by bisection, O(log n) reads per value.
// Bindings: 0 uniform Params, 1 sorted (raw 32-bit words), 2 values (raw 32-bit words, the
// sequence's dtype), 3 out (i32).
// Workgroup: 64 invocations, one value each; the grid is 2-D so that more than 65535 workgroups
// fit (the flat index folds y into x).
// NaN is recognized from its bits: a compiler may fold v != v to false.
// Specialization: IS_INT compares the words as i32 (no NaN) instead of f32; RIGHT picks the side.

override IS_INT: bool = false;
override RIGHT: bool = false;

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  length: u32,
  count: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> sorted: array<u32>;
@group(0) @binding(2) var<storage, read> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<i32>;

fn is_nan(bits: u32) -> bool {
  return !IS_INT && (bits & 0x7fffffffu) > 0x7f800000u;
}

fn less_than(a: u32, b: u32) -> bool {
  if (IS_INT) { return bitcast<i32>(a) < bitcast<i32>(b); }
  return bitcast<f32>(a) < bitcast<f32>(b);
}

// Whether element `a` of the sequence goes before value `v`.
fn precedes(a: u32, v: u32) -> bool {
  let a_nan = is_nan(a);
  let v_nan = is_nan(v);
  if (RIGHT) { return v_nan || (!a_nan && !less_than(v, a)); }
  return !a_nan && (v_nan || less_than(a, v));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.count) { return; }
  let v = values[i];
  var low = 0u;
  var high = params.length;
  while (low < high) {
    let middle = (low + high) / 2u;
    if (precedes(sorted[middle], v)) { low = middle + 1u; } else { high = middle; }
  }
  out[i] = i32(low);
}
