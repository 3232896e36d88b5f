// The running mean of the mean metrics (loss tracker, accuracy, ...) updated in one dispatch:
//   total' = total + batch_total * batch_scale, count' = count + batch_count, mean' = total' / count'
// with mean' = 0 while count' is 0 (as divNoNan), each sum and the quotient rounded to f32 exactly
// as the three element-wise kernels it replaces would. batch_scale is 1 except for a scalar value
// weighted by a number (the loss tracker weighs each batch's loss by its size, as Keras does).
// Bindings: 0 uniform Params, 1 total, 2 count, 3 batch_total, 4 batch_count (f32 scalars; when
// COUNT_IN_UNIFORM the batch count is params.batch_count and binding 4 is a placeholder), then the
// outputs 5 total', 6 count', 7 mean'.
// Workgroup: a single invocation; three scalars are not worth more.

override COUNT_IN_UNIFORM: bool = false;

struct Params {
  batch_count: f32,
  batch_scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> total: array<f32>;
@group(0) @binding(2) var<storage, read> count: array<f32>;
@group(0) @binding(3) var<storage, read> batch_total: array<f32>;
@group(0) @binding(4) var<storage, read> batch_count: array<f32>;
@group(0) @binding(5) var<storage, read_write> new_total: array<f32>;
@group(0) @binding(6) var<storage, read_write> new_count: array<f32>;
@group(0) @binding(7) var<storage, read_write> new_mean: array<f32>;

@compute @workgroup_size(1)
fn main() {
  let t = total[0] + batch_total[0] * params.batch_scale;
  let c = count[0] + select(batch_count[0], params.batch_count, COUNT_IN_UNIFORM);
  new_total[0] = t;
  new_count[0] = c;
  new_mean[0] = select(t / c, 0.0, c == 0.0);
}
