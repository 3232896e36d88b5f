// The count of finite values fit has seen, kept on the device (src/ops/finite_count.ts):
//   out = previous + 1 when value is finite (not NaN or infinite), else previous
// Bindings: 0 value (f32 scalar), 1 previous (i32 scalar), 2 out (i32 scalar).
// Workgroup: a single invocation.

@group(0) @binding(0) var<storage, read> value: array<f32>;
@group(0) @binding(1) var<storage, read> previous: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;

@compute @workgroup_size(1)
fn main() {
  // Exponent bits all set: an infinity or a NaN.
  let finite = (bitcast<u32>(value[0]) & 0x7f800000u) != 0x7f800000u;
  out[0] = previous[0] + select(0, 1, finite);
}
