// Argument checks shared by ops, run in TypeScript before any GPU work, with messages that name
// the op and say what was expected; and the check of option objects (of ops, compile, fit,
// evaluate, predict, the batch methods and callbacks): a name that is not one of theirs (a typo
// such as `epoch`, or Keras's snake_case `batch_size`) is an error, as Keras's "unexpected
// keyword argument", instead of being silently ignored.

import { formatShape, type DType } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { checkRank } from './shape_util';

/** How a wrong argument is described in an error message. */
export function describeValue(x: unknown): string {
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} (wrap it with tensor(...))`;
  if (x instanceof Promise) return 'a Promise (await it first: predict, data() and the other async methods return one)';
  return x === null ? 'null' : typeof x;
}

/** Throws unless `x` is a live Tensor. */
export function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (x === null || typeof x !== 'object' || !(x as Tensor).isTensorInstance) {
    throw new Error(`${op}: expected a Tensor, got ${describeValue(x)}.`);
  }
  if ((x as Tensor).isDisposed) throw new Error(`${op}: a tensor of shape ${formatShape((x as Tensor).shape)} was used after it was disposed.`);
}

/** Throws unless `x` is a Tensor or a number (operands of element-wise ops). */
export function checkOperand(op: string, x: unknown): void {
  if (typeof x === 'number') return;
  if (x === null || typeof x !== 'object' || !(x as Tensor).isTensorInstance) {
    throw new Error(`${op}: expected a Tensor or a number, got ${describeValue(x)}.`);
  }
  checkTensor(op, x);
}

/** Throws unless `shape` is a list of non-negative integers within the rank limit. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${typeof shape}.`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape [${shape.join(',')}] must hold non-negative integers (got ${String(d)}).`);
    }
  }
  checkRank(op, shape);
}

/** Throws unless `dtype` is one of the supported dtypes. */
export function checkDtype(op: string, dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: unknown dtype '${String(dtype)}'. Expected 'float32' or 'int32'.`);
}

/**
 * Throws for a key of `options` that `known` does not hold, suggesting the camelCase form of a
 * snake_case name, and for a number, string or boolean given where the options object belongs
 * (Keras's positional arguments, `depthwise_conv(x, kernel, 1, "same")`, are named options here).
 */
export function checkOptionNames(op: string, options: object | undefined, known: Record<string, true>): void {
  if (options === undefined || options === null || typeof options === 'function') return;
  if (typeof options !== 'object') {
    throw new Error(`${op}: expected an options object { ${Object.keys(known).join(', ')} } here, got ${typeof options} ${JSON.stringify(options)}; Keras's positional arguments are named options here.`);
  }
  const { shape, isTensorInstance, isSymbolic } = options as { shape?: unknown[]; isTensorInstance?: boolean; isSymbolic?: boolean };
  if (Array.isArray(shape) && (isTensorInstance === true || isSymbolic === true)) {
    const several = op.endsWith('.apply') ? ' (a layer takes several inputs as one list: apply([query, value]), where Keras writes layer(query, value))' : '';
    throw new Error(`${op}: expected options (${Object.keys(known).join(', ')}) here, got a tensor of shape [${shape.map((d: unknown) => d ?? 'None').join(',')}]; tensors go in the earlier arguments${several}.`);
  }
  for (const key of Object.keys(options)) {
    if (key in known) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && camel in known ? ` (did you mean '${camel}'?)` : '';
    throw new Error(`${op}: unknown option '${key}'${hint}. Its options: ${Object.keys(known).join(', ')}.`);
  }
}
