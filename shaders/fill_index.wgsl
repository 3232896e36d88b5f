// Index mapping shared by the resampling kernels that src/ops prepends it to (image.wgsl's
// affine_transform, map_coordinates.wgsl): an integer index onto an axis of `size` by the
// FILL_MODE override the kernel declares (codes match FILL_MODES in src/ops/image.ts and
// MAP_FILL_MODES in src/ops/image_geometry.ts, whose fillIndex is the CPU twin): 0 constant
// (-1: outside), 1 nearest (clamped), 2 reflect (d c b a | a b c d | d c b a), 3 wrap
// (a b c d | a b c d), 4 mirror (c d c b | a b c d | c b a b, jax's rule; map_coordinates only).

const FILL_CONSTANT: u32 = 0u;
const FILL_NEAREST: u32 = 1u;
const FILL_REFLECT: u32 = 2u;
const FILL_WRAP: u32 = 3u;
/** Source coordinates are clamped to this magnitude before becoming integers. */
const COORDINATE_LIMIT: f32 = 16777216.0;

/** Floored remainder, for negative indices too. */
fn floor_mod(a: i32, b: i32) -> i32 {
  return ((a % b) + b) % b;
}

/** Maps an integer index onto [0, size) by FILL_MODE; -1 means "outside" (constant mode). */
fn fill_index(index: i32, size: i32) -> i32 {
  switch FILL_MODE {
    case FILL_CONSTANT: {
      return select(index, -1, index < 0 || index >= size);
    }
    case FILL_NEAREST: {
      return clamp(index, 0, size - 1);
    }
    case FILL_REFLECT: {
      let folded = floor_mod(index, 2 * size);
      return select(folded, 2 * size - 1 - folded, folded >= size);
    }
    case FILL_WRAP: {
      return floor_mod(index, size);
    }
    default: {
      // Mirror: the triangular wave of period 2 (size - 1) through 0..size-1.
      if (size == 1) { return 0; }
      let half = size - 1;
      return abs(floor_mod(index + half, 2 * half) - half);
    }
  }
}

fn round_half_away_from_zero(v: f32) -> f32 {
  return sign(v) * floor(abs(v) + 0.5);
}
