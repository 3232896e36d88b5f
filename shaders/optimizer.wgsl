// Fused optimizer updates (Keras 3 formulas): one invocation reads an element of a variable, its
// gradient and its optimizer slots, and writes the new variable and the new slots, so a training
// step costs one dispatch for up to MAX_MEMBERS variables instead of a chain of element-wise ops.
//   SGD      v -= lr g; with momentum m = momentum m - lr g, v += m (Nesterov: v += momentum m - lr g)
//   Adam     m += (g - m)(1 - beta1), u += (g^2 - u)(1 - beta2), [AMSGrad: h = max(h, u), u := h],
//            v -= step_size m / (sqrt(u) + epsilon), step_size = lr sqrt(1 - beta2^t) / (1 - beta1^t)
//   RMSprop  r = rho r + (1 - rho) g^2, [centered: a = rho a + (1 - rho) g, r := r - a^2],
//            inc = lr g / sqrt(r + epsilon), v -= inc (momentum: p = momentum p + inc, v -= p)
//   Adagrad  s += g^2, v -= lr g / sqrt(s + epsilon)
// 1 - beta1, 1 - beta2 and 1 - rho arrive precomputed in float64: 1 - f32(0.999) is 1.3e-5 off.
// AdamW is Adam with weight decay: every algorithm first scales v by decay_factor = 1 - lr * wd
// (decoupled weight decay, applied before the update as Keras does). The scalars that follow the
// step (the learning rate, decay_factor, and the Adam step size with its bias corrections) come
// from the CPU in a tensor bound as a second uniform block (binding 1), the others in the first,
// so the dispatch of a replayed training step stays the same from step to step.
// This file holds the formulas; src/optimizers/update_kernel.ts generates the bindings and `main`
// for a group of variables ("members") with the same slots. Member m binds, from 2 + m (3 + 2 S)
// for S slots: variable, gradient, new variable, then a pair (slot k, new slot k) for each slot, in
// the optimizer's slot order: SGD [momentum], Adam [momentum, velocity, velocity_hat], RMSprop
// [velocity, average_gradient when CENTERED, momentum when USE_MOMENTUM], Adagrad [accumulator].
// Workgroup: WORKGROUP_SIZE invocations; member m owns params.group_count[m] workgroups from
// params.first_group[m], so the member is the same across a workgroup, and each invocation walks
// the member's elements with the stride of those workgroups (one element each on a GPU; on
// SwiftShader, where an invocation's start-up costs as much as a few elements, about 8). The grid
// is 2-D for large sizes (flat workgroup index x + y * groups.x).

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
const MAX_MEMBERS: u32 = 8u;

struct Params {
  epsilon: f32,
  momentum: f32,
  rho: f32,
  one_minus_rho: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  _pad0: u32,
  _pad1: u32,
  // Per member (index m at [m / 4][m % 4]): its first workgroup, its workgroups, its elements.
  first_group: array<vec4<u32>, MAX_MEMBERS / 4u>,
  group_count: array<vec4<u32>, MAX_MEMBERS / 4u>,
  size: array<vec4<u32>, MAX_MEMBERS / 4u>,
}

@group(0) @binding(0) var<uniform> params: Params;
// x: the learning rate, y: decay_factor, z: the Adam step size.
@group(0) @binding(1) var<uniform> step_scalars: vec4<f32>;

struct Update {
  variable: f32,
  slots: array<f32, MAX_SLOTS>,
}

// The new variable and slots of one element from its variable, gradient and slots.
fn updated(variable: f32, g: f32, slots_in: array<f32, MAX_SLOTS>) -> Update {
  let lr = step_scalars.x;
  var v = variable * step_scalars.y;
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
      v = v - s[0] * step_scalars.z / (sqrt(second_moment) + params.epsilon);
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
