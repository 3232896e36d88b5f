// Functional differentiation: `valueAndGrad(f)` and `grad(f)` wrap a function of tensors into one
// that also returns the gradients of its (scalar) result with respect to each argument; `jvp`
// (keras.ops.jvp) gives the forward-mode Jacobian-vector product, from two nested tapes.

import { formatShape } from '../backend/types';
import { zerosLike } from '../ops/creation';
import { add, cast, mul } from '../ops/elementwise';
import { leavesOf, rebuild, type TensorTree } from '../ops/control_flow';
import { sum } from '../ops/reduce';
import { sameShape } from '../ops/shape_util';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { GradientTape } from './tape';

/**
 * Wraps `f` so that it returns its value and the gradient of that value (summed over elements
 * when not a scalar) with respect to each tensor argument.
 *
 * @example
 * const f = (x: Tensor) => x.square().sum();
 * const { value, grads: [dx] } = valueAndGrad(f)(tensor([1, 2]));   // dx = [2, 4]
 */
export function valueAndGrad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => { value: Tensor; grads: Tensor[] } {
  return (...args: Args) => {
    const tape = new GradientTape();
    tape.watch(args);
    const value = tape.record(() => f(...args));
    const grads = tape.gradient(value, args).map((g, i) => g ?? args[i].mul(0));
    return { value, grads };
  };
}

/**
 * Wraps `f` so that it returns the gradients of its result with respect to each argument.
 *
 * @example
 * const [dx] = grad((x: Tensor) => x.square().sum())(tensor([1, 2]));   // [2, 4]
 */
export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  const withValue = valueAndGrad(f);
  return (...args: Args) => {
    const { value, grads } = withValue(...args);
    value.dispose();
    return grads;
  };
}

/**
 * The Jacobian-vector product of `fn` at `primals` along `tangents` (keras.ops.jvp): returns
 * `[primalsOut, tangentsOut]`, where `primalsOut = fn(...primals)` and `tangentsOut` (the
 * structure and shapes of `primalsOut`) is the derivative of `fn` at `primals` in the direction
 * `tangents`. `primals` lists `fn`'s arguments, each a tensor or an array or plain object of
 * them; `tangents` has their structure and shapes. With `hasAux`, `fn` returns
 * `[output, aux]` and jvp returns `[primalsOut, tangentsOut, aux]`.
 *
 * Computed in reverse mode twice (J v = d/du of (Jᵀu · v), Jᵀu being linear in u), so `fn` may
 * use any op whose gradient differentiates again: all but cumprod and sigmoidFocalLoss, which
 * throw. int32 primals get no tangent, and an output that does not depend on a float32 primal
 * gets a zero tangent (JAX's zeros; TensorFlow's None).
 *
 * @example
 * const [y, dy] = ops.jvp((x: Tensor) => ops.sin(x), [tensor(0.1)], [tensor(0.2)]);   // y = 0.0998, dy = 0.2 * cos(0.1) = 0.1990
 * const [out, tangent] = ops.jvp((x, w) => ops.matmul(x, w), [x, w], [ops.onesLike(x), ops.zerosLike(w)]);
 */
export function jvp<Out extends TensorTree>(fn: (...primals: never[]) => Out, primals: readonly TensorTree[], tangents: readonly TensorTree[], hasAux?: false): [Out, Out];
export function jvp<Out extends TensorTree, Aux>(fn: (...primals: never[]) => readonly [Out, Aux], primals: readonly TensorTree[], tangents: readonly TensorTree[], hasAux: true): [Out, Out, Aux];
export function jvp(fn: (...primals: never[]) => unknown, primals: readonly TensorTree[], tangents: readonly TensorTree[], hasAux = false): unknown[] {
  const op = 'jvp';
  if (typeof fn !== 'function') throw new Error(`${op}: fun must be a function, got ${fn === null ? 'null' : typeof fn}.`);
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new Error(`${op}: primals and tangents must be arrays holding fun's arguments (a tensor, or an array or plain object of tensors, each), got ${describe(primals)} and ${describe(tangents)}.`);
  }
  const primalLeaves = leavesOf(op, primals);
  const tangentLeaves = leavesOf(op, tangents);
  const shapes = (list: readonly Tensor[]) => list.map((t) => formatShape(t.shape)).join(', ');
  if (primals.length !== tangents.length || tangentLeaves.length !== primalLeaves.length || tangentLeaves.some((t, i) => !sameShape(t.shape, primalLeaves[i].shape))) {
    throw new Error(`${op}: tangents must have the structure and shapes of primals: ${primals.length} argument(s) holding tensors of shapes (${shapes(primalLeaves)}); got ${tangents.length} holding (${shapes(tangentLeaves)}).`);
  }
  return tidy(() => {
    // Only float32 primals move; a tangent of another dtype is cast, as TensorFlow does.
    const moving = primalLeaves.flatMap((p, i) => (p.dtype === 'float32' ? [{ primal: p, tangent: tangentLeaves[i].dtype === 'float32' ? tangentLeaves[i] : cast(tangentLeaves[i], 'float32') }] : []));
    const inner = new GradientTape();
    const outer = new GradientTape();
    try {
      inner.watch(moving.map((m) => m.primal));
      const result = inner.record(() => (fn as (...args: readonly TensorTree[]) => unknown)(...primals));
      if (hasAux && (!Array.isArray(result) || result.length !== 2)) {
        throw new Error(`${op}: with hasAux, fun must return [output, aux], got ${describe(result)}.`);
      }
      const [output, aux] = hasAux ? (result as [unknown, unknown]) : [result, undefined];
      const outputLeaves = leavesOf(op, output);
      // u, one per float32 output: Jᵀu is linear in u, so its value does not matter.
      const cotangents = outputLeaves.map((o) => (o.dtype === 'float32' ? zerosLike(o) : null));
      const watched = cotangents.filter((u): u is Tensor => u !== null);
      outer.watch(watched);
      const directional = outer.record(() => {
        if (watched.length === 0 || moving.length === 0) return null;
        // Σ o·u: recorded by the inner tape (o depends on the primals) and the outer one (on u).
        const target = inner.record(() => outputLeaves.flatMap((o, i) => (cotangents[i] ? [sum(mul(o, cotangents[i]))] : [])).reduce((total, t) => add(total, t)));
        const vjps = inner.gradient(target, moving.map((m) => m.primal));
        const products = vjps.flatMap((g, i) => (g ? [sum(mul(g, moving[i].tangent))] : []));
        return products.length === 0 ? null : products.reduce((total, t) => add(total, t));
      });
      const jvps = directional ? outer.gradient(directional, watched) : [];
      const tangentsOut = outputLeaves.map((o, i) => {
        const u = cotangents[i];
        const found = u ? jvps[watched.indexOf(u)] : null;
        return found ?? zerosLike(o);
      });
      const out = [output, rebuild(output, tangentsOut)];
      return hasAux ? [...out, aux] : out;
    } finally {
      inner.dispose();
      outer.dispose();
    }
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance) return `a tensor of shape ${formatShape((value as Tensor).shape)}`;
  return value === null ? 'null' : typeof value;
}
