// ops.dense: activation(x · kernel + bias), a whole dense layer in one dispatch (the epilogue of the
// matmul kernel, src/ops/matmul.ts). Its gradient rule starts from the output y: one dispatch of
// shaders/dense_backward.wgsl gives dPre = dy ⊙ activation'(pre), computed from y, together with
// the column sums of dPre (the bias gradient); then dX = dPre · kernelᵀ and dKernel = xᵀ · dPre
// run on matmul's transposed indexing, with no transpose materialized. When a tape records the
// gradient itself (a second-order gradient: a gradient penalty), dPre and the bias gradient are
// the same formulas in differentiable ops instead.

import { formatShape, sizeOf } from '../backend/types';
import { Uniforms } from '../backend/webgpu/uniforms';
import { isRecording, recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { greater, mul, square, sub } from './elementwise';
import { runKernel, type Kernel } from './kernel';
import { FUSED_ACTIVATIONS, matmul, matmulWithEpilogue, type FusedActivation } from './matmul';
import { sum } from './reduce';
import { reshape } from './shape';
import denseBackwardShader from '../../shaders/dense_backward.wgsl?raw';

/**
 * A backward workgroup's columns and the lanes sharing each column's rows (see
 * shaders/dense_backward.wgsl): a GPU wants many invocations; SwiftShader runs a workgroup on one
 * core and barriers slowly.
 */
const WORKGROUP = { hardware: { columns: 16, lanes: 16 }, software: { columns: 4, lanes: 1 } } as const;
/** Rows of a chunk: one workgroup's rows; beyond, the column sums come per chunk and are added after. */
const ROWS_PER_CHUNK = 256;
/** At most this many per-chunk sums a column, so adding them up is a short reduction. */
const MAX_CHUNKS = 128;

interface DenseBackwardAttrs {
  activation: FusedActivation;
  rows: number;
  columns: number;
  rowsPerChunk: number;
  writeGrad: boolean;
  sumColumns: boolean;
}

/** Derivatives of the fused activations from their outputs (the CPU mirror of the WGSL `derivative`). */
const DERIVATIVE_FROM_OUTPUT: Record<FusedActivation, (y: number) => number> = {
  linear: () => 1,
  relu: (y) => (y > 0 ? 1 : 0),
  sigmoid: (y) => y * (1 - y),
  tanh: (y) => 1 - y * y,
};

/** activation'(pre) from y = activation(pre), in differentiable ops (the second-order path of denseBackward). */
function derivativeFromOutput(activation: Exclude<FusedActivation, 'linear'>, y: Tensor): Tensor {
  if (activation === 'relu') return greater(y, 0);
  if (activation === 'sigmoid') return mul(y, sub(1, y));
  return sub(1, square(y));
}

const denseBackwardKernel: Kernel<DenseBackwardAttrs> = {
  name: 'denseBackward',
  cpu([dy, y], [grad, columnSums], { activation, rows, columns, rowsPerChunk, writeGrad, sumColumns }) {
    const derivative = DERIVATIVE_FROM_OUTPUT[activation];
    for (let row = 0; row < rows; row++) {
      const chunk = Math.floor(row / rowsPerChunk);
      for (let column = 0; column < columns; column++) {
        const at = row * columns + column;
        const g = activation === 'linear' ? dy.values[at] : dy.values[at] * derivative(y.values[at]);
        if (writeGrad) grad.values[at] = g;
        if (sumColumns) columnSums.values[chunk * columns + column] += g;
      }
    }
  },
  webgpu(gpu, [dy, y], [grad, columnSums], attrs) {
    const chunks = Math.ceil(attrs.rows / attrs.rowsPerChunk);
    const { columns, lanes } = WORKGROUP[gpu.tuning];
    gpu.dispatch({
      shader: denseBackwardShader,
      constants: { ACTIVATION: FUSED_ACTIVATIONS[attrs.activation].code, WRITE_GRAD: attrs.writeGrad, SUM_COLUMNS: attrs.sumColumns, WORKGROUP_COLUMNS: columns, ROW_LANES: lanes },
      uniforms: new Uniforms().u32(attrs.rows, attrs.columns, attrs.rowsPerChunk).finish(),
      buffers: [dy.buffer, y.buffer, grad.buffer, columnSums.buffer],
      workgroups: [Math.ceil(attrs.columns / columns), chunks],
    });
  },
};

/**
 * dPre = dy ⊙ activation'(pre) as a [rows, columns] matrix, and (with `withBias`) its column sums,
 * from the upstream gradient and the layer's output y (both of any shape holding those rows).
 */
function denseBackward(dy: Tensor, y: Tensor, activation: FusedActivation, withBias: boolean, rows: number, columns: number): { dPre: Tensor; dBias: Tensor | null } {
  const linear = activation === 'linear';
  const dyMatrix = reshape(dy, [rows, columns]);
  if (linear && !withBias) return { dPre: dyMatrix, dBias: null };
  if (isRecording()) {
    const dPre = linear ? dyMatrix : mul(dyMatrix, derivativeFromOutput(activation, reshape(y, [rows, columns])));
    return { dPre, dBias: withBias ? sum(dPre, 0) : null };
  }
  const chunks = Math.min(Math.ceil(rows / ROWS_PER_CHUNK), MAX_CHUNKS);
  const attrs: DenseBackwardAttrs = {
    activation,
    rows,
    columns,
    rowsPerChunk: Math.max(Math.ceil(rows / Math.max(chunks, 1)), 1),
    writeGrad: !linear,
    sumColumns: withBias,
  };
  // Outputs that are not needed are empty (the GPU binds a placeholder the kernel does not touch).
  const [grad, columnSums] = runKernel(
    denseBackwardKernel,
    [dyMatrix, linear ? dyMatrix : y],
    [
      { shape: [linear ? 0 : rows, columns], dtype: 'float32' },
      { shape: [withBias ? chunks : 0, columns], dtype: 'float32' },
    ],
    attrs,
  );
  const dBias = !withBias ? null : chunks === 1 ? reshape(columnSums, [columns]) : sum(columnSums, 0);
  return { dPre: linear ? dyMatrix : grad, dBias };
}

/**
 * A dense layer's computation, `activation(x · kernel + bias)`, in one GPU dispatch: the matrix
 * product with the bias add and the activation fused into its epilogue. `x` is float32 with its
 * features on the last axis (any leading dimensions, as Keras's Dense applies to [batch, time,
 * features]); `kernel` is [features, units]; `bias` is [units] or null; `activation` is one of
 * 'linear' (default), 'relu', 'sigmoid', 'tanh' (for other activations, apply them to the linear
 * result). The result has shape [...x.shape without its last axis, units].
 *
 * @example
 * const h = ops.dense(x, w1, b1, 'relu');          // [batch, 100] x [100, 64] -> [batch, 64]
 * const logits = ops.dense(h, w2, b2);             // linear
 * const seq = ops.dense(ones([2, 5, 3]), ones([3, 4]), null, 'tanh');   // shape [2, 5, 4]
 */
export function dense(x: Tensor, kernel: Tensor, bias: Tensor | null = null, activation: FusedActivation | null = 'linear'): Tensor {
  const act = activation ?? 'linear';
  checkOperand('x', x, null);
  checkOperand('kernel', kernel, 2);
  if (bias !== null && bias !== undefined) checkOperand('bias', bias, 1);
  if (!Object.hasOwn(FUSED_ACTIVATIONS, act)) {
    throw new Error(`dense: unknown activation '${String(act)}'. Expected one of ${Object.keys(FUSED_ACTIVATIONS).join(', ')}; apply other activations to the linear result.`);
  }
  const [features, units] = kernel.shape;
  if (x.shape[x.rank - 1] !== features) {
    throw new Error(`dense: x of shape ${formatShape(x.shape)} has ${x.shape[x.rank - 1]} features on its last axis but the kernel of shape ${formatShape(kernel.shape)} expects ${features}.`);
  }
  const b = bias ?? null;
  if (b && b.shape[0] !== units) {
    throw new Error(`dense: bias of shape ${formatShape(b.shape)} does not match the kernel's ${units} units (kernel shape ${formatShape(kernel.shape)}).`);
  }
  const rows = sizeOf(x.shape.slice(0, -1));
  const y = matmulWithEpilogue(x, kernel, b, act, [...x.shape.slice(0, -1), units]);
  recordGradient('dense', b ? [x, kernel, b] : [x, kernel], [y], () => ([dy], [needX, needKernel]) => {
    const { dPre, dBias } = denseBackward(dy, y, act, b !== null, rows, units);
    const dx = needX ? reshape(matmul(dPre, kernel, { transposeB: true }), x.shape) : null;
    const dKernel = needKernel ? matmul(reshape(x, [rows, features]), dPre, { transposeA: true }) : null;
    return b ? [dx, dKernel, dBias] : [dx, dKernel];
  });
  return y;
}

function checkOperand(name: 'x' | 'kernel' | 'bias', t: Tensor, rank: number | null): void {
  if (t === null || typeof t !== 'object' || !t.isTensorInstance) {
    throw new Error(`dense: expected ${name} to be a Tensor, got ${Array.isArray(t) ? 'an array (wrap it with tensor(...))' : t === null ? 'null' : typeof t}.`);
  }
  if (rank === null ? t.rank === 0 : t.rank !== rank) {
    throw new Error(`dense: ${name} of shape ${formatShape(t.shape)} should have ${rank === null ? 'rank 1 or more (features on the last axis)' : `rank ${rank}`}.`);
  }
  if (t.dtype !== 'float32') {
    throw new Error(`dense: ${name} is ${t.dtype} (shape ${formatShape(t.shape)}); dense takes float32 tensors. Cast it first: ops.cast(${name}, 'float32').`);
  }
}
