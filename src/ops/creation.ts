// Tensors made on the device from a rule rather than from values: fill, zeros, ones, range, eye
// (shaders/fill.wgsl) and oneHot (shaders/one_hot.wgsl; float indices are cast first). Nothing
// is uploaded: each is one dispatch writing every element. Arguments are validated here, before
// any GPU work.

import { formatShape, sizeOf, type ConcreteShape, type DType } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { cast } from './elementwise';
import { runKernel1, type Kernel } from './kernel';
import { checkRank } from './shape_util';
import { checkDtype, checkOptionNames, checkShape, checkTensor } from './validate';
import fillShader from '../../shaders/fill.wgsl?raw';
import oneHotShader from '../../shaders/one_hot.wgsl?raw';

const WORKGROUP_SIZE = 256;

/** Codes match the MODE_* constants of shaders/fill.wgsl. */
const FILL_MODES = { fill: 0, range: 1, eye: 2 } as const;

interface FillAttrs {
  mode: (typeof FILL_MODES)[keyof typeof FILL_MODES];
  /** fill: the value; range: the start; eye: the diagonal offset k. */
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
      else dst[i] = (i % columns) - Math.floor(i / columns) === value ? 1 : 0;
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
 * Zeros with the shape of `x` and its dtype, or `dtype` (keras.ops.zeros_like).
 *
 * @example
 * const velocity = zerosLike(weights);
 * const floats = zerosLike(ids, 'float32');
 */
export function zerosLike(x: Tensor, dtype?: DType): Tensor {
  checkTensor('zerosLike', x);
  return filled('zerosLike', x.shape, 0, dtype ?? x.dtype);
}

/**
 * Ones with the shape of `x` and its dtype, or `dtype` (keras.ops.ones_like).
 *
 * @example
 * const grad = onesLike(loss);
 * const counts = ops.segmentSum(onesLike(ids, 'float32'), ids, 3);
 */
export function onesLike(x: Tensor, dtype?: DType): Tensor {
  checkTensor('onesLike', x);
  return filled('onesLike', x.shape, 1, dtype ?? x.dtype);
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
 * A rows x columns matrix (keras.ops.eye: N, M, k, dtype) with ones on diagonal `k` and zeros
 * elsewhere: k = 0 is the main diagonal, k > 0 one above it, k < 0 one below. Columns default to
 * rows.
 *
 * @example
 * eye(3);              // 3 x 3 identity
 * eye(2, 4);           // [[1, 0, 0, 0], [0, 1, 0, 0]]
 * eye(3, 3, -1);       // [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
 */
export function eye(rows: number, columns: number = rows, k = 0, dtype: DType = 'float32'): Tensor {
  checkShape('eye', [rows, columns]);
  if (!Number.isInteger(k)) {
    const hint = typeof k === 'string' ? ' (the dtype is the fourth argument: eye(N, M, k, dtype), as keras.ops.eye)' : '';
    throw new Error(`eye: k, the diagonal offset, must be an integer, got ${JSON.stringify(k)}${hint}.`);
  }
  checkDtype('eye', dtype);
  return runFill([rows, columns], dtype, { mode: FILL_MODES.eye, value: k, columns });
}
/** The n x n identity matrix (keras.ops.identity). */
export const identity = (n: number, dtype: DType = 'float32'): Tensor => eye(n, n, 0, dtype);

interface OneHotAttrs {
  depth: number;
  /** Elements of the indices after the encoded axis. */
  inner: number;
  onValue: number;
  offValue: number;
}

const oneHotKernel: Kernel<OneHotAttrs> = {
  name: 'oneHot',
  cpu([indices], [out], { depth, inner, onValue, offValue }) {
    const source = indices.values;
    for (let i = 0; i < out.values.length; i++) {
      const r = i % inner;
      const d = Math.floor(i / inner) % depth;
      const outer = Math.floor(i / (inner * depth));
      out.values[i] = source[outer * inner + r] === d ? onValue : offValue;
    }
  },
  webgpu(gpu, [indices], [out], { depth, inner, onValue, offValue }) {
    gpu.dispatch({
      shader: oneHotShader,
      constants: { OUT_INT: out.dtype === 'int32' },
      uniforms: new Uniforms().u32(out.size, depth, inner).f32(onValue, offValue).i32(onValue, offValue).finish(),
      buffers: [indices.buffer, out.buffer],
      workgroups: gridFor(out.size, WORKGROUP_SIZE),
    });
  },
};

/** What `oneHot` takes besides Keras's positional arguments. */
export interface OneHotOptions {
  /** The output dtype (Keras's `dtype`); default 'float32'. */
  dtype?: DType;
  /** The value at each index (TF.js's `onValue`); default 1 (truncated for int32). */
  onValue?: number;
  /** The value elsewhere (TF.js's `offValue`); default 0 (truncated for int32). */
  offValue?: number;
}

const ONE_HOT_OPTIONS = { dtype: true, onValue: true, offValue: true } as const;

/**
 * One-hot encoding of class indices (keras.ops.one_hot): a tensor with a new axis `axis` (default
 * -1, the last) of length `numClasses`, holding `onValue` (1) at each index and `offValue` (0)
 * elsewhere. Float indices are cast to int32 (truncated toward zero, as Keras). Indices outside
 * [0, numClasses) give `offValue` along the whole new axis.
 *
 * @example
 * const labels = tensor(new Int32Array([0, 2, 1]), [3]);
 * oneHot(labels, 3);                                  // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * oneHot(labels, 3, 0);                               // the transpose: classes along axis 0
 * oneHot(labels, 3, -1, { onValue: 0.9, offValue: 0.05 });
 */
export function oneHot(indices: Tensor, numClasses: number, axis = -1, options: OneHotOptions = {}): Tensor {
  checkTensor('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}.`);
  if (!Number.isInteger(axis) || axis < -(indices.rank + 1) || axis > indices.rank) {
    throw new Error(
      `oneHot: axis must be an integer in [${-(indices.rank + 1)}, ${indices.rank}] for indices of shape ${formatShape(indices.shape)}, got ${JSON.stringify(axis)} ` +
        '(onValue and offValue are options: oneHot(indices, numClasses, -1, { onValue, offValue })).',
    );
  }
  if (options === null || typeof options !== 'object') throw new Error(`oneHot: options must be an object such as { onValue, offValue, dtype }, got ${JSON.stringify(options)}.`);
  checkOptionNames('oneHot', options, ONE_HOT_OPTIONS);
  const { dtype = 'float32', onValue = 1, offValue = 0 } = options;
  checkDtype('oneHot', dtype);
  for (const [name, v] of [['onValue', onValue], ['offValue', offValue]] as const) {
    if (typeof v !== 'number') throw new Error(`oneHot: ${name} must be a number, got ${typeof v}.`);
  }
  const at = axis < 0 ? axis + indices.rank + 1 : axis;
  const outShape = [...indices.shape.slice(0, at), numClasses, ...indices.shape.slice(at)];
  checkRank('oneHot', outShape);
  const values = dtype === 'int32' ? { onValue: Math.trunc(onValue), offValue: Math.trunc(offValue) } : { onValue, offValue };
  const attrs = { depth: numClasses, inner: sizeOf(indices.shape.slice(at)), ...values };
  if (indices.dtype === 'int32') return runKernel1(oneHotKernel, [indices], { shape: outShape, dtype }, attrs);
  return tidy(() => runKernel1(oneHotKernel, [cast(indices, 'int32')], { shape: outShape, dtype }, attrs));
}
