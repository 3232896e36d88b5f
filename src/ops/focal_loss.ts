// The fused sigmoid focal loss (Lin et al. 2017, as the widely used TensorFlow implementation
// writes it) and its derivative with respect to the logits, element-wise. One WGSL kernel
// (shaders/focal_loss.wgsl, whose header gives the formulas) computes either; the CPU reference
// evaluates the same formulas in float64 with the same clip constants. The loss's gradient rule
// runs the derivative kernel: d logits = dy * sigmoidFocalLossGrad; labels get none. The derivative
// has no gradient of its own: a second-order gradient through the loss throws.

import type { Tensor } from '../tensor/tensor';
import { recordFirstOrderOnly, recordGradient } from '../autograd/tape';
import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { runKernel1, type Kernel } from './kernel';
import { sameShape } from './shape_util';
import stableMath from '../../shaders/stable_math.wgsl?raw';
import focalLossShader from '../../shaders/focal_loss.wgsl?raw';

const FOCAL_LOSS_SOURCE = `${stableMath}\n${focalLossShader}`;

const WORKGROUP_SIZE = 256;

export interface FocalLossOptions {
  /** Weight of the positive (label > 0) term; the negative term gets 1 - alpha. Default 0.25. */
  alpha?: number;
  /** Focusing exponent, >= 0; 0 gives the alpha-weighted binary cross-entropy. Default 2. */
  gamma?: number;
}

/**
 * The lower clip of p = sigmoid(logit), as f32 values shared by both backends: the clip is active
 * exactly when the logit is below `minLogit`.
 */
const CLIP = {
  minP: Math.fround(1e-8),
  minLogit: Math.fround(Math.log(1e-8) - Math.log1p(-1e-8)),
  logMinP: Math.fround(Math.log(1e-8)),
  log1mMinP: Math.fround(Math.log1p(-1e-8)),
};

interface FocalAttrs {
  alpha: number;
  gamma: number;
  gradient: boolean;
}

const focalKernel: Kernel<FocalAttrs> = {
  name: 'sigmoidFocalLoss',
  cpu([labels, logits], [out], attrs) {
    for (let i = 0; i < out.values.length; i++) out.values[i] = focalRef(labels.values[i], logits.values[i], attrs);
  },
  webgpu(gpu, [labels, logits], [out], { alpha, gamma, gradient }) {
    gpu.dispatch({
      shader: FOCAL_LOSS_SOURCE,
      constants: { GRADIENT: gradient, LABELS_INT: labels.dtype === 'int32', LOGITS_INT: logits.dtype === 'int32' },
      uniforms: new Uniforms().u32(out.size).f32(alpha, gamma, CLIP.minLogit, CLIP.minP, CLIP.logMinP, CLIP.log1mMinP).finish(),
      buffers: [labels.buffer, logits.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** One element of the loss or its derivative; see shaders/focal_loss.wgsl for the formulas. */
function focalRef(z: number, x: number, { alpha, gamma, gradient }: FocalAttrs): number {
  const clipped = x < CLIP.minLogit;
  if (gradient && clipped) return 0;
  const p = clipped ? CLIP.minP : sigmoid(x);
  const q = sigmoid(-x);
  if (z > 0) {
    const logP = clipped ? CLIP.logMinP : -softplus(-x);
    const d = clipped ? z - CLIP.minP : z - 1 + q;
    if (!gradient) return -alpha * d ** gamma * logP;
    const slope = gamma === 0 ? 0 : gamma * d ** (gamma - 1) * p * logP;
    return alpha * q * (slope - d ** gamma);
  }
  const log1mP = clipped ? CLIP.log1mMinP : -softplus(x);
  if (!gradient) return -(1 - alpha) * p ** gamma * log1mP;
  return (1 - alpha) * p ** gamma * (p - gamma * q * log1mP);
}

function focal(name: 'sigmoidFocalLoss' | 'sigmoidFocalLossGrad', labels: Tensor, logits: Tensor, options: FocalLossOptions): Tensor {
  for (const [role, t] of [['labels', labels], ['logits', logits]] as const) {
    if (t === null || typeof t !== 'object' || !(t as Tensor).isTensorInstance) {
      throw new Error(`${name}: expected ${role} to be a Tensor, got ${Array.isArray(t) ? 'an array (wrap it with tensor(...))' : t === null ? 'null' : typeof t}.`);
    }
  }
  if (!sameShape(labels.shape, logits.shape)) {
    throw new Error(`${name}: labels of shape ${formatShape(labels.shape)} and logits of shape ${formatShape(logits.shape)} must have the same shape.`);
  }
  const { alpha = 0.25, gamma = 2 } = options;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new Error(`${name}: alpha must be a finite number, got ${String(alpha)}.`);
  if (typeof gamma !== 'number' || !Number.isFinite(gamma) || gamma < 0) {
    throw new Error(`${name}: gamma must be a finite number >= 0, got ${String(gamma)}.`);
  }
  const gradient = name === 'sigmoidFocalLossGrad';
  const y = runKernel1(focalKernel, [labels, logits], { shape: logits.shape, dtype: 'float32' }, { alpha, gamma, gradient });
  // The derivative kernel has no gradient: a second-order gradient through it throws.
  if (gradient) recordFirstOrderOnly('sigmoidFocalLoss', [labels, logits], [y]);
  return y;
}

/**
 * Element-wise sigmoid focal loss of `logits` against `labels` (same shape; 0/1 or soft labels in
 * [0, 1], int32 or float32), float32 of the logits' shape. With p = clip(sigmoid(logit), 1e-8, 1):
 * -alpha * (label - p)^gamma * log(p) where label > 0, else -(1 - alpha) * p^gamma * log(1 - p).
 * @example
 * const loss = ops.sigmoidFocalLoss(tensor([1, 0]), tensor([2, -1]), { alpha: 0.25, gamma: 2 });
 * const total = loss.sum();
 */
export function sigmoidFocalLoss(labels: Tensor, logits: Tensor, options: FocalLossOptions = {}): Tensor {
  const loss = focal('sigmoidFocalLoss', labels, logits, options);
  if (logits.dtype === 'float32') {
    recordGradient('sigmoidFocalLoss', [labels, logits], [loss], () => ([dy]) => [null, dy.mul(sigmoidFocalLossGrad(labels, logits, options))]);
  }
  return loss;
}

/**
 * Element-wise derivative of sigmoidFocalLoss with respect to the logits, in one fused kernel
 * (0 where the clip of p is active).
 * @example
 * const dLogits = ops.sigmoidFocalLossGrad(tensor([1, 0]), tensor([2, -1])).mul(upstream);
 */
export function sigmoidFocalLossGrad(labels: Tensor, logits: Tensor, options: FocalLossOptions = {}): Tensor {
  return focal('sigmoidFocalLossGrad', labels, logits, options);
}
