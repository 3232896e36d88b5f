// Tensors made on the device from a rule rather than from values: fill, zeros, ones, range, eye
// (shaders/fill.wgsl) and oneHot (shaders/one_hot.wgsl). Nothing is uploaded: each is one
// dispatch writing every element. Arguments are validated here, before any GPU work.

import { formatShape, type ConcreteShape, type DType } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { Tensor } from '../tensor/tensor';
import { runKernel1, type Kernel } from './kernel';
import { checkRank } from './shape_util';
import { checkDtype, checkShape, checkTensor } from './validate';
import fillShader from '../../shaders/fill.wgsl?raw';
import oneHotShader from '../../shaders/one_hot.wgsl?raw';

const WORKGROUP_SIZE = 256;

/** Codes match the MODE_* constants of shaders/fill.wgsl. */
const FILL_MODES = { fill: 0, range: 1, eye: 2 } as const;

interface FillAttrs {
  mode: (typeof FILL_MODES)[keyof typeof FILL_MODES];
  /** fill: the value; range: the start. */
  value: number;
  /** range: the step. */
  step: number;
  /** eye: columns of the matrix. */
  columns: number;
}

const fillKernel: Kernel<FillAttrs> = {
  name: 'fill',
  cpu(_inputs, [y], { mode, value, step, columns }) {
    const dst = y.values;
    for (let i = 0; i < dst.length; i++) {
      if (mode === FILL_MODES.fill) dst[i] = value;
      else if (mode === FILL_MODES.range) dst[i] = value + i * step;
      else dst[i] = Math.floor(i / columns) === i % columns ? 1 : 0;
    }
  },
  webgpu(gpu, _inputs, [y], { mode, value, step, columns }) {
    gpu.dispatch({
      shader: fillShader,
      constants: { MODE: mode, OUT_INT: y.dtype === 'int32' },
      uniforms: new Uniforms().u32(y.size, columns).f32(value, step).i32(value, step).finish(),
      buffers: [y.buffer],
      workgroups: gridFor(y.size, WORKGROUP_SIZE),
    });
  },
};

function runFill(shape: ConcreteShape, dtype: DType, attrs: Partial<FillAttrs> & Pick<FillAttrs, 'mode'>): Tensor {
  return runKernel1(fillKernel, [], { shape, dtype }, { value: 0, step: 0, columns: 1, ...attrs });
}

/**
 * A tensor of the given shape with every element set to `value` (truncated toward zero for int32).
 *
 * @example
 * const bias = fill([64], 0.1);
 * const sevens = fill([2, 3], 7, 'int32');
 */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('fill', shape, value, dtype);
}
/** A tensor of the given shape filled with `value` (Keras's name for fill). */
export const full = fill;

/** fill, with errors naming the op the user called. */
function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  checkShape(op, shape);
  checkDtype(op, dtype);
  if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${typeof value}.`);
  return runFill(shape, dtype, { mode: FILL_MODES.fill, value: dtype === 'int32' ? Math.trunc(value) : value });
}

/**
 * A tensor of zeros.
 *
 * @example
 * const state = zeros([batch, units]);
 */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/**
 * A tensor of ones.
 *
 * @example
 * const mask = ones([4, 4], 'int32');
 */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/**
 * Zeros with the shape and dtype of `x`.
 *
 * @example
 * const velocity = zerosLike(weights);
 */
export function zerosLike(x: Tensor): Tensor {
  checkTensor('zerosLike', x);
  return filled('zerosLike', x.shape, 0, x.dtype);
}

/**
 * Ones with the shape and dtype of `x`.
 *
 * @example
 * const grad = onesLike(loss);
 */
export function onesLike(x: Tensor): Tensor {
  checkTensor('onesLike', x);
  return filled('onesLike', x.shape, 1, x.dtype);
}

/**
 * The numbers start, start + step, ... up to but excluding `stop`, as a rank-1 tensor (like
 * `tf.range`). With one argument the range is [0, start). An int32 range needs integer arguments.
 *
 * @example
 * range(5);                  // [0, 1, 2, 3, 4]
 * range(1, 2, 0.25);         // [1, 1.25, 1.5, 1.75]
 * range(10, 0, -3, 'int32'); // [10, 7, 4, 1]
 */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  checkDtype('range', dtype);
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`range: ${name} must be a finite number, got ${String(v)}.`);
    if (dtype === 'int32' && !Number.isInteger(v)) throw new Error(`range: ${name} must be an integer for an int32 range, got ${v}.`);
  }
  if (step === 0) throw new Error('range: step must not be 0.');
  const length = Math.max(Math.ceil((stop - start) / step), 0);
  return runFill([length], dtype, { mode: FILL_MODES.range, value: start, step });
}

/**
 * Evenly spaced values in [start, stop), as keras.ops.arange: without a dtype, int32 when start,
 * stop and step are integers, float32 otherwise (range defaults to float32).
 *
 * @example
 * arange(4);            // int32 [0, 1, 2, 3]
 * arange(0, 1, 0.25);   // float32 [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  const integers = [start, stop ?? 0, step].every((v) => Number.isInteger(v));
  return range(start, stop, step, dtype ?? (integers ? 'int32' : 'float32'));
}

/**
 * An identity matrix: ones on the main diagonal of a rows x columns matrix (columns defaults to
 * rows), zeros elsewhere.
 *
 * @example
 * eye(3);        // 3 x 3 identity
 * eye(2, 4);     // [[1, 0, 0, 0], [0, 1, 0, 0]]
 */
export function eye(rows: number, columns: number = rows, dtype: DType = 'float32'): Tensor {
  checkShape('eye', [rows, columns]);
  checkDtype('eye', dtype);
  return runFill([rows, columns], dtype, { mode: FILL_MODES.eye, columns });
}
/** The n x n identity matrix (keras.ops.identity). */
export const identity = (n: number, dtype: DType = 'float32'): Tensor => eye(n, n, dtype);

interface OneHotAttrs {
  depth: number;
  onValue: number;
  offValue: number;
}

const oneHotKernel: Kernel<OneHotAttrs> = {
  name: 'oneHot',
  cpu([indices], [out], { depth, onValue, offValue }) {
    out.values.fill(offValue);
    indices.values.forEach((index, i) => {
      if (index >= 0 && index < depth) out.values[i * depth + index] = onValue;
    });
  },
  webgpu(gpu, [indices], [out], { depth, onValue, offValue }) {
    gpu.dispatch({
      shader: oneHotShader,
      uniforms: new Uniforms().u32(out.size, depth).f32(onValue, offValue).finish(),
      buffers: [indices.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/**
 * One-hot encoding of int32 class indices: a float32 tensor with a new last axis of length `depth`
 * holding `onValue` at each index and `offValue` elsewhere. Indices outside [0, depth) give a row
 * of `offValue`.
 *
 * @example
 * const labels = tensor(new Int32Array([0, 2, 1]), [3]);
 * const targets = oneHot(labels, 3);   // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 */
export function oneHot(indices: Tensor, depth: number, onValue = 1, offValue = 0): Tensor {
  checkTensor('oneHot', indices);
  if (indices.dtype !== 'int32') {
    throw new Error(`oneHot: indices must be int32, got ${indices.dtype} (shape ${formatShape(indices.shape)}). Cast them first: ops.cast(indices, 'int32').`);
  }
  if (!Number.isInteger(depth) || depth <= 0) throw new Error(`oneHot: depth must be a positive integer, got ${depth}.`);
  const outShape = [...indices.shape, depth];
  checkRank('oneHot', outShape);
  return runKernel1(oneHotKernel, [indices], { shape: outShape, dtype: 'float32' }, { depth, onValue, offValue });
}

