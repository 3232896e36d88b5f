// Matrix product with NumPy semantics: the last two dimensions multiply, the leading (batch)
// dimensions broadcast, and transposes of the last two dimensions are folded into the kernel's
// indexing (shaders/matmul.wgsl) instead of being materialized. The kernel is register-blocked,
// with a kernel and tile shape chosen per adapter (src/ops/matmul_source.ts): large products on a
// GPU stage their operands in workgroup memory; SwiftShader, which runs barriers very slowly, never
// does. Shapes and dtypes are checked here, before any GPU work. The same
// kernel has an epilogue (bias add and activation, chosen by override constants) that ops.dense
// (src/ops/dense.ts) uses to run a whole dense layer in one dispatch.

import { formatShape, sizeOf, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import { broadcastStrides, checkRank, MAX_RANK } from './shape_util';
import { recordGradient } from '../autograd/tape';
import { sumToShape } from '../autograd/unbroadcast';
import { reshape } from './shape';
import { chooseTiling, forcedTilesVersion, matmulSource, SPLIT_SUM_SOURCE } from './matmul_source';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';

export interface MatmulOptions {
  /** Multiply by the transpose of the last two dimensions of `a`. */
  transposeA?: boolean;
  /** Multiply by the transpose of the last two dimensions of `b`. */
  transposeB?: boolean;
}

const sigmoidReference = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * @internal Activations the matmul epilogue applies, with their codes (`ACTIVATION` in shaders/matmul.wgsl)
 * and CPU references (the formulas of the unary ops of the same names).
 */
export const FUSED_ACTIVATIONS = {
  linear: { code: 0, cpu: (v: number) => v },
  relu: { code: 1, cpu: (v: number) => Math.max(v, 0) },
  sigmoid: { code: 2, cpu: sigmoidReference },
  tanh: { code: 3, cpu: (v: number) => Math.tanh(v) },
} as const;

/** An activation that ops.dense fuses into the matmul kernel. */
export type FusedActivation = keyof typeof FUSED_ACTIVATIONS;

interface MatmulAttrs {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  batchShape: number[];
  /** Element offsets between consecutive matrices of a and b along each batch dimension. */
  aBatchStrides: number[];
  bBatchStrides: number[];
  /** Epilogue: a bias (the third input) added per output column, then the activation. */
  hasBias: boolean;
  activation: FusedActivation;
}

const matmulKernel: Kernel<MatmulAttrs> = {
  name: 'matmul',
  cpu([a, b, bias], [out], attrs) {
    const { m, n, k, transposeA, transposeB, batchShape, hasBias } = attrs;
    const activate = FUSED_ACTIVATIONS[attrs.activation].cpu;
    const aRowStride = transposeA ? 1 : k;
    const aKStride = transposeA ? m : 1;
    const bKStride = transposeB ? 1 : n;
    const bColStride = transposeB ? k : 1;
    const batches = sizeOf(batchShape);
    const row = new Float64Array(n);
    for (let batch = 0; batch < batches; batch++) {
      const [aOffset, bOffset] = batchOffsets(batch, attrs);
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let p = 0; p < k; p++) {
          const x = a.values[aOffset + i * aRowStride + p * aKStride];
          const bAt = bOffset + p * bKStride;
          for (let j = 0; j < n; j++) row[j] += x * b.values[bAt + j * bColStride];
        }
        const at = (batch * m + i) * n;
        for (let j = 0; j < n; j++) out.values[at + j] = activate(hasBias ? row[j] + bias.values[j] : row[j]);
      }
    }
  },
  webgpu(gpu, [a, b, bias], [out], attrs) {
    const plan = dispatchPlan(gpu, attrs);
    const { splitSum } = plan;
    // Split-K writes one partial product per split to a scratch buffer; the second pass adds them
    // up into out through the epilogue.
    const target = splitSum ? gpu.allocate(splitSum.partials * 4) : out.buffer;
    // Without a bias, b stands in for the bias binding (the kernel does not read it).
    gpu.dispatch({ shader: plan.shader, constants: plan.constants, uniforms: plan.uniforms, buffers: [a.buffer, b.buffer, (bias ?? b).buffer, target], workgroups: plan.workgroups });
    if (!splitSum) return;
    // Without a bias, the partials stand in for the bias binding (both read-only).
    gpu.dispatch({ shader: SPLIT_SUM_SOURCE, constants: splitSum.constants, uniforms: splitSum.uniforms, buffers: [target, bias ? bias.buffer : target, out.buffer], workgroups: splitSum.workgroups });
    // Later dispatches of this recording may reuse the scratch buffer: they run after the sum.
    gpu.release(target);
  },
};

/** Invocations of a workgroup of shaders/matmul_split_sum.wgsl. */
const SPLIT_SUM_WORKGROUP_SIZE = 64;

/** What a matmul dispatch needs besides its buffers: the same for every run of the same attributes. */
interface DispatchPlan {
  /** The device and tuning it was made for (tests switch the tuning; the tile sweep forces tiles). */
  madeFor: string;
  /** Split-K's second pass (null without split-K), and the elements of the partial products. */
  splitSum: { partials: number; constants: Record<string, number | boolean>; uniforms: Uint8Array; workgroups: [number, number] } | null;
  shader: string;
  constants: Record<string, number | boolean>;
  uniforms: Uint8Array;
  workgroups: [number, number, number];
}

/**
 * Plans are kept per attributes object: a compiled training step replays the same attributes
 * every step, and choosing tiles, writing uniforms and keying constants cost more JavaScript time
 * than the dispatch itself.
 */
const plans = new WeakMap<MatmulAttrs, DispatchPlan>();

function dispatchPlan(gpu: WebGPUBackend, attrs: MatmulAttrs): DispatchPlan {
  const madeFor = `${gpu.generation}:${gpu.tuning}:${gpu.subgroupLanes}:${forcedTilesVersion()}`;
  let plan = plans.get(attrs);
  if (plan?.madeFor === madeFor) return plan;
  const { m, n, k, batchShape } = attrs;
  const batches = sizeOf(batchShape);
  const tiling = chooseTiling(attrs, batches, gpu.tuning, gpu.subgroupLanes, gpu.limits.maxComputeWorkgroupStorageSize);
  const columnBlocks = Math.ceil(n / (4 * tiling.colGroups * tiling.workgroupCols));
  const rowBlocks = Math.ceil(m / (4 * tiling.rowGroups * tiling.workgroupRows));
  const maxPerDimension = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (columnBlocks > maxPerDimension) {
    throw new Error(`matmul: ${n} output columns need ${columnBlocks} workgroups along x, more than this device's ${maxPerDimension}.`);
  }
  // (batch, K split, row block) triples spread over y and z; the kernel unfolds them.
  const [y, z] = gridFor(batches * tiling.kSplits * rowBlocks, 1, maxPerDimension);
  const split = tiling.kSplits > 1;
  const epilogue = { HAS_BIAS: attrs.hasBias, ACTIVATION: FUSED_ACTIVATIONS[attrs.activation].code };
  plan = {
    madeFor,
    splitSum: split
      ? {
          partials: tiling.kSplits * batches * m * n,
          constants: epilogue,
          uniforms: new Uniforms().u32(m, n, batches, tiling.kSplits).finish(),
          workgroups: gridFor(batches * m * Math.ceil(n / 4), SPLIT_SUM_WORKGROUP_SIZE, maxPerDimension),
        }
      : null,
    shader: matmulSource(tiling, attrs),
    constants: {
      TRANSPOSE_A: attrs.transposeA,
      TRANSPOSE_B: attrs.transposeB,
      // The epilogue applies to the whole sum: in the second pass when split.
      ...(split ? { HAS_BIAS: false, ACTIVATION: 0 } : epilogue),
      WORKGROUP_COLS: tiling.workgroupCols,
      WORKGROUP_ROWS: tiling.workgroupRows,
    },
    uniforms: new Uniforms()
      .u32(m, n, k, batches, rowBlocks, batchShape.length, tiling.kSplits, tiling.kChunk)
      .u32Array(batchShape, MAX_RANK)
      .u32Array(attrs.aBatchStrides, MAX_RANK)
      .u32Array(attrs.bBatchStrides, MAX_RANK)
      .finish(),
    workgroups: [columnBlocks, y, z],
  };
  plans.set(attrs, plan);
  return plan;
}

/** Offsets of the a and b matrices that batch number `batch` of the output reads. */
function batchOffsets(batch: number, { batchShape, aBatchStrides, bBatchStrides }: MatmulAttrs): [number, number] {
  let aOffset = 0;
  let bOffset = 0;
  let rest = batch;
  for (let d = batchShape.length - 1; d >= 0; d--) {
    const coord = rest % batchShape[d];
    rest = Math.floor(rest / batchShape[d]);
    aOffset += coord * aBatchStrides[d];
    bOffset += coord * bBatchStrides[d];
  }
  return [aOffset, bOffset];
}

/**
 * Matrix product with NumPy `matmul` semantics. The last two dimensions of `a` ([M, K]) and `b`
 * ([K, N]) multiply; leading dimensions are batch dimensions and broadcast against each other, so
 * a [batch, time, features] input times a [features, units] kernel works. `transposeA` /
 * `transposeB` use the transpose of the last two dimensions without copying it.
 *
 * A rank-1 operand is a vector, as in NumPy: `a` of shape [K] acts as [1, K] and `b` of shape [K]
 * as [K, 1], and that dimension is dropped from the result. Transposing a vector changes nothing.
 * Both operands must be float32 (cast int32 tensors with `ops.cast(x, 'float32')`); sums run in
 * float32 on the GPU.
 *
 * @example
 * const y = ops.matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]));        // [[17], [39]]
 * const scores = ops.matmul(queries, keys, { transposeB: true });           // [b, t, d] x [b, s, d] -> [b, t, s]
 * const batched = ops.matmul(ones([2, 1, 4, 5]), ones([3, 5, 6]));         // shape [2, 3, 4, 6]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkOperand('a', a);
  checkOperand('b', b);
  const aVector = a.rank === 1;
  const bVector = b.rank === 1;
  const transposeA = Boolean(options.transposeA) && !aVector;
  const transposeB = Boolean(options.transposeB) && !bVector;
  const aMatrix: ConcreteShape = aVector ? [1, a.shape[0]] : a.shape;
  const bMatrix: ConcreteShape = bVector ? [b.shape[0], 1] : b.shape;
  const [aRows, aCols] = aMatrix.slice(-2);
  const [bRows, bCols] = bMatrix.slice(-2);
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kOfB = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kOfB) {
    const flags = [transposeA && 'transposeA', transposeB && 'transposeB'].filter(Boolean).join(' and ');
    const detail = flags ? ` with ${flags} (${k} vs ${kOfB})` : '';
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a.shape)} x ${formatShape(b.shape)}${detail}.`);
  }
  const aBatch = aMatrix.slice(0, -2);
  const bBatch = bMatrix.slice(0, -2);
  const batchShape = broadcastBatch(aBatch, bBatch, a.shape, b.shape);
  checkRank('matmul', [...batchShape, m, n]);
  const outShape = [...batchShape, ...(aVector ? [] : [m]), ...(bVector ? [] : [n])];
  const attrs: MatmulAttrs = {
    m,
    n,
    k,
    transposeA,
    transposeB,
    batchShape,
    aBatchStrides: broadcastStrides(aBatch, batchShape).map((s) => s * m * k),
    bBatchStrides: broadcastStrides(bBatch, batchShape).map((s) => s * k * n),
    hasBias: false,
    activation: 'linear',
  };
  const y = runKernel1(matmulKernel, [a, b], { shape: outShape, dtype: 'float32' }, attrs);
  recordGradient('matmul', [a, b], [y], () => ([dy], [needA, needB]) => {
    // Work on the matrix forms (vectors as [1, K] / [K, 1]); sum over broadcast batch dimensions.
    const aMat = reshape(a, aMatrix);
    const bMat = reshape(b, bMatrix);
    const dyMat = reshape(dy, [...batchShape, m, n]);
    const gradA = (): Tensor => {
      const da = transposeA ? matmul(bMat, dyMat, { transposeA: transposeB, transposeB: true }) : matmul(dyMat, bMat, { transposeB: !transposeB });
      return reshape(sumToShape(da, aMatrix), a.shape);
    };
    const gradB = (): Tensor => {
      const db = transposeB ? matmul(dyMat, aMat, { transposeA: true, transposeB: transposeA }) : matmul(aMat, dyMat, { transposeA: !transposeA });
      return reshape(sumToShape(db, bMatrix), b.shape);
    };
    return [needA ? gradA() : null, needB ? gradB() : null];
  });
  return y;
}

function checkOperand(name: 'a' | 'b', x: Tensor): void {
  if (x === null || typeof x !== 'object' || !x.isTensorInstance) {
    throw new Error(`matmul: expected ${name} to be a Tensor, got ${Array.isArray(x) ? 'an array (wrap it with tensor(...))' : x === null ? 'null' : typeof x}.`);
  }
  if (x.rank === 0) throw new Error(`matmul: ${name} is a scalar (shape []); matmul needs operands of rank 1 or more (use ops.mul to scale).`);
  if (x.dtype !== 'float32') {
    throw new Error(`matmul: ${name} is ${x.dtype} (shape ${formatShape(x.shape)}); matmul takes float32 tensors. Cast it first: ops.cast(${name}, 'float32').`);
  }
}

/** The broadcast of the batch dimensions, with an error naming both full shapes. */
function broadcastBatch(aBatch: ConcreteShape, bBatch: ConcreteShape, aShape: ConcreteShape, bShape: ConcreteShape): number[] {
  const rank = Math.max(aBatch.length, bBatch.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aBatch[aBatch.length - rank + i] ?? 1;
    const db = bBatch[bBatch.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`matmul: batch dimensions ${formatShape(aBatch)} and ${formatShape(bBatch)} cannot be broadcast together: ${formatShape(aShape)} x ${formatShape(bShape)}.`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * @internal The forward pass of ops.dense, which checks the operands and records the gradient:
 * activation(x · kernel + bias) for x holding rows of length K (any leading shape, read as one
 * [rows, K] matrix), kernel [K, N] and bias [N] or null, in one dispatch. Output shape `outShape`.
 */
export function matmulWithEpilogue(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: FusedActivation, outShape: ConcreteShape): Tensor {
  const [k, n] = kernel.shape;
  const attrs: MatmulAttrs = {
    m: sizeOf(x.shape.slice(0, -1)),
    n,
    k,
    transposeA: false,
    transposeB: false,
    batchShape: [],
    aBatchStrides: [],
    bBatchStrides: [],
    hasBias: bias !== null,
    activation,
  };
  return runKernel1(matmulKernel, bias ? [x, kernel, bias] : [x, kernel], { shape: outShape, dtype: 'float32' }, attrs, 'dense');
}
