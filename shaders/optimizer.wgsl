// Fused optimizer updates (Keras 3 formulas): one invocation reads an element of the variable, its
// gradient and its optimizer slots, and writes the new variable and the new slots, so a training
// step costs one dispatch per variable instead of a chain of element-wise ops.
//   SGD      v -= lr g; with momentum m = momentum m - lr g, v += m (Nesterov: v += momentum m - lr g)
//   Adam     m += (g - m)(1 - beta1), u += (g^2 - u)(1 - beta2), [AMSGrad: h = max(h, u), u := h],
//            v -= step_size m / (sqrt(u) + epsilon), step_size = lr sqrt(1 - beta2^t) / (1 - beta1^t)
//   RMSprop  r = rho r + (1 - rho) g^2, [centered: a = rho a + (1 - rho) g, r := r - a^2],
//            inc = lr g / sqrt(r + epsilon), v -= inc (momentum: p = momentum p + inc, v -= p)
//   Adagrad  s += g^2, v -= lr g / sqrt(s + epsilon)
// 1 - beta1, 1 - beta2 and 1 - rho arrive precomputed in float64: 1 - f32(0.999) is 1.3e-5 off.
// AdamW is Adam with weight decay: every algorithm first scales v by decay_factor = 1 - lr * wd
// (decoupled weight decay, applied before the update as Keras does). Step-dependent scalars (the
// Adam step size with its bias corrections, the learning rate of a schedule) come from the CPU.
// Bindings: 0 uniform Params, 1 variable, 2 gradient, 3 new variable, then for each slot k a pair
// (slot k, new slot k) at 4 + 2k, 5 + 2k. Entry point `update_N_slots` binds N slots (0 to 3), so
// each one uses exactly the bindings it is given; slot order is the optimizer's:
// SGD [momentum], Adam [momentum, velocity, velocity_hat], RMSprop [velocity, average_gradient
// when CENTERED, momentum when USE_MOMENTUM], Adagrad [accumulator].
// Workgroup: 256 invocations along x, one element each; the 2-D grid folds y into x for large sizes.

override ALGORITHM: u32;
override NESTEROV: bool = false;
override AMSGRAD: bool = false;
override CENTERED: bool = false;
// SGD and RMSprop keep a momentum slot only when their momentum is above 0.
override USE_MOMENTUM: bool = false;

const SGD: u32 = 0u;
const ADAM: u32 = 1u;
const RMSPROP: u32 = 2u;
const ADAGRAD: u32 = 3u;

const WORKGROUP_SIZE: u32 = 256u;
const MAX_SLOTS: u32 = 3u;

struct Params {
  size: u32,
  learning_rate: f32,
  decay_factor: f32,
  epsilon: f32,
  momentum: f32,
  rho: f32,
  one_minus_rho: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  adam_step_size: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> variable_in: array<f32>;
@group(0) @binding(2) var<storage, read> gradient: array<f32>;
@group(0) @binding(3) var<storage, read_write> variable_out: array<f32>;
@group(0) @binding(4) var<storage, read> slot0_in: array<f32>;
@group(0) @binding(5) var<storage, read_write> slot0_out: array<f32>;
@group(0) @binding(6) var<storage, read> slot1_in: array<f32>;
@group(0) @binding(7) var<storage, read_write> slot1_out: array<f32>;
@group(0) @binding(8) var<storage, read> slot2_in: array<f32>;
@group(0) @binding(9) var<storage, read_write> slot2_out: array<f32>;

struct Update {
  variable: f32,
  slots: array<f32, MAX_SLOTS>,
}

// Only the always-bound buffers are read here, so each entry point touches just its own slots.
fn updated(i: u32, slots_in: array<f32, MAX_SLOTS>) -> Update {
  let g = gradient[i];
  let lr = params.learning_rate;
  var v = variable_in[i] * params.decay_factor;
  var s = slots_in;
  switch ALGORITHM {
    case SGD: {
      if (USE_MOMENTUM) {
        s[0] = params.momentum * s[0] - lr * g;
        v = select(v + s[0], v + params.momentum * s[0] - lr * g, NESTEROV);
      } else {
        v = v - lr * g;
      }
    }
    case ADAM: {
      s[0] = s[0] + (g - s[0]) * params.one_minus_beta1;
      s[1] = s[1] + (g * g - s[1]) * params.one_minus_beta2;
      var second_moment = s[1];
      if (AMSGRAD) {
        s[2] = max(s[2], s[1]);
        second_moment = s[2];
      }
      v = v - s[0] * params.adam_step_size / (sqrt(second_moment) + params.epsilon);
    }
    case RMSPROP: {
      s[0] = params.rho * s[0] + params.one_minus_rho * g * g;
      var denominator = s[0] + params.epsilon;
      var momentum_slot = 1u;
      if (CENTERED) {
        s[1] = params.rho * s[1] + params.one_minus_rho * g;
        denominator = s[0] - s[1] * s[1] + params.epsilon;
        momentum_slot = 2u;
      }
      let increment = lr * g / sqrt(denominator);
      if (USE_MOMENTUM) {
        s[momentum_slot] = params.momentum * s[momentum_slot] + increment;
        v = v - s[momentum_slot];
      } else {
        v = v - increment;
      }
    }
    case ADAGRAD: {
      s[0] = s[0] + g * g;
      v = v - lr * g / sqrt(s[0] + params.epsilon);
    }
    default: {}
  }
  return Update(v, s);
}

fn element_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn update_0_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element_index(gid, groups);
  if (i >= params.size) { return; }
  let u = updated(i, array<f32, MAX_SLOTS>(0.0, 0.0, 0.0));
  variable_out[i] = u.variable;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn update_1_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element_index(gid, groups);
  if (i >= params.size) { return; }
  let u = updated(i, array<f32, MAX_SLOTS>(slot0_in[i], 0.0, 0.0));
  variable_out[i] = u.variable;
  slot0_out[i] = u.slots[0];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn update_2_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element_index(gid, groups);
  if (i >= params.size) { return; }
  let u = updated(i, array<f32, MAX_SLOTS>(slot0_in[i], slot1_in[i], 0.0));
  variable_out[i] = u.variable;
  slot0_out[i] = u.slots[0];
  slot1_out[i] = u.slots[1];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn update_3_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element_index(gid, groups);
  if (i >= params.size) { return; }
  let u = updated(i, array<f32, MAX_SLOTS>(slot0_in[i], slot1_in[i], slot2_in[i]));
  variable_out[i] = u.variable;
  slot0_out[i] = u.slots[0];
  slot1_out[i] = u.slots[1];
  slot2_out[i] = u.slots[2];
}
