// Tensors made from values that live on the CPU: `tensor`, `scalar`. Values are uploaded once;
// everything computed from them stays on the active backend.

import { activeGpu, getBackend } from '../backend/engine';
import { activeTracer } from './trace';
import { Storage } from '../backend/storage';
import { formatShape, sizeOf, type DType, type TypedArray } from '../backend/types';
import { Tensor, type NestedArray } from './tensor';

/** The JavaScript typed arrays `tensor` reads (not BigInt64Array and BigUint64Array). */
export type NumericArray = TypedArray | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Uint32Array;

export type TensorValues = number | boolean | NumericArray | NestedArray | boolean[] | readonly unknown[];

/** Typed arrays whose values all fit int32: their tensors default to int32, as Keras keeps an integer array's values integers. */
const INTEGER_ARRAYS = [Int32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray];

/**
 * Makes a tensor from a number, nested arrays or a typed array. The dtype defaults to int32 for a
 * typed array of 8-, 16- or 32-bit integers (image bytes in a Uint8Array too), else float32.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);              // float32, shape [2, 2]
 * const y = tensor(new Int32Array([0, 2]), [2]);   // int32
 * const z = tensor([1, 2, 3, 4], [2, 2]);
 */
export function tensor(values: TensorValues, shape?: readonly number[], dtype?: DType): Tensor {
  if (shape !== undefined && !Array.isArray(shape) && !ArrayBuffer.isView(shape)) {
    const hint = typeof shape === 'string' ? ` For a dtype alone, pass tensor(values, undefined, '${shape}').` : '';
    throw new Error(`tensor: shape must be an array of non-negative integers, got ${JSON.stringify(shape) ?? String(shape)}.${hint}`);
  }
  const inferredShape = inferShape(values);
  const flat = flatten(values, inferredShape);
  const targetShape = shape ?? inferredShape;
  for (const d of targetShape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`tensor: shape ${formatShape(targetShape)} must hold non-negative integers.`);
  }
  if (sizeOf(targetShape) !== flat.length) {
    throw new Error(`tensor: ${flat.length} values do not fill shape ${formatShape(targetShape)} (which holds ${sizeOf(targetShape)}).`);
  }
  const type = dtype ?? (INTEGER_ARRAYS.some((kind) => values instanceof kind) ? 'int32' : 'float32');
  if (type !== 'float32' && type !== 'int32') throw new Error(`tensor: unknown dtype '${String(type)}'. Expected 'float32' or 'int32'.`);
  const typed = type === 'int32' ? Int32Array.from(flat, (v) => Math.trunc(v)) : Float32Array.from(flat);
  return fromTypedArray(typed, targetShape, type);
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(Number(value), [], dtype);
}

/** @internal Wraps a typed array (taken, not copied) as a tensor on the active backend. */
export function fromTypedArray(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const t = onActiveBackend(values, shape, dtype);
  if (t.storage.gpu) activeTracer()?.upload(t, values);
  return t;
}

/**
 * @internal A tensor of CPU values that follow CPU-side state from step to step (the optimizer's
 * learning rate and bias-corrected step size): uploaded now, and computed and uploaded again by
 * each replay of a traced step, where an ordinary upload is a constant of the step.
 */
export function stepDependentValues(compute: () => TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const t = onActiveBackend(compute(), shape, dtype);
  if (t.storage.gpu) activeTracer()?.stepUpload(t, compute);
  return t;
}

/** The typed array (taken, not copied) as a tensor: wrapped on the CPU backend, uploaded on WebGPU. */
function onActiveBackend(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  if (getBackend() === 'cpu') return new Tensor(Storage.cpu(values), shape, dtype);
  const gpu = activeGpu();
  return new Tensor(Storage.webgpu(gpu, gpu.upload(values)), shape, dtype);
}

function inferShape(values: TensorValues): number[] {
  if (typeof values === 'number' || typeof values === 'boolean') return [];
  if (ArrayBuffer.isView(values)) return [(values as TypedArray).length];
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(values: TensorValues, shape: number[]): ArrayLike<number> {
  if (typeof values === 'number' || typeof values === 'boolean') return [Number(values)];
  if (ArrayBuffer.isView(values)) return values as TypedArray;
  const out: number[] = [];
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v === 'number') out.push(v);
      else if (typeof v === 'boolean') out.push(v ? 1 : 0);
      else throw new Error(`tensor: expected a number at ${path || 'the top'}, got ${Array.isArray(v) ? 'an array (the nesting is ragged)' : typeof v}.`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`tensor: ragged nested array: expected ${shape[dim]} entries at ${path || 'the top'} (shape ${formatShape(shape)}), got ${Array.isArray(v) ? v.length : typeof v}.`);
    }
    v.forEach((item, i) => walk(item, dim + 1, `${path}[${i}]`));
  };
  walk(values, 0, '');
  return out;
}
