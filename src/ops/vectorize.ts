// keras.ops.vectorize: turns a function of elements into one of broadcast tensors, NumPy's
// vectorize. Without a signature the elements are scalars, and a function written with
// element-wise ops already maps itself over every element: it is called once, on the arguments
// broadcast to one shape, and its result checked to keep that shape (JAX's vmap over every axis,
// which Keras's JAX backend uses, gives the same values for such a function). With a signature
// such as '(m,n),(n)->(m)' the function sees core blocks: it is called once per element of the
// broadcast loop dimensions, on slices (gather), and the results stacked, so the whole is
// differentiable, at the cost of one call per loop element.

import { formatShape, sizeOf } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { broadcastTo, gather, reshape, stack } from './shape';
import { broadcastShapes } from './shape_util';

/** Options of `vectorize` (keras.ops.vectorize). */
export interface VectorizeOptions {
  /** Positions of arguments passed to the function unchanged, not vectorized. */
  excluded?: Iterable<number>;
  /**
   * A generalized ufunc signature, `'(m,n),(n)->(m)'`: the core dimensions of each
   * non-excluded argument and of each result (several results: `'()->(),()'`).
   */
  signature?: string;
}

/** A vectorized function's result: one tensor, or one per result of the signature. */
export type VectorizedResult = Tensor | Tensor[];

/**
 * Returns a function that maps `fn` over its tensor arguments element by element, with
 * broadcasting (keras.ops.vectorize, NumPy semantics). Arguments may be tensors, numbers or
 * number lists; those at `excluded` positions reach `fn` unchanged. Without `signature`, `fn`
 * must be element-wise (made of element-wise ops): it is called once on the broadcast arguments,
 * and a result of another shape is an error. With `signature`, `fn` is called once per element
 * of the broadcast loop dimensions on the arguments' core blocks, and must return tensors of the
 * signature's core shapes; `vectorizedMap` or batch-aware ops are faster where they apply.
 *
 * @example
 * vectorize((a, b) => ops.add(a, b))(tensor([1, 2, 3, 4]), 2);   // [3, 4, 5, 6]
 * const matvec = vectorize((m, v) => ops.matmul(m, v), { signature: '(m,n),(n)->(m)' });
 * matvec(zeros([5, 2, 3]), ones([3])).shape;                        // [5, 2]
 */
export function vectorize(fn: (...args: never[]) => VectorizedResult, options: VectorizeOptions = {}): (...args: unknown[]) => VectorizedResult {
  if (typeof fn !== 'function') throw new Error(`vectorize: expected a function, got ${fn === null ? 'null' : typeof fn}.`);
  const excluded = new Set(options.excluded ?? []);
  const signature = options.signature === undefined ? null : parseSignature(options.signature);
  return (...args: unknown[]) => {
    const positions = args.flatMap((_, i) => (excluded.has(i) ? [] : [i]));
    if (signature && signature.inputs.length !== positions.length) {
      throw new Error(`vectorize: signature '${options.signature}' has ${signature.inputs.length} inputs, got ${positions.length} vectorized arguments.`);
    }
    return tidy(() => {
      const tensors = positions.map((i) => asTensor(args[i]));
      const call = (values: readonly unknown[]) => {
        const full = [...args];
        positions.forEach((p, k) => (full[p] = values[k]));
        return (fn as (...values: unknown[]) => VectorizedResult)(...full);
      };
      return signature ? applyWithSignature(call, tensors, signature, options.signature!) : applyElementwise(call, tensors);
    });
  };
}

interface Signature {
  inputs: string[][];
  outputs: string[][];
}

function parseSignature(text: string): Signature {
  const parts = typeof text === 'string' ? /^\s*(.*?)\s*->\s*(.*?)\s*$/.exec(text) : null;
  const blocks = (side: string) => (/^(\(\s*(\w+(\s*,\s*\w+)*)?\s*\)\s*,?\s*)+$/.test(side) ? [...side.matchAll(/\(([^)]*)\)/g)].map((m) => m[1].split(',').map((d) => d.trim()).filter((d) => d !== '')) : null);
  const inputs = parts && blocks(parts[1]);
  const outputs = parts && blocks(parts[2]);
  if (!inputs || !outputs) throw new Error(`vectorize: signature ${JSON.stringify(text)} is not of the form '(m,n),(n)->(m)'.`);
  return { inputs, outputs };
}

function asTensor(value: unknown): Tensor {
  if (value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance) return value as Tensor;
  if (typeof value === 'number' || Array.isArray(value)) return tensor(value as number | number[]);
  const got = value === null ? 'null' : typeof value === 'object' ? 'an object that is not a Tensor (symbolic tensors from Input have no vectorized form: vectorize runs eagerly)' : typeof value;
  throw new Error(`vectorize: a vectorized argument must be a tensor, a number or a list of numbers, got ${got}; list its position in excluded to pass it unchanged.`);
}

function applyElementwise(call: (values: readonly Tensor[]) => VectorizedResult, tensors: Tensor[]): VectorizedResult {
  const shape = tensors.reduce<number[]>((s, t) => broadcastShapes('vectorize', s, t.shape), []);
  const result = call(tensors.map((t) => broadcastTo(t, shape)));
  for (const y of Array.isArray(result) ? result : [result]) {
    if (y === null || typeof y !== 'object' || !y.isTensorInstance || formatShape(y.shape) !== formatShape(shape)) {
      throw new Error(
        `vectorize: without a signature the function must be element-wise, returning tensors of the arguments' broadcast shape ${formatShape(shape)}; got ${y?.isTensorInstance ? `shape ${formatShape(y.shape)}` : typeof y}. Give a signature such as '(n)->()' for a function of blocks.`,
      );
    }
  }
  return result;
}

function applyWithSignature(call: (values: readonly Tensor[]) => VectorizedResult, tensors: Tensor[], signature: Signature, text: string): VectorizedResult {
  const sizes = new Map<string, number>();
  const bind = (name: string, n: number, what: string) => {
    if ((sizes.get(name) ?? n) !== n) throw new Error(`vectorize: signature '${text}': core dimension '${name}' is ${sizes.get(name)} and ${n} (${what}).`);
    sizes.set(name, n);
  };
  let loopShape: number[] = [];
  tensors.forEach((t, k) => {
    const core = signature.inputs[k];
    if (t.rank < core.length) throw new Error(`vectorize: signature '${text}': argument ${k} of shape ${formatShape(t.shape)} has fewer than the ${core.length} core dimensions (${core.join(',')}).`);
    core.forEach((name, j) => bind(name, t.shape[t.rank - core.length + j], `argument ${k} of shape ${formatShape(t.shape)}`));
    loopShape = broadcastShapes('vectorize', loopShape, t.shape.slice(0, t.rank - core.length));
  });
  const count = sizeOf(loopShape);
  if (count === 0) throw new Error(`vectorize: signature '${text}': the loop dimensions ${formatShape(loopShape)} are empty, so the result shapes cannot be found.`);
  const blocks = tensors.map((t, k) => {
    const core = t.shape.slice(t.rank - signature.inputs[k].length);
    return reshape(broadcastTo(t, [...loopShape, ...core]), [count, ...core]);
  });
  const results: Tensor[][] = signature.outputs.map(() => []);
  for (let i = 0; i < count; i++) {
    const result = call(blocks.map((b) => reshape(gather(b, [i], 0), b.shape.slice(1))));
    const list = Array.isArray(result) ? result : [result];
    if (list.length !== signature.outputs.length) throw new Error(`vectorize: signature '${text}' has ${signature.outputs.length} results, the function returned ${list.length}.`);
    list.forEach((y, o) => {
      const core = signature.outputs[o];
      if (!y?.isTensorInstance || y.rank !== core.length) throw new Error(`vectorize: signature '${text}': result ${o} must be a tensor with core dimensions (${core.join(',')}), got ${y?.isTensorInstance ? `shape ${formatShape(y.shape)}` : typeof y}.`);
      core.forEach((name, j) => bind(name, y.shape[j], `result ${o} of shape ${formatShape(y.shape)}`));
      results[o].push(y);
    });
  }
  const outputs = results.map((list) => reshape(stack(list, 0), [...loopShape, ...list[0].shape]));
  return outputs.length === 1 ? outputs[0] : outputs;
}
