// Control flow (keras.ops.cond, switch, while_loop, fori_loop, scan, map, vectorized_map,
// associative_scan) with eager semantics, as Keras's NumPy and torch backends: each is a
// TypeScript loop or branch around the user's functions, so their ops run as usual (on the GPU
// under WebGPU) and gradients flow through whatever ops they record. States are "trees" as in
// Keras: a tensor, or arrays and plain objects of them. Two choices avoid reading tensors back:
// a tensor predicate (cond) or index (switch) runs every branch and selects the results on the
// device with `where`; whileLoop, whose condition must be known on the host, is async and reads
// one value per iteration (so a tape, which records synchronously, cannot differentiate it).

import { formatShape } from '../backend/types';
import { scalar } from '../tensor/creation';
import { dispose, tidy } from '../tensor/memory';
import { nextTensorId, type Tensor } from '../tensor/tensor';
import { cast, clip, equal, where } from './elementwise';
import { concat, reshape, slice, stack } from './shape';
import { flip } from './rearrange';
import { normalizeAxis, sameShape } from './shape_util';
import { checkOptionNames, describeValue } from './validate';

/** A nested structure of tensors (Keras's "pytree"): a tensor, or arrays and plain objects of trees. */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** A tree of loop or scan state as the functions see it: its numbers made float32 scalar tensors. */
export type Tensorized<T> = T extends number
  ? Tensor
  : T extends Tensor | null | undefined
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Tensorized<T[K]> }
      : T extends object
        ? { [K in keyof T]: Tensorized<T[K]> }
        : T;

/** The arguments of whileLoop's functions: the loop variables spread when they are an array, else the one value. */
type LoopArguments<V> = V extends readonly unknown[] ? V : [V];

export interface WhileLoopOptions {
  /** Stop after this many iterations even if `cond` still holds (default: no limit). */
  maximumIterations?: number;
}

export interface ScanOptions {
  /** The number of steps; required without `xs`, else it must equal their leading dimension. */
  length?: number;
  /** Scan from the last element to the first; the stacked outputs keep the input order (default false). */
  reverse?: boolean;
  /** Accepted for Keras compatibility (a positive integer or boolean); eager loops are not unrolled. */
  unroll?: number | boolean;
}

export interface AssociativeScanOptions {
  /** Scan from the end of the axis (default false). */
  reverse?: boolean;
  /** The axis scanned (default 0). */
  axis?: number;
}

/**
 * `trueFn()` if `pred` holds, else `falseFn()`, as `keras.ops.cond`. A boolean or number runs
 * one branch. A tensor predicate (one element, non-zero meaning true) is not read back: both
 * branches run and each output is `where(pred, trueOutput, falseOutput)`, so both must return
 * trees of one structure and shape. Gradients then reach only the selected branch, but a branch
 * whose own gradient is NaN or infinite at the given inputs still spoils them, as in JAX.
 *
 * @example
 * ops.cond(ops.greater(ops.sum(x), 0), () => ops.mul(x, 2), () => ops.neg(x));
 */
export function cond<T>(pred: boolean | number | Tensor, trueFn: () => T, falseFn: () => T): T {
  checkFunction('cond', 'trueFn', trueFn);
  checkFunction('cond', 'falseFn', falseFn);
  if (typeof pred === 'boolean' || typeof pred === 'number') return pred ? trueFn() : falseFn();
  const flag = checkScalarTensor('cond', 'pred', pred);
  return tidy(() => {
    const whenTrue = trueFn();
    const whenFalse = falseFn();
    const trueLeaves = leavesOf('cond', whenTrue);
    const falseLeaves = matchingLeaves('cond', 'the false branch', whenFalse, trueLeaves);
    const chosen = trueLeaves.map((leaf, i) => where(reshape(flag, []), leaf, falseLeaves[i]));
    return rebuild(whenTrue, chosen) as T;
  });
}

/**
 * `branches[index](...operands)`, with `index` clamped into [0, branches.length - 1], as
 * `keras.ops.switch`. A number runs one branch (truncated to an integer). A tensor index (one
 * element) is not read back: every branch runs and the outputs are selected on the device, so
 * all branches must return trees of one structure and shape.
 *
 * @example
 * ops.switch(1, [(a, b) => ops.add(a, b), (a, b) => ops.sub(a, b)], x, y);   // x - y
 */
export function switchCase<T>(index: number | Tensor, branches: ReadonlyArray<(...operands: Tensor[]) => T>, ...operands: Tensor[]): T {
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new Error(`switch: branches must be a non-empty array of functions, got ${Array.isArray(branches) ? 'an empty array' : describeValue(branches)}.`);
  }
  branches.forEach((branch, i) => checkFunction('switch', `branches[${i}]`, branch));
  const last = branches.length - 1;
  if (typeof index === 'number') {
    if (!Number.isFinite(index)) throw new Error(`switch: index must be a finite number or a tensor, got ${index}.`);
    return branches[Math.min(Math.max(Math.trunc(index), 0), last)](...operands);
  }
  const value = checkScalarTensor('switch', 'index', index);
  return tidy(() => {
    const chosenIndex = clip(cast(reshape(value, []), 'int32'), 0, last);
    const outputs = branches.map((branch) => branch(...operands));
    const leaves = outputs.map((output, i) => matchingLeaves('switch', `branch ${i}`, output, leavesOf('switch', outputs[last])));
    const chosen = leaves[last].map((leaf, j) => leaves.slice(0, last).reduceRight((rest, branchLeaves, i) => where(equal(chosenIndex, i), branchLeaves[j], rest), leaf));
    return rebuild(outputs[last], chosen) as T;
  });
}

/**
 * Runs `body` while `cond` holds, as `keras.ops.while_loop`. With an array of `loopVars`, both
 * functions take them as separate arguments and `body` returns the new array; otherwise they
 * take and return the one value. `cond` may return a boolean or a one-element tensor (non-zero:
 * true); that tensor is read back each iteration, which is why the loop is async. Numbers among
 * `loopVars` become float32 scalars. States a step replaces are disposed (unless given by the
 * caller). Being async, the loop cannot run inside `GradientTape.record` (which is synchronous):
 * to differentiate through a loop, give it a known number of steps with `foriLoop` or `scan`.
 *
 * @example
 * const [i, total] = await ops.whileLoop((i, t) => ops.less(i, 5), (i, t) => [ops.add(i, 1), ops.add(t, i)], [0, 0]);
 */
export async function whileLoop<T>(
  cond: NoInfer<(...vars: LoopArguments<Tensorized<T>>) => boolean | number | Tensor>,
  body: NoInfer<(...vars: LoopArguments<Tensorized<T>>) => Tensorized<T>>,
  loopVars: T,
  options: WhileLoopOptions = {},
): Promise<Tensorized<T>> {
  checkFunction('whileLoop', 'cond', cond);
  checkFunction('whileLoop', 'body', body);
  checkOptionNames('whileLoop', options, { maximumIterations: true } satisfies Record<keyof WhileLoopOptions, true>);
  const { maximumIterations } = options;
  if (maximumIterations !== undefined && (!Number.isInteger(maximumIterations) || maximumIterations < 0)) {
    throw new Error(`whileLoop: maximumIterations must be a non-negative integer, got ${String(maximumIterations)}.`);
  }
  const positional = Array.isArray(loopVars);
  const firstOwned = nextTensorId();
  let state = withNumbersAsTensors('whileLoop', loopVars);
  const args = () => (positional ? (state as readonly TensorTree[]) : [state]) as unknown as LoopArguments<Tensorized<T>>;
  for (let iteration = 0; maximumIterations === undefined || iteration < maximumIterations; iteration++) {
    if (!(await holds(tidy(() => cond(...args())), firstOwned))) break;
    const previous = leavesOf('whileLoop', state);
    const next = tidy((): unknown => {
      const result = body(...args());
      return positional && !Array.isArray(result) ? [result] : result;
    });
    matchingLeaves('whileLoop', 'the state body returned', next, previous);
    const kept = new Set(leavesOf('whileLoop', next));
    dispose(previous.filter((t) => t.id >= firstOwned && !kept.has(t)));
    state = next as TensorTree;
  }
  return state as Tensorized<T>;
}

/**
 * `state = body(i, state)` for i = lower, ..., upper - 1, returning the final state, as
 * `keras.ops.fori_loop`. The bounds are numbers (a tensor bound would need a read back); the
 * state is passed through as given. Intermediate states are disposed when the loop ends.
 *
 * @example
 * ops.foriLoop(0, 3, (i, x) => ops.mul(x, 2), tensor([1]));   // [8]
 */
export function foriLoop<T>(lower: number, upper: number, body: (i: number, state: T) => T, initVal: T): T {
  checkFunction('foriLoop', 'body', body);
  for (const [name, bound] of [['lower', lower], ['upper', upper]] as const) {
    if (!Number.isInteger(bound)) throw new Error(`foriLoop: ${name} must be an integer number, got ${typeof bound === 'number' ? bound : describeValue(bound)}.`);
  }
  return tidy(() => {
    let state = initVal;
    for (let i = lower; i < upper; i++) state = body(i, state);
    return state;
  });
}

/**
 * Loops `[carry, y] = f(carry, x)` over the slices `x` of `xs` along their leading axis, as
 * `keras.ops.scan` (JAX's lax.scan), returning the last carry and the `y`s stacked along a new
 * leading axis (null when `f` returns null for y). `xs` may be a tree of tensors of one leading
 * dimension, or absent with `length` steps (`x` is then null). The carry must keep its structure
 * and shapes. Numbers in `init` become float32 scalars.
 *
 * @example
 * const [total, partials] = ops.scan((c, x) => [ops.add(c, x), ops.add(c, x)], ops.zeros([2]), xs);   // partials = cumsum(xs, 0)
 */
export function scan<C, X = null, Y = null>(f: (carry: Tensorized<C>, x: X) => readonly [Tensorized<C>, Y], init: C, xs?: X | null, options: ScanOptions = {}): [Tensorized<C>, Y] {
  checkFunction('scan', 'f', f);
  checkOptionNames('scan', options, { length: true, reverse: true, unroll: true } satisfies Record<keyof ScanOptions, true>);
  const { length, reverse = false, unroll = 1 } = options;
  if (typeof unroll !== 'boolean' && (!Number.isInteger(unroll) || unroll < 1)) {
    throw new Error(`scan: unroll must be a positive integer or a boolean, got ${String(unroll)}.`);
  }
  const steps = stepCount('scan', xs, length);
  return tidy(() => {
    let carry = withNumbersAsTensors('scan', init);
    const outputs: Array<TensorTree | null> = [];
    for (let step = 0; step < steps; step++) {
      const i = reverse ? steps - 1 - step : step;
      const result = f(carry as Tensorized<C>, (xs === undefined || xs === null ? null : sliceTree(xs, i)) as X);
      if (!Array.isArray(result) || result.length !== 2) {
        throw new Error(`scan: f must return a pair [carry, y], got ${Array.isArray(result) ? `an array of length ${result.length}` : describeValue(result)}.`);
      }
      matchingLeaves('scan', 'the carry f returned', result[0], leavesOf('scan', carry));
      carry = result[0] as TensorTree;
      outputs.push(result[1] as TensorTree | null);
    }
    if (reverse) outputs.reverse();
    return [carry as Tensorized<C>, stackTrees('scan', outputs) as Y];
  });
}

/**
 * `f` applied to each slice of `xs` along the leading axis, the results stacked, as
 * `keras.ops.map`. `xs` may be a tree of tensors of one leading dimension; `f` gets the matching
 * tree of slices and may return a tree.
 *
 * @example
 * ops.map((row) => ops.sum(row), tensor([[1, 2], [3, 4]]));   // [3, 7]
 */
export function map<X, Y>(f: (x: X) => Y, xs: X): Y {
  checkFunction('map', 'f', f);
  return mapSlices('map', f, xs);
}

/**
 * `f` applied to each slice of `elements` along the leading axis, the results stacked, as
 * `keras.ops.vectorized_map`. Eager: the slices are mapped one by one, as Keras's NumPy backend
 * (an array of tensors gives `f` the array of their slices).
 *
 * @example
 * ops.vectorizedMap((row) => ops.mul(row, row), tensor([[1, 2], [3, 4]]));   // [[1, 4], [9, 16]]
 */
export function vectorizedMap<X, Y>(f: (x: X) => Y, elements: X): Y {
  checkFunction('vectorizedMap', 'f', f);
  return mapSlices('vectorizedMap', f, elements);
}

/**
 * The inclusive scan of `elems` along `axis` under the associative `f`, as
 * `keras.ops.associative_scan`: element i becomes f(...f(f(e0, e1), e2)..., ei). `f` combines two
 * trees of tensors that keep the scanned axis (earlier elements first), element-wise along it;
 * it is called about log2(n) times on whole tensors (a Hillis-Steele scan). `reverse` scans from
 * the end of the axis.
 *
 * @example
 * ops.associativeScan((a, b) => ops.add(a, b), tensor([1, 2, 3, 4]));   // [1, 3, 6, 10]
 */
export function associativeScan<T>(f: (a: T, b: T) => T, elems: T, options: AssociativeScanOptions = {}): T {
  checkFunction('associativeScan', 'f', f);
  checkOptionNames('associativeScan', options, { reverse: true, axis: true } satisfies Record<keyof AssociativeScanOptions, true>);
  const { reverse = false, axis = 0 } = options;
  const leaves = leavesOf('associativeScan', elems);
  if (leaves.length === 0) throw new Error('associativeScan: elems holds no tensor.');
  const axes = leaves.map((leaf) => {
    if (leaf.rank === 0) throw new Error('associativeScan: elems must have rank >= 1, got a scalar (shape []).');
    return normalizeAxis('associativeScan', axis, leaf.rank);
  });
  const n = leaves[0].shape[axes[0]];
  leaves.forEach((leaf, i) => {
    if (leaf.shape[axes[i]] !== n) {
      throw new Error(`associativeScan: every tensor of elems must have the same size along axis ${axis}, got shapes ${leaves.map((t) => formatShape(t.shape)).join(', ')}.`);
    }
  });
  return tidy(() => {
    const sliceAlong = (leaf: Tensor, at: number, begin: number, size: number) => {
      const start = leaf.shape.map((_, d) => (d === at ? begin : 0));
      return slice(leaf, start, leaf.shape.map((s, d) => (d === at ? size : s)));
    };
    // Reversing is scanning the axis read backwards: slices are taken from the other end.
    let current = leaves.map((leaf, i) => (reverse ? flip(leaf, axes[i]) : leaf));
    for (let distance = 1; distance < n; distance *= 2) {
      const earlier = rebuild(elems, current.map((leaf, i) => sliceAlong(leaf, axes[i], 0, n - distance))) as T;
      const later = rebuild(elems, current.map((leaf, i) => sliceAlong(leaf, axes[i], distance, n - distance))) as T;
      const combined = matchingLeaves('associativeScan', 'the tree f returned', f(earlier, later), leavesOf('associativeScan', later));
      current = current.map((leaf, i) => concat([sliceAlong(leaf, axes[i], 0, distance), combined[i]], axes[i]));
    }
    return rebuild(elems, current.map((leaf, i) => (reverse ? flip(leaf, axes[i]) : leaf))) as T;
  });
}

/** The shared loop of map and vectorizedMap. */
function mapSlices<X, Y>(op: string, f: (x: X) => Y, xs: X): Y {
  const steps = stepCount(op, xs, undefined);
  if (steps === 0) throw new Error(`${op}: the tensors to map over have a leading dimension of 0; there is no slice to infer the output from.`);
  return tidy(() => stackTrees(op, Array.from({ length: steps }, (_, i) => f(sliceTree(xs, i) as X) as TensorTree | null)) as Y);
}

/** The number of slices of `xs` along the leading axis, checked against `length` when both are given. */
function stepCount(op: string, xs: unknown, length: number | undefined): number {
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) throw new Error(`${op}: length must be a non-negative integer, got ${String(length)}.`);
  if (xs === undefined || xs === null) {
    if (length === undefined) throw new Error(`${op}: got no xs to scan over and no length.`);
    return length;
  }
  const leaves = leavesOf(op, xs);
  if (leaves.length === 0) throw new Error(`${op}: xs holds no tensor.`);
  const leading = leaves.map((leaf) => {
    if (leaf.rank === 0) throw new Error(`${op}: the tensors of xs must have rank >= 1 (a leading axis to slice), got a scalar.`);
    return leaf.shape[0];
  });
  if (leading.some((d) => d !== leading[0])) {
    throw new Error(`${op}: the tensors of xs must share their leading dimension, got shapes ${leaves.map((t) => formatShape(t.shape)).join(', ')}.`);
  }
  if (length !== undefined && length !== leading[0]) throw new Error(`${op}: length ${length} differs from the leading dimension ${leading[0]} of xs.`);
  return leading[0];
}

/** The tree of slices i of the leaves of `xs` along their leading axis. */
function sliceTree(xs: unknown, i: number): TensorTree {
  return rebuild(xs, leavesOf('scan', xs).map((leaf) => reshape(slice(leaf, leaf.shape.map((_, d) => (d === 0 ? i : 0)), [1, ...leaf.shape.slice(1)]), leaf.shape.slice(1))));
}

/** The trees of `outputs` (one structure) stacked leaf by leaf along a new leading axis; null when they are null. */
function stackTrees(op: string, outputs: ReadonlyArray<TensorTree | null>): TensorTree | null {
  if (outputs.length === 0 || outputs.every((o) => o === null)) return null;
  const first = outputs[0];
  if (first === null) throw new Error(`${op}: f returned null for some slices and a value for others.`);
  const firstLeaves = leavesOf(op, first);
  const all = outputs.map((o, i) => {
    if (o === null) throw new Error(`${op}: f returned null for some slices and a value for others.`);
    return matchingLeaves(op, `the output for slice ${i}`, o, firstLeaves);
  });
  return rebuild(first, firstLeaves.map((_, j) => stack(all.map((leaves) => leaves[j]), 0)));
}

/** Whether a loop condition holds: a boolean, a number, or a one-element tensor read back (and freed if the loop made it). */
async function holds(value: boolean | number | Tensor, firstOwned: number): Promise<boolean> {
  if (typeof value === 'boolean' || typeof value === 'number') return Boolean(value);
  checkScalarTensor('whileLoop', 'the value cond returned', value);
  const [flag] = await value.data();
  if (value.id >= firstOwned) value.dispose();
  return flag !== 0;
}

/** The leaves of a tree in order (array items by index, object values by key order). */
export function leavesOf(op: string, tree: unknown): Tensor[] {
  if (isTensor(tree)) return [tree];
  if (Array.isArray(tree)) return tree.flatMap((t) => leavesOf(op, t));
  if (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    return Object.values(tree).flatMap((t) => leavesOf(op, t));
  }
  throw new Error(`${op}: expected a tensor or an array or plain object of tensors, got ${describeValue(tree)}.`);
}

/** A tree of the structure of `structure` holding `leaves` in order. */
export function rebuild(structure: unknown, leaves: readonly Tensor[]): TensorTree {
  let next = 0;
  const build = (node: unknown): TensorTree => {
    if (isTensor(node)) return leaves[next++];
    if (Array.isArray(node)) return node.map(build);
    return Object.fromEntries(Object.entries(node as object).map(([key, value]) => [key, build(value)]));
  };
  return build(structure);
}

/** The leaves of `tree`, checked to match `expected` in number and shapes. */
function matchingLeaves(op: string, what: string, tree: unknown, expected: readonly Tensor[]): Tensor[] {
  const leaves = leavesOf(op, tree);
  const shapes = (list: readonly Tensor[]) => list.map((t) => formatShape(t.shape)).join(', ');
  if (leaves.length !== expected.length || leaves.some((t, i) => !sameShape(t.shape, expected[i].shape))) {
    throw new Error(`${op}: ${what} must match the expected structure: tensors of shapes (${shapes(expected)}), got (${shapes(leaves)}).`);
  }
  return leaves;
}

/** `tree` with its number leaves made float32 scalars. */
function withNumbersAsTensors(op: string, tree: unknown): TensorTree {
  if (typeof tree === 'number') return scalar(tree);
  if (Array.isArray(tree)) return tree.map((t) => withNumbersAsTensors(op, t));
  if (!isTensor(tree) && tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, withNumbersAsTensors(op, value)]));
  }
  leavesOf(op, tree);
  return tree as TensorTree;
}

function isTensor(x: unknown): x is Tensor {
  return x !== null && typeof x === 'object' && (x as Tensor).isTensorInstance === true;
}

function checkFunction(op: string, name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new Error(`${op}: ${name} must be a function, got ${describeValue(fn)}.`);
}

/** Checks that `x` is a live tensor of one element (a scalar predicate or index). */
function checkScalarTensor(op: string, name: string, x: unknown): Tensor {
  if (!isTensor(x)) throw new Error(`${op}: ${name} must be a boolean, a number or a tensor of one element, got ${describeValue(x)}.`);
  if (x.isDisposed) throw new Error(`${op}: ${name} (shape ${formatShape(x.shape)}) was used after it was disposed.`);
  if (x.size !== 1) throw new Error(`${op}: ${name} must hold one element, got shape ${formatShape(x.shape)}.`);
  return x;
}
