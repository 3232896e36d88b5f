// Sorting by rank counting: sort, argsort and topK (entry point sort_rows), the sort gradient's
// source-to-destination map (destinations) and tf.math.in_top_k (in_top_k).
// The input is viewed as [outer, n, inner] with rows of n elements along the sorted axis.
// The rank of element j of a row is the number of elements that come before it:
//   ascending:  rank(j) = #{ i : key(i) < key(j) } + #{ i < j : key(i) == key(j) }
//   descending: rank(j) = #{ i : key(i) > key(j) } + #{ i < j : key(i) == key(j) }
// so the ranks of a row are a permutation of 0..n-1 and equal keys keep their index order (a
// stable sort). Element j then goes to output position rank(j) when rank(j) < k (k = n for sort).
// Keys: floats map to u32 so that unsigned order is numeric order: -0 becomes +0 (they tie, as in
// NumPy), every NaN becomes the largest key (NumPy sorts NaN last; topK puts NaN first). Floats
// are compared as bits because WGSL lets a compiler assume there is no NaN in float comparisons.
// Bindings: 0 uniform Params.
//   sort_rows:    1 x (raw 32-bit words), 2 values (raw words, [outer, k, inner]), 3 indices (i32).
//   destinations: 1 x, 2 destination (i32, shape of x): the flat output position of each element,
//                 or out_size (past the end) when rank >= k.
//   in_top_k:     1 predictions ([rows, n] words), 2 targets (i32, [rows]), 3 result (i32 0/1).
// Workgroup: 64 invocations; sort_rows and destinations run one invocation per element, each
// comparing its element with its whole row: O(n^2) work per row but fully parallel, no workgroup
// memory and no barriers (costly on SwiftShader), and no per-invocation sort of a whole row. Rows
// are short in practice (classes, a sequence: a few thousand at most). An element stops counting
// once its rank reaches k, so topK with a small k costs about O(n * k) per row.
// Measured on SwiftShader (Dawn, 2 cores) against one invocation per row running an insertion
// sort: within a factor 1.6 where rows are many (sort of [64,100]: 10 ms against 6 ms;
// [32,1000]: 0.23 s against 0.24 s; [256,1000]: 3.1 s against 2.5 s), twice as fast for few long
// rows ([4,4096]: 1.0 s against 1.9 s) where one invocation per row leaves cores idle; topK(5) of
// [256,1000] takes 0.3 s. On a hardware GPU, thousands of invocations per row rather
// than one fill the device. in_top_k runs one invocation per row, O(n).
// The grid is 2-D so that more than 65535 workgroups fit.
// Specialization: IS_INT (the words hold i32), DESCENDING (topK's order).

override IS_INT: bool = false;
override DESCENDING: bool = false;

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Elements of x (sort_rows, destinations) or rows (in_top_k).
  size: u32,
  // Row length along the sorted axis, or classes.
  n: u32,
  // Product of the dimensions after the sorted axis.
  inner: u32,
  // Outputs kept per row (sort: n), or in_top_k's k.
  k: u32,
  // Elements of the values output, outer * k * inner.
  out_size: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> destination: array<i32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read_write> result: array<i32>;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

fn is_nan_bits(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

// A u32 whose unsigned order is the sort order of the value the word holds.
fn sort_key(bits: u32) -> u32 {
  if (IS_INT) { return bits ^ 0x80000000u; }
  if (is_nan_bits(bits)) { return 0xffffffffu; }
  let canonical = select(bits, 0u, bits == 0x80000000u);
  return select(canonical | 0x80000000u, ~canonical, (canonical & 0x80000000u) != 0u);
}

struct Placement {
  // Where element j lands among the outputs of its row.
  rank: u32,
  // Offset of the row's first element in x and its index along the sorted axis.
  base: u32,
  j: u32,
  outer: u32,
  inner_index: u32,
}

fn place(i: u32) -> Placement {
  let inner_index = i % params.inner;
  let rest = i / params.inner;
  let j = rest % params.n;
  let outer = rest / params.n;
  let base = outer * params.n * params.inner + inner_index;
  let own = sort_key(x[i]);
  var rank = 0u;
  for (var other = 0u; other < params.n; other++) {
    let key = sort_key(x[base + other * params.inner]);
    let strictly_before = select((key < own), (key > own), DESCENDING);
    if (strictly_before || (key == own && other < j)) {
      rank++;
      // Not kept (topK): the exact rank no longer matters.
      if (rank >= params.k) { break; }
    }
  }
  return Placement(rank, base, j, outer, inner_index);
}

fn output_position(p: Placement) -> u32 {
  return (p.outer * params.k + p.rank) * params.inner + p.inner_index;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn sort_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let p = place(i);
  if (p.rank >= params.k) { return; }
  let at = output_position(p);
  values[at] = x[i];
  indices[at] = i32(p.j);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn destinations(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.size) { return; }
  let p = place(i);
  destination[i] = i32(select(params.out_size, output_position(p), p.rank < params.k));
}

fn is_finite_bits(bits: u32) -> bool {
  return IS_INT || (bits & 0x7f800000u) != 0x7f800000u;
}

// a > b for the values two words hold (finite when floats).
fn greater_than(a: u32, b: u32) -> bool {
  if (IS_INT) { return bitcast<i32>(a) > bitcast<i32>(b); }
  return bitcast<f32>(a) > bitcast<f32>(b);
}

// tf.math.in_top_k: true when the target is a class of the row, every prediction of the row is
// finite, and fewer than k predictions are strictly greater than the target's.
@compute @workgroup_size(WORKGROUP_SIZE)
fn in_top_k(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = flat_index(gid, groups);
  if (row >= params.size) { return; }
  let target_class = targets[row];
  if (target_class < 0 || u32(target_class) >= params.n) {
    result[row] = 0;
    return;
  }
  let base = row * params.n;
  let target_word = x[base + u32(target_class)];
  var greater = 0u;
  for (var c = 0u; c < params.n; c++) {
    let word = x[base + c];
    if (!is_finite_bits(word)) {
      result[row] = 0;
      return;
    }
    if (greater_than(word, target_word)) { greater++; }
  }
  result[row] = select(0, 1, greater < params.k);
}
