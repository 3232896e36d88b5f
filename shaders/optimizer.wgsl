// Fused optimizer updates (Keras 3 formulas): one invocation reads an element of a variable, its
// gradient and its optimizer slots, and writes the new variable and the new slots, so a training
// step costs one dispatch for up to MAX_MEMBERS variables instead of a chain of element-wise ops.
//   SGD      v -= lr g; with momentum m = momentum m - lr g, v += m (Nesterov: v += momentum m - lr g)
//   Adam     m += (g - m)(1 - beta1), u += (g^2 - u)(1 - beta2), [AMSGrad: h = max(h, u), u := h],
//            v -= step_size m / (sqrt(u) + epsilon), step_size = lr sqrt(1 - beta2^t) / (1 - beta1^t)
//   RMSprop  r = rho r + (1 - rho) g^2, [centered: a = rho a + (1 - rho) g, r := r - a^2],
//            inc = lr g / sqrt(r + epsilon), v -= inc (momentum: p = momentum p + inc, v -= p)
//   Adagrad  s += g^2, v -= lr g / sqrt(s + epsilon)
//   Adamax   m += (g - m)(1 - beta1), u = max(beta2 u, |g|), v -= step_size m / (u + epsilon),
//            step_size = lr / (1 - beta1^t)
//   Nadam    m += (g - m)(1 - beta1), u += (g^2 - u)(1 - beta2),
//            v -= lr (a m + b g) / (sqrt(c u) + epsilon), with the momentum schedule
//            mu_t = beta1 (1 - 0.5 0.96^t) and its running product P_t = mu_1 ... mu_t:
//            a = mu_{t+1} / (1 - P_{t+1}), b = (1 - mu_t) / (1 - P_t), c = 1 / (1 - beta2^t)
//   Adadelta r = rho r + (1 - rho) g^2, d = -sqrt(x + epsilon) g / sqrt(r + epsilon),
//            x = rho x + (1 - rho) d^2, v += lr d
//   Lion     v -= lr sign(beta1 m + (1 - beta1) g), then m = beta2 m + (1 - beta2) g
//   Ftrl     with p = -learning_rate_power: n' = n + g^2,
//            z += g + 2 l2_shrinkage v - (n'^p - n^p) / lr v, q = n'^p / lr + 2 l2 + beta / lr,
//            v = (clamp(z, -l1, l1) - z) / q, n = n'
// 1 - beta1, 1 - beta2 and 1 - rho arrive precomputed in float64: 1 - f32(0.999) is 1.3e-5 off.
// AdamW is Adam with weight decay: every algorithm first scales v by decay_factor = 1 - lr * wd
// (decoupled weight decay, applied before the update as Keras does). The scalars that follow the
// step (the learning rate, decay_factor, the Adam and Adamax step size with its bias corrections,
// Nadam's a, b and c, all computed in float64) come from the CPU in a tensor bound as a second
// uniform block (binding 1), the others in the first, so the dispatch of a replayed training
// step stays the same from step to step.
// This file holds the formulas; src/optimizers/update_kernel.ts generates the bindings and `main`
// for a group of variables ("members") with the same slots. Member m binds, from 2 + m (3 + 2 S)
// for S slots: variable, gradient, new variable, then a pair (slot k, new slot k) for each slot, in
// the optimizer's slot order: SGD [momentum], Adam [momentum, velocity, velocity_hat], RMSprop
// [velocity, average_gradient when CENTERED, momentum when USE_MOMENTUM], Adagrad [accumulator],
// Adamax [momentum, norm], Nadam [momentum, velocity], Adadelta [accumulated_grad,
// accumulated_delta_var], Lion [momentum], Ftrl [accumulator, linear].
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
const ADAMAX: u32 = 4u;
const NADAM: u32 = 5u;
const ADADELTA: u32 = 6u;
const LION: u32 = 7u;
const FTRL: u32 = 8u;

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
  beta1: f32,
  beta2: f32,
  // Ftrl: minus learning_rate_power, and the regularization strengths.
  ftrl_power: f32,
  l1: f32,
  l2: f32,
  l2_shrinkage: f32,
  ftrl_beta: f32,
  // Per member (index m at [m / 4][m % 4]): its first workgroup, its workgroups, its elements.
  first_group: array<vec4<u32>, MAX_MEMBERS / 4u>,
  group_count: array<vec4<u32>, MAX_MEMBERS / 4u>,
  size: array<vec4<u32>, MAX_MEMBERS / 4u>,
}

@group(0) @binding(0) var<uniform> params: Params;
struct StepScalars {
  learning_rate: f32,
  decay_factor: f32,
  // Adam and Adamax: the learning rate with the bias corrections.
  step_size: f32,
  // Nadam: the weights of the momentum and of the gradient, and the velocity's bias correction.
  nadam_momentum_scale: f32,
  nadam_gradient_scale: f32,
  nadam_velocity_scale: f32,
  _pad0: f32,
  _pad1: f32,
}

@group(0) @binding(1) var<uniform> step_scalars: StepScalars;

struct Update {
  variable: f32,
  slots: array<f32, MAX_SLOTS>,
}

// x^ftrl_power for an accumulator x >= 0, as Keras's power gives it: WGSL's pow (exp2(y log2 x))
// is undefined at x = 0, where the result is 0, or 1 for a power of 0.
fn accumulator_power(x: f32) -> f32 {
  if (x <= 0.0) {
    return select(0.0, 1.0, params.ftrl_power == 0.0);
  }
  return pow(x, params.ftrl_power);
}

// The new variable and slots of one element from its variable, gradient and slots.
fn updated(variable: f32, g: f32, slots_in: array<f32, MAX_SLOTS>) -> Update {
  let lr = step_scalars.learning_rate;
  var v = variable * step_scalars.decay_factor;
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
      v = v - s[0] * step_scalars.step_size / (sqrt(second_moment) + params.epsilon);
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
    case ADAMAX: {
      s[0] = s[0] + (g - s[0]) * params.one_minus_beta1;
      s[1] = max(params.beta2 * s[1], abs(g));
      v = v - s[0] * step_scalars.step_size / (s[1] + params.epsilon);
    }
    case NADAM: {
      s[0] = s[0] + (g - s[0]) * params.one_minus_beta1;
      s[1] = s[1] + (g * g - s[1]) * params.one_minus_beta2;
      let momentum_estimate = step_scalars.nadam_momentum_scale * s[0] + step_scalars.nadam_gradient_scale * g;
      v = v - lr * momentum_estimate / (sqrt(s[1] * step_scalars.nadam_velocity_scale) + params.epsilon);
    }
    case ADADELTA: {
      s[0] = params.rho * s[0] + params.one_minus_rho * g * g;
      let delta = -sqrt(s[1] + params.epsilon) * g / sqrt(s[0] + params.epsilon);
      s[1] = params.rho * s[1] + params.one_minus_rho * delta * delta;
      v = v + lr * delta;
    }
    case LION: {
      v = v - lr * sign(params.beta1 * s[0] + params.one_minus_beta1 * g);
      s[0] = params.beta2 * s[0] + params.one_minus_beta2 * g;
    }
    case FTRL: {
      let new_accumulator = s[0] + g * g;
      let new_power = accumulator_power(new_accumulator);
      s[1] = s[1] + g + 2.0 * params.l2_shrinkage * v - (new_power - accumulator_power(s[0])) / lr * v;
      let quadratic = new_power / lr + 2.0 * params.l2 + params.ftrl_beta / lr;
      v = (clamp(s[1], -params.l1, params.l1) - s[1]) / quadratic;
      s[0] = new_accumulator;
    }
    default: {}
  }
  return Update(v, s);
}
