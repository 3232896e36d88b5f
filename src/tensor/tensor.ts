// The Tensor facade: shape, dtype, data access and disposal, and the chained form of the common
// ops (`a.add(b).relu()`). Every method delegates to the op of the same name in src/ops/.

import type { Storage } from '../backend/storage';
import { formatShape, sizeOf, type ConcreteShape, type DType, type TypedArray } from '../backend/types';
import { disposeCompanions, retrackTensor, trackTensor, untrackTensor } from './memory';
import { activeTracer } from './trace';
import * as elementwise from '../ops/elementwise';
import * as reduce from '../ops/reduce';
import * as shapeOps from '../ops/shape';
import { matmul, type MatmulOptions } from '../ops/matmul';
import { softmax, logSoftmax } from '../ops/softmax';
import { clone as cloneOp } from '../ops/clone';

/** A tensor or a plain number wherever an operand is expected. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `array()` returns them. */
export type NestedArray = number | NestedArray[];

let nextId = 0;

/** The id the next tensor will get (ids grow in creation order). */
export function nextTensorId(): number {
  return nextId;
}

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Marks tensors across module copies (used by tidy to find returned tensors). */
  readonly isTensorInstance = true;
  private _storage: Storage | null;

  /** @internal Tensors are made by ops and creation functions (`tensor`, `zeros`, ...). */
  constructor(storage: Storage, shape: ConcreteShape, dtype: DType) {
    this._storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    trackTensor(this, storage);
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get isDisposed(): boolean {
    return this._storage === null;
  }

  /** @internal The memory behind the tensor; throws once disposed. */
  get storage(): Storage {
    if (!this._storage) throw new Error(`Tensor of shape ${formatShape(this.shape)} was used after it was disposed.`);
    return this._storage;
  }

  /** @internal Gives the tensor new contents of the same shape (Variable.assign). */
  protected replaceStorage(storage: Storage): void {
    const previous = this.storage;
    this._storage = storage;
    retrackTensor(this, storage);
    previous.release();
  }

  /** Copies the values to the CPU (after all pending GPU work that writes them). */
  async data(): Promise<TypedArray> {
    const storage = this.storage;
    activeTracer()?.read();
    if (storage.values) return storage.values.slice(0, this.size);
    return storage.gpu!.read(storage.buffer!, this.size, this.dtype);
  }

  /** The values as nested arrays following the shape (a number for a scalar). */
  async array(): Promise<NestedArray> {
    const values = await this.data();
    return nest(values, this.shape, 0, 0);
  }

  /** Releases the tensor's memory, and its companions' (its mask, see getMask). Safe to call twice. */
  dispose(): void {
    if (!this._storage) return;
    this._storage.release();
    this._storage = null;
    untrackTensor(this);
    disposeCompanions(this);
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}${this.isDisposed ? ', disposed' : ''})`;
  }

  // Element-wise, binary.
  add(b: TensorLike): Tensor { return elementwise.add(this, b); }
  sub(b: TensorLike): Tensor { return elementwise.sub(this, b); }
  mul(b: TensorLike): Tensor { return elementwise.mul(this, b); }
  div(b: TensorLike): Tensor { return elementwise.div(this, b); }
  pow(b: TensorLike): Tensor { return elementwise.pow(this, b); }
  maximum(b: TensorLike): Tensor { return elementwise.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return elementwise.minimum(this, b); }
  equal(b: TensorLike): Tensor { return elementwise.equal(this, b); }
  notEqual(b: TensorLike): Tensor { return elementwise.notEqual(this, b); }
  greater(b: TensorLike): Tensor { return elementwise.greater(this, b); }
  greaterEqual(b: TensorLike): Tensor { return elementwise.greaterEqual(this, b); }
  less(b: TensorLike): Tensor { return elementwise.less(this, b); }
  lessEqual(b: TensorLike): Tensor { return elementwise.lessEqual(this, b); }
  logicalAnd(b: TensorLike): Tensor { return elementwise.logicalAnd(this, b); }
  logicalOr(b: TensorLike): Tensor { return elementwise.logicalOr(this, b); }

  // Element-wise, unary.
  neg(): Tensor { return elementwise.neg(this); }
  abs(): Tensor { return elementwise.abs(this); }
  sign(): Tensor { return elementwise.sign(this); }
  square(): Tensor { return elementwise.square(this); }
  sqrt(): Tensor { return elementwise.sqrt(this); }
  rsqrt(): Tensor { return elementwise.rsqrt(this); }
  exp(): Tensor { return elementwise.exp(this); }
  log(): Tensor { return elementwise.log(this); }
  log1p(): Tensor { return elementwise.log1p(this); }
  expm1(): Tensor { return elementwise.expm1(this); }
  sin(): Tensor { return elementwise.sin(this); }
  cos(): Tensor { return elementwise.cos(this); }
  tanh(): Tensor { return elementwise.tanh(this); }
  sigmoid(): Tensor { return elementwise.sigmoid(this); }
  softplus(): Tensor { return elementwise.softplus(this); }
  relu(): Tensor { return elementwise.relu(this); }
  relu6(): Tensor { return elementwise.relu6(this); }
  leakyRelu(alpha?: number): Tensor { return elementwise.leakyRelu(this, alpha); }
  elu(alpha?: number): Tensor { return elementwise.elu(this, alpha); }
  selu(): Tensor { return elementwise.selu(this); }
  gelu(approximate?: boolean): Tensor { return elementwise.gelu(this, approximate); }
  swish(): Tensor { return elementwise.swish(this); }
  silu(): Tensor { return elementwise.silu(this); }
  floor(): Tensor { return elementwise.floor(this); }
  ceil(): Tensor { return elementwise.ceil(this); }
  round(): Tensor { return elementwise.round(this); }
  clip(min: number, max: number): Tensor { return elementwise.clip(this, min, max); }
  logicalNot(): Tensor { return elementwise.logicalNot(this); }
  isNaN(): Tensor { return elementwise.isNaN(this); }
  isFinite(): Tensor { return elementwise.isFinite(this); }
  cast(dtype: DType): Tensor { return elementwise.cast(this, dtype); }

  // Reductions.
  sum(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.sum(this, axis, keepDims); }
  mean(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.mean(this, axis, keepDims); }
  max(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.max(this, axis, keepDims); }
  min(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.min(this, axis, keepDims); }
  prod(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.prod(this, axis, keepDims); }
  logSumExp(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.logSumExp(this, axis, keepDims); }
  all(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.all(this, axis, keepDims); }
  any(axis?: number | number[], keepDims?: boolean): Tensor { return reduce.any(this, axis, keepDims); }
  argMax(axis?: number, keepDims?: boolean): Tensor { return reduce.argMax(this, axis, keepDims); }
  argMin(axis?: number, keepDims?: boolean): Tensor { return reduce.argMin(this, axis, keepDims); }

  // Linear algebra and normalization.
  matmul(b: Tensor, options?: MatmulOptions): Tensor { return matmul(this, b, options); }
  softmax(axis?: number): Tensor { return softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return logSoftmax(this, axis); }

  // Shape.
  reshape(shape: readonly number[]): Tensor { return shapeOps.reshape(this, shape); }
  /** A copy in memory of its own (as TF.js's clone): disposing this tensor leaves it intact. */
  clone(): Tensor { return cloneOp(this); }
  flatten(): Tensor { return shapeOps.reshape(this, [-1]); }
  transpose(perm?: readonly number[]): Tensor { return shapeOps.transpose(this, perm); }
  expandDims(axis?: number): Tensor { return shapeOps.expandDims(this, axis); }
  squeeze(axis?: number | number[]): Tensor { return shapeOps.squeeze(this, axis); }
  slice(begin: readonly number[], size?: readonly number[]): Tensor { return shapeOps.slice(this, begin, size); }
  /** ops.pad: `x.pad(padWidth, mode?, constantValues?)`, or `x.pad(padWidth, value)` to pad with a constant. */
  pad(padWidth: shapeOps.PadWidth, mode?: shapeOps.PadMode | number, constantValues?: number): Tensor { return shapeOps.pad(this, padWidth, mode, constantValues); }
  tile(reps: readonly number[]): Tensor { return shapeOps.tile(this, reps); }
  broadcastTo(shape: readonly number[]): Tensor { return shapeOps.broadcastTo(this, shape); }
  gather(indices: Tensor | readonly number[], axis?: number): Tensor { return shapeOps.gather(this, indices, axis); }
}

function nest(values: TypedArray, shape: readonly number[], dim: number, offset: number): NestedArray {
  if (shape.length === 0) return values[0];
  const n = shape[dim];
  if (dim === shape.length - 1) return Array.from(values.subarray(offset, offset + n));
  const inner = sizeOf(shape.slice(dim + 1));
  const out: NestedArray[] = [];
  for (let i = 0; i < n; i++) out.push(nest(values, shape, dim + 1, offset + i * inner));
  return out;
}
