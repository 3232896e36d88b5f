// The fused optimizer update as an op: one kernel per algorithm family (shaders/optimizer.wgsl,
// whose header gives the formulas) that reads a variable, its gradient and its slots and returns
// the new variable and the new slots as fresh tensors (several outputs of one runKernel call).
// The CPU reference evaluates the same formulas element by element in float64, rounding what it
// stores to float32. Nothing here reads data back or records gradients.

import type { Tensor } from '../tensor/tensor';
import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { runKernel, type Kernel } from '../ops/kernel';
import { stepDependent } from '../tensor/trace';
import optimizerShader from '../../shaders/optimizer.wgsl?raw';

const WORKGROUP_SIZE = 256;
const MAX_SLOTS = 3;

/** Codes match the `ALGORITHM` constants of shaders/optimizer.wgsl. */
const ALGORITHM_CODES = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3 } as const;

export type UpdateAlgorithm = keyof typeof ALGORITHM_CODES;

/**
 * Everything one update needs besides the tensors. Scalars that depend on the step (the learning
 * rate of a schedule, Adam's bias-corrected step size) are computed on the CPU by the optimizer.
 */
export interface UpdateParams {
  algorithm: UpdateAlgorithm;
  learningRate: number;
  /** 1 - learningRate * weightDecay; 1 without weight decay. */
  decayFactor: number;
  epsilon?: number;
  momentum?: number;
  rho?: number;
  beta1?: number;
  beta2?: number;
  /** Adam: learningRate * sqrt(1 - beta2^t) / (1 - beta1^t). */
  adamStepSize?: number;
  nesterov?: boolean;
  amsgrad?: boolean;
  centered?: boolean;
  /** SGD and RMSprop: whether a momentum slot is kept (momentum > 0). */
  useMomentum?: boolean;
}

/** The kernel's attributes: the parameters plus 1 - beta1, 1 - beta2 and 1 - rho taken in float64. */
interface UpdateAttrs extends Required<UpdateParams> {
  oneMinusRho: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
}

/** One element of the update, mirroring `updated` in shaders/optimizer.wgsl; updates `slots` in place. */
function updateElement(p: UpdateAttrs, variable: number, g: number, slots: number[]): number {
  const lr = p.learningRate;
  let v = variable * p.decayFactor;
  const s = slots;
  switch (p.algorithm) {
    case 'sgd':
      if (p.useMomentum) {
        s[0] = p.momentum * s[0] - lr * g;
        v = p.nesterov ? v + p.momentum * s[0] - lr * g : v + s[0];
      } else {
        v -= lr * g;
      }
      break;
    case 'adam': {
      s[0] += (g - s[0]) * p.oneMinusBeta1;
      s[1] += (g * g - s[1]) * p.oneMinusBeta2;
      let secondMoment = s[1];
      if (p.amsgrad) {
        s[2] = Math.max(s[2], s[1]);
        secondMoment = s[2];
      }
      v -= (s[0] * p.adamStepSize) / (Math.sqrt(secondMoment) + p.epsilon);
      break;
    }
    case 'rmsprop': {
      s[0] = p.rho * s[0] + p.oneMinusRho * g * g;
      let denominator = s[0] + p.epsilon;
      let momentumSlot = 1;
      if (p.centered) {
        s[1] = p.rho * s[1] + p.oneMinusRho * g;
        denominator = s[0] - s[1] * s[1] + p.epsilon;
        momentumSlot = 2;
      }
      const increment = (lr * g) / Math.sqrt(denominator);
      if (p.useMomentum) {
        s[momentumSlot] = p.momentum * s[momentumSlot] + increment;
        v -= s[momentumSlot];
      } else {
        v -= increment;
      }
      break;
    }
    case 'adagrad':
      s[0] += g * g;
      v -= (lr * g) / Math.sqrt(s[0] + p.epsilon);
      break;
  }
  return v;
}

function attrsOf(p: UpdateParams): UpdateAttrs {
  const full: Required<UpdateParams> = {
    epsilon: 0, momentum: 0, rho: 0, beta1: 0, beta2: 0, adamStepSize: 0,
    nesterov: false, amsgrad: false, centered: false, useMomentum: false,
    ...p,
  };
  return { ...full, oneMinusRho: 1 - full.rho, oneMinusBeta1: 1 - full.beta1, oneMinusBeta2: 1 - full.beta2 };
}

const updateKernel: Kernel<UpdateAttrs> = {
  name: 'optimizerUpdate',
  cpu([variable, gradient, ...slots], [newVariable, ...newSlots], params) {
    const state = new Array<number>(MAX_SLOTS).fill(0);
    for (let i = 0; i < newVariable.values.length; i++) {
      slots.forEach((slot, k) => (state[k] = slot.values[i]));
      newVariable.values[i] = updateElement(params, variable.values[i], gradient.values[i], state);
      newSlots.forEach((slot, k) => (slot.values[i] = state[k]));
    }
  },
  webgpu(gpu, [variable, gradient, ...slots], [newVariable, ...newSlots], params) {
    const buffers = [variable.buffer, gradient.buffer, newVariable.buffer];
    slots.forEach((slot, k) => buffers.push(slot.buffer, newSlots[k].buffer));
    const limit = gpu.device.limits.maxStorageBuffersPerShaderStage;
    if (buffers.length > limit) {
      throw new Error(`optimizerUpdate: ${params.algorithm} with ${slots.length} slots needs ${buffers.length} storage buffers per shader stage; this device allows ${limit}.`);
    }
    gpu.dispatch({
      shader: optimizerShader,
      entryPoint: `update_${slots.length}_slots`,
      constants: {
        ALGORITHM: ALGORITHM_CODES[params.algorithm],
        NESTEROV: params.nesterov,
        AMSGRAD: params.amsgrad,
        CENTERED: params.centered,
        USE_MOMENTUM: params.useMomentum,
      },
      uniforms: new Uniforms()
        .u32(newVariable.size)
        .f32(params.learningRate, params.decayFactor, params.epsilon, params.momentum)
        .f32(params.rho, params.oneMinusRho, params.oneMinusBeta1, params.oneMinusBeta2, params.adamStepSize)
        .finish(),
      buffers,
      workgroups: gridFor(newVariable.size, WORKGROUP_SIZE),
    });
  },
};

/**
 * Runs one fused update of `variable` (float32) from `gradient` and `slots` (same shape, in the
 * algorithm's slot order) and returns `[newVariable, ...newSlots]`, all new tensors. `params` may
 * be a function of the optimizer's state, which a replayed training step calls again.
 *
 * @example
 * const [w2, m2] = optimizerUpdate(w, dw, [m], { algorithm: 'sgd', learningRate: 0.1, decayFactor: 1, momentum: 0.9, useMomentum: true });
 */
export function optimizerUpdate(variable: Tensor, gradient: Tensor, slots: readonly Tensor[], params: UpdateParams | (() => UpdateParams)): Tensor[] {
  if (slots.length > MAX_SLOTS) throw new Error(`optimizerUpdate: at most ${MAX_SLOTS} slots are supported, got ${slots.length}.`);
  for (const t of [variable, gradient, ...slots]) {
    if (t.dtype !== 'float32') throw new Error(`optimizerUpdate: expected float32 tensors, got ${t.dtype}.`);
    if (t.shape.length !== variable.shape.length || t.shape.some((d, i) => d !== variable.shape[i])) {
      throw new Error(`optimizerUpdate: a tensor of shape ${formatShape(t.shape)} does not match the variable's shape ${formatShape(variable.shape)}.`);
    }
  }
  const spec = { shape: variable.shape, dtype: 'float32' as const };
  // Parameters given as a function follow the optimizer's state: a replayed step computes them again.
  const attrs = typeof params === 'function' ? stepDependent(() => attrsOf(params())) : attrsOf(params);
  return runKernel(updateKernel, [variable, gradient, ...slots], [spec, ...slots.map(() => spec)], attrs);
}
