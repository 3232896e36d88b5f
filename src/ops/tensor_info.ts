// What keras.ops says about a tensor rather than computes on it: ndim, shape, size and dtype
// (plain values, known in TypeScript for tensors and for the symbolic tensors of a functional
// model, whose unknown dimensions are null), isTensor, and the conversions convertToTensor,
// array and convertToNumpy (an async read, the one place here that waits for the device).

import { formatShape, type DType } from '../backend/types';
import { tensor, type TensorValues } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import type { SymbolicTensor } from '../layers/symbolic';
import { cast } from './elementwise';
import { describeValue } from './validate';

/** A tensor or a functional model's symbolic tensor: what the queries below read. */
type Described = Tensor | SymbolicTensor;

function described(op: string, x: unknown): Described {
  const candidate = x as Partial<Tensor & SymbolicTensor> | null;
  if (candidate === null || typeof candidate !== 'object' || !(candidate.isTensorInstance || candidate.isSymbolic)) {
    throw new Error(`${op}: expected a Tensor or a symbolic tensor, got ${describeValue(x)}.`);
  }
  if (candidate.isTensorInstance && (x as Tensor).isDisposed) throw new Error(`${op}: a tensor of shape ${formatShape((x as Tensor).shape)} was used after it was disposed.`);
  return x as Described;
}

/**
 * The rank of `x` (keras.ops.ndim).
 *
 * @example
 * ops.ndim(zeros([2, 3]));   // 2
 */
export function ndim(x: Described): number {
  return described('ndim', x).shape.length;
}

/**
 * The shape of `x` as an array (keras.ops.shape); a symbolic tensor's unknown dimensions
 * (its batch, say) are null.
 *
 * @example
 * ops.shape(zeros([2, 3]));              // [2, 3]
 * ops.shape(Input({ shape: [3] }));      // [null, 3]
 */
export function shape(x: Tensor): number[];
export function shape(x: Described): Array<number | null>;
export function shape(x: Described): Array<number | null> {
  return [...described('shape', x).shape];
}

/**
 * The number of elements of `x` (keras.ops.size); null for a symbolic tensor with an unknown
 * dimension.
 *
 * @example
 * ops.size(zeros([2, 3]));   // 6
 */
export function size(x: Tensor): number;
export function size(x: Described): number | null;
export function size(x: Described): number | null {
  const dims = described('size', x).shape;
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}

/**
 * The dtype of `x` (keras.ops.dtype): 'float32' or 'int32'.
 *
 * @example
 * ops.dtype(tensor([1, 2], [2], 'int32'));   // 'int32'
 */
export function dtype(x: Described): DType {
  return described('dtype', x).dtype;
}

/**
 * Whether `x` is a tensor of this library (keras.ops.is_tensor): false for numbers, arrays and a
 * functional model's symbolic tensors, as Keras's is false for its KerasTensor.
 *
 * @example
 * ops.isTensor(tensor([1]));   // true
 * ops.isTensor([1]);           // false
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * `x` as a tensor (keras.ops.convert_to_tensor): a tensor itself (cast when `dtype` differs), or
 * a number or (nested) array of numbers uploaded, float32 unless `dtype` says otherwise.
 *
 * @example
 * ops.convertToTensor([[1, 2], [3, 4]]);   // a [2, 2] float32 tensor
 */
export function convertToTensor(x: Tensor | TensorValues, dtype?: DType): Tensor {
  if (x instanceof Tensor) return dtype === undefined || dtype === x.dtype ? x : cast(x, dtype);
  return tensor(x, undefined, dtype);
}

/**
 * A new tensor of `x`'s values (keras.ops.array, NumPy's array): float32 unless `dtype` says
 * otherwise; a tensor is copied (cast to `dtype` when given).
 *
 * @example
 * ops.array([1, 2, 3], 'int32');
 */
export function array(x: Tensor | TensorValues, dtype?: DType): Tensor {
  if (x instanceof Tensor) return cast(x, dtype ?? x.dtype);
  return tensor(x, undefined, dtype);
}

/**
 * `x`'s values as nested arrays of numbers (keras.ops.convert_to_numpy): a read of the device,
 * so it is async, as `x.array()`.
 *
 * @example
 * await ops.convertToNumpy(tensor([[1, 2], [3, 4]]));   // [[1, 2], [3, 4]]
 */
export async function convertToNumpy(x: Tensor): Promise<unknown> {
  if (!(x instanceof Tensor)) throw new Error(`convertToNumpy: expected a Tensor, got ${describeValue(x)}.`);
  return x.array();
}
