// The fused optimizer update as an op: one kernel per algorithm family (shaders/optimizer.wgsl,
// whose header gives the formulas) that reads variables, their gradients and their slots and
// returns the new variables and the new slots as fresh tensors (several outputs of one runKernel
// call). Variables are updated in groups ("members" of one dispatch), as many as the device's
// storage buffer limit allows, so a model's update is one or a few dispatches rather than one per
// variable. The CPU reference evaluates the same formulas element by element in float64, rounding
// what it stores to float32. Nothing here reads data back or records gradients.

import type { Tensor } from '../tensor/tensor';
import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { activeGpu, getBackend } from '../backend/engine';
import { runKernel, type Kernel } from '../ops/kernel';
import { fromTypedArray, stepDependentValues } from '../tensor/creation';
import optimizerShader from '../../shaders/optimizer.wgsl?raw';

const WORKGROUP_SIZE = 256;
/** Elements an invocation updates: SwiftShader pays for each invocation about what a few elements cost. */
const ELEMENTS_PER_INVOCATION = { hardware: 1, software: 8 } as const;
const MAX_SLOTS = 3;
/** Variables one dispatch updates at most (MAX_MEMBERS in shaders/optimizer.wgsl). */
const MAX_MEMBERS = 8;

/** Codes match the `ALGORITHM` constants of shaders/optimizer.wgsl. */
const ALGORITHM_CODES = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3, adamax: 4, nadam: 5, adadelta: 6, lion: 7, ftrl: 8 } as const;

export type UpdateAlgorithm = keyof typeof ALGORITHM_CODES;

/**
 * Everything one update needs besides the tensors. Scalars that depend on the step (the learning
 * rate of a schedule, the bias corrections of Adam, Adamax and Nadam) are computed on the CPU by
 * the optimizer, in float64.
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
  /** Adam: learningRate * sqrt(1 - beta2^t) / (1 - beta1^t); Adamax: learningRate / (1 - beta1^t). */
  adamStepSize?: number;
  /** Nadam: mu_{t+1} / (1 - mu_1 ... mu_{t+1}) with its momentum schedule mu, the weight of the momentum in its estimate. */
  nadamMomentumScale?: number;
  /** Nadam: (1 - mu_t) / (1 - mu_1 ... mu_t), the weight of the gradient in that estimate. */
  nadamGradientScale?: number;
  /** Nadam: 1 / (1 - beta2^t), the bias correction of the velocity. */
  nadamVelocityScale?: number;
  /** Ftrl: the power of the accumulator in its per-element learning rate (<= 0). */
  learningRatePower?: number;
  /** Ftrl: the strength of the L1 regularization. */
  l1?: number;
  /** Ftrl: the strength of the (stabilizing) L2 regularization. */
  l2?: number;
  /** Ftrl: the strength of the L2 penalty added to the gradient (shrinkage). */
  l2Shrinkage?: number;
  /** Ftrl: the beta of McMahan et al., added to the quadratic term as beta / learningRate. */
  beta?: number;
  nesterov?: boolean;
  amsgrad?: boolean;
  centered?: boolean;
  /** SGD and RMSprop: whether a momentum slot is kept (momentum > 0). */
  useMomentum?: boolean;
}

/** The parameters that follow the step; the kernel reads them from a tensor (see optimizerUpdates). */
type StepScalar = 'learningRate' | 'decayFactor' | 'adamStepSize' | 'nadamMomentumScale' | 'nadamGradientScale' | 'nadamVelocityScale';

/** Floats of the step scalars' uniform block (`StepScalars` in shaders/optimizer.wgsl, padded to 16 bytes). */
const STEP_SCALAR_COUNT = 8;

/** The step scalars as the kernel's first input holds them, in the order of `StepScalars`. */
function stepScalars(p: UpdateParams): Float32Array {
  return Float32Array.of(p.learningRate, p.decayFactor, p.adamStepSize ?? 0, p.nadamMomentumScale ?? 0, p.nadamGradientScale ?? 0, p.nadamVelocityScale ?? 0, 0, 0);
}

/**
 * The kernel's attributes: the parameters other than the step scalars, plus 1 - beta1, 1 - beta2
 * and 1 - rho taken in float64.
 */
interface UpdateAttrs extends Omit<Required<UpdateParams>, StepScalar> {
  oneMinusRho: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** Slots of each variable; the inputs are (variable, gradient, ...slots) per member. */
  slotCount: number;
}

/** One element of the update, mirroring `updated` in shaders/optimizer.wgsl; updates `slots` in place. */
function updateElement(p: UpdateAttrs & Pick<Required<UpdateParams>, StepScalar>, variable: number, g: number, slots: number[]): number {
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
    case 'adamax':
      s[0] += (g - s[0]) * p.oneMinusBeta1;
      s[1] = Math.max(p.beta2 * s[1], Math.abs(g));
      v -= (s[0] * p.adamStepSize) / (s[1] + p.epsilon);
      break;
    case 'nadam': {
      s[0] += (g - s[0]) * p.oneMinusBeta1;
      s[1] += (g * g - s[1]) * p.oneMinusBeta2;
      const momentumEstimate = p.nadamMomentumScale * s[0] + p.nadamGradientScale * g;
      v -= (lr * momentumEstimate) / (Math.sqrt(s[1] * p.nadamVelocityScale) + p.epsilon);
      break;
    }
    case 'adadelta': {
      s[0] = p.rho * s[0] + p.oneMinusRho * g * g;
      const delta = (-Math.sqrt(s[1] + p.epsilon) * g) / Math.sqrt(s[0] + p.epsilon);
      s[1] = p.rho * s[1] + p.oneMinusRho * delta * delta;
      v += lr * delta;
      break;
    }
    case 'lion':
      v -= lr * Math.sign(p.beta1 * s[0] + p.oneMinusBeta1 * g);
      s[0] = p.beta2 * s[0] + p.oneMinusBeta2 * g;
      break;
    case 'ftrl': {
      const power = -p.learningRatePower;
      const newAccumulator = s[0] + g * g;
      s[1] += g + 2 * p.l2Shrinkage * v - ((newAccumulator ** power - s[0] ** power) / lr) * v;
      const quadratic = newAccumulator ** power / lr + 2 * p.l2 + p.beta / lr;
      v = (Math.min(Math.max(s[1], -p.l1), p.l1) - s[1]) / quadratic;
      s[0] = newAccumulator;
      break;
    }
  }
  return v;
}

function attrsOf(p: UpdateParams, slotCount: number): UpdateAttrs {
  const full: Omit<Required<UpdateParams>, StepScalar> = {
    epsilon: 0, momentum: 0, rho: 0, beta1: 0, beta2: 0, learningRatePower: 0, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0,
    nesterov: false, amsgrad: false, centered: false, useMomentum: false,
    ...withoutStepScalars(p),
  };
  return { ...full, oneMinusRho: 1 - full.rho, oneMinusBeta1: 1 - full.beta1, oneMinusBeta2: 1 - full.beta2, slotCount };
}

function withoutStepScalars({ learningRate, decayFactor, adamStepSize, nadamMomentumScale, nadamGradientScale, nadamVelocityScale, ...rest }: UpdateParams): Omit<UpdateParams, StepScalar> {
  return rest;
}

const updateKernel: Kernel<UpdateAttrs> = {
  name: 'optimizerUpdate',
  cpu([scalars, ...inputs], outputs, attrs) {
    const { slotCount } = attrs;
    const [learningRate, decayFactor, adamStepSize, nadamMomentumScale, nadamGradientScale, nadamVelocityScale] = scalars.values;
    const params = { ...attrs, learningRate, decayFactor, adamStepSize, nadamMomentumScale, nadamGradientScale, nadamVelocityScale };
    const state = new Array<number>(MAX_SLOTS).fill(0);
    for (let m = 0; m * (2 + slotCount) < inputs.length; m++) {
      const [variable, gradient, ...slots] = inputs.slice(m * (2 + slotCount), (m + 1) * (2 + slotCount));
      const [newVariable, ...newSlots] = outputs.slice(m * (1 + slotCount), (m + 1) * (1 + slotCount));
      for (let i = 0; i < newVariable.values.length; i++) {
        slots.forEach((slot, k) => (state[k] = slot.values[i]));
        newVariable.values[i] = updateElement(params, variable.values[i], gradient.values[i], state);
        newSlots.forEach((slot, k) => (slot.values[i] = state[k]));
      }
    }
  },
  webgpu(gpu, [scalars, ...inputs], outputs, params) {
    const { slotCount } = params;
    const members = inputs.length / (2 + slotCount);
    const buffers: GPUBuffer[] = [scalars.buffer];
    const firstGroups: number[] = [];
    const groupCounts: number[] = [];
    const sizes: number[] = [];
    const perGroup = WORKGROUP_SIZE * ELEMENTS_PER_INVOCATION[gpu.tuning];
    let groups = 0;
    for (let m = 0; m < members; m++) {
      const [variable, gradient, ...slots] = inputs.slice(m * (2 + slotCount), (m + 1) * (2 + slotCount));
      const [newVariable, ...newSlots] = outputs.slice(m * (1 + slotCount), (m + 1) * (1 + slotCount));
      buffers.push(variable.buffer, gradient.buffer, newVariable.buffer);
      slots.forEach((slot, k) => buffers.push(slot.buffer, newSlots[k].buffer));
      firstGroups.push(groups);
      groupCounts.push(Math.ceil(variable.size / perGroup));
      sizes.push(variable.size);
      groups += groupCounts[m];
    }
    gpu.dispatch({
      shader: updateSource(members, slotCount),
      constants: {
        ALGORITHM: ALGORITHM_CODES[params.algorithm],
        NESTEROV: params.nesterov,
        AMSGRAD: params.amsgrad,
        CENTERED: params.centered,
        USE_MOMENTUM: params.useMomentum,
      },
      uniforms: new Uniforms()
        .f32(params.epsilon, params.momentum, params.rho, params.oneMinusRho, params.oneMinusBeta1, params.oneMinusBeta2, params.beta1, params.beta2)
        .f32(-params.learningRatePower, params.l1, params.l2, params.l2Shrinkage, params.beta)
        .u32Array(firstGroups, MAX_MEMBERS)
        .u32Array(groupCounts, MAX_MEMBERS)
        .u32Array(sizes, MAX_MEMBERS)
        .finish(),
      buffers,
      workgroups: gridFor(groups, 1, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  },
};

const sources = new Map<string, string>();

/** shaders/optimizer.wgsl with the bindings and `main` of `members` variables of `slotCount` slots each. */
function updateSource(members: number, slotCount: number): string {
  const key = `${members}:${slotCount}`;
  let source = sources.get(key);
  if (source) return source;
  const perMember = 3 + 2 * slotCount;
  const bindings: string[] = [];
  const updates: string[] = [];
  for (let m = 0; m < members; m++) {
    const at = 2 + m * perMember;
    bindings.push(
      `@group(0) @binding(${at}) var<storage, read> variable_in_${m}: array<f32>;`,
      `@group(0) @binding(${at + 1}) var<storage, read> gradient_${m}: array<f32>;`,
      `@group(0) @binding(${at + 2}) var<storage, read_write> variable_out_${m}: array<f32>;`,
    );
    for (let k = 0; k < slotCount; k++) {
      bindings.push(`@group(0) @binding(${at + 3 + 2 * k}) var<storage, read> slot${k}_in_${m}: array<f32>;`, `@group(0) @binding(${at + 4 + 2 * k}) var<storage, read_write> slot${k}_out_${m}: array<f32>;`);
    }
    const slotsIn = Array.from({ length: MAX_SLOTS }, (_, k) => (k < slotCount ? `slot${k}_in_${m}[i]` : '0.0')).join(', ');
    const slotStores = Array.from({ length: slotCount }, (_, k) => `\n    slot${k}_out_${m}[i] = u.slots[${k}];`).join('');
    const index = `[${m >> 2}][${m & 3}]`;
    updates.push(`fn update_${m}(group: u32, lane: u32) {
  // The 2-D grid may hold a few workgroups past the last member's.
  if (group >= params.group_count${index}) { return; }
  let stride = params.group_count${index} * WORKGROUP_SIZE;
  for (var i = group * WORKGROUP_SIZE + lane; i < params.size${index}; i += stride) {
    let u = updated(variable_in_${m}[i], gradient_${m}[i], array<f32, MAX_SLOTS>(${slotsIn}));
    variable_out_${m}[i] = u.variable;${slotStores}
  }
}`);
  }
  // The member of a workgroup: the last whose first workgroup is not after it.
  const dispatch = Array.from({ length: members }, (_, m) => m)
    .reverse()
    .map((m) => `if (group >= params.first_group[${m >> 2}][${m & 3}]) { update_${m}(group - params.first_group[${m >> 2}][${m & 3}], lane); return; }`)
    .join('\n  ');
  source = `${optimizerShader}
// Generated by src/optimizers/update_kernel.ts: ${members} member(s) with ${slotCount} slot(s) each.
${bindings.join('\n')}

${updates.join('\n\n')}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let group = workgroup.x + workgroup.y * groups.x;
  ${dispatch}
}
`;
  sources.set(key, source);
  return source;
}

/** One variable of a grouped update: the variable, its gradient and its slots (same shape). */
export interface UpdateMember {
  variable: Tensor;
  gradient: Tensor;
  slots: readonly Tensor[];
}

/**
 * Runs one fused update of `variable` (float32) from `gradient` and `slots` (same shape, in the
 * algorithm's slot order) and returns `[newVariable, ...newSlots]`, all new tensors. `params` may
 * be a function of the optimizer's state, which a replayed training step calls again.
 *
 * @example
 * const [w2, m2] = optimizerUpdate(w, dw, [m], { algorithm: 'sgd', learningRate: 0.1, decayFactor: 1, momentum: 0.9, useMomentum: true });
 */
export function optimizerUpdate(variable: Tensor, gradient: Tensor, slots: readonly Tensor[], params: UpdateParams | (() => UpdateParams)): Tensor[] {
  return optimizerUpdates([{ variable, gradient, slots }], params)[0];
}

/**
 * @internal The update of several variables with the same slots, in as few dispatches as the
 * device's storage buffer limit allows (each variable binds 3 + 2 x slots buffers): returns
 * `[newVariable, ...newSlots]` for each member, in order. The learning rate, the weight-decay
 * factor and the bias corrections of Adam, Adamax and Nadam reach the kernel as a tensor (bound
 * as a uniform block): with `params` a function of the optimizer's state, a replayed training
 * step uploads them again while the kernel's attributes stay the same, so the replay issues the
 * dispatches it recorded instead of calling the kernel (they change every step under a bias
 * correction).
 */
export function optimizerUpdates(members: readonly UpdateMember[], params: UpdateParams | (() => UpdateParams)): Tensor[][] {
  if (members.length === 0) return [];
  const slotCount = members[0].slots.length;
  if (slotCount > MAX_SLOTS) throw new Error(`optimizerUpdate: at most ${MAX_SLOTS} slots are supported, got ${slotCount}.`);
  for (const { variable, gradient, slots } of members) {
    if (slots.length !== slotCount) throw new Error(`optimizerUpdate: every variable of a group needs ${slotCount} slots, got ${slots.length}.`);
    for (const t of [variable, gradient, ...slots]) {
      if (t.dtype !== 'float32') throw new Error(`optimizerUpdate: expected float32 tensors, got ${t.dtype}.`);
      if (t.shape.length !== variable.shape.length || t.shape.some((d, i) => d !== variable.shape[i])) {
        throw new Error(`optimizerUpdate: a tensor of shape ${formatShape(t.shape)} does not match the variable's shape ${formatShape(variable.shape)}.`);
      }
    }
  }
  const perMember = 3 + 2 * slotCount;
  const limit = getBackend() === 'webgpu' ? activeGpu().limits.maxStorageBuffersPerShaderStage : Infinity;
  if (perMember > limit) {
    throw new Error(`optimizerUpdate: ${slotCount} slots need ${perMember} storage buffers per shader stage; this device allows ${limit}.`);
  }
  const groupSize = Math.min(MAX_MEMBERS, Math.floor(limit / perMember));
  const attrs = attrsOf(typeof params === 'function' ? params() : params, slotCount);
  const scalars = typeof params === 'function' ? stepDependentValues(() => stepScalars(params()), [STEP_SCALAR_COUNT], 'float32') : fromTypedArray(stepScalars(params), [STEP_SCALAR_COUNT], 'float32');
  const results: Tensor[][] = [];
  try {
    for (let start = 0; start < members.length; start += groupSize) {
      const group = members.slice(start, start + groupSize);
      const inputs = [scalars, ...group.flatMap(({ variable, gradient, slots }) => [variable, gradient, ...slots])];
      const specs = group.flatMap(({ variable }) => Array.from({ length: 1 + slotCount }, () => ({ shape: variable.shape, dtype: 'float32' as const })));
      const outputs = runKernel(updateKernel, inputs, specs, attrs);
      for (let m = 0; m < group.length; m++) results.push(outputs.slice(m * (1 + slotCount), (m + 1) * (1 + slotCount)));
    }
  } finally {
    scalars.dispose();
  }
  return results;
}
