// Activation functions by Keras name ('relu', 'log_softmax'; camelCase accepted) for layers'
// `activation` option and the Activation layer. Each is an op or a short composition of ops, so it
// runs on the active backend and is differentiated by the tape like any other op. They call the
// public, symbolic-aware ops, so on a symbolic tensor (between layers of a functional model) they
// record the ops as graph nodes, as Keras's activations do.

import { ops } from '../ops/public';
import { softmaxActivation } from '../ops/softmax';
import type { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/memory';
import { canonicalName } from './initializers';
import { isSymbolic, type SymbolicTensor } from './symbolic';
import { getCustomObject, getRegisteredName, registrationHint } from '../io/object_registration';

/** An activation: a function of one tensor. */
export type ActivationFn = (x: Tensor) => Tensor;

/** What `activation` options accept: a name, a function, or null/undefined for linear. */
export type ActivationIdentifier = string | ActivationFn | null | undefined;

/**
 * A built-in activation: a tensor in, a tensor out; a symbolic tensor in (between layers of a
 * functional model), a symbolic tensor out, its ops recorded in the graph.
 */
export type BuiltinActivation<Rest extends unknown[] = []> = ((x: Tensor, ...rest: Rest) => Tensor) & ((x: SymbolicTensor, ...rest: Rest) => SymbolicTensor);

/** Types an activation made of the symbolic-aware ops as taking symbolic tensors too; the function itself is unchanged. */
function builtin<Rest extends unknown[]>(fn: (x: Tensor, ...rest: Rest) => Tensor): BuiltinActivation<Rest> {
  return fn as BuiltinActivation<Rest>;
}

/** The identity (keras.activations.linear). @example activations.linear(x) // x */
export const linear = builtin((x: Tensor) => x);

/** Options of `relu` (keras.activations.relu). */
export interface ReluOptions {
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** The largest output (default none). */
  maxValue?: number | null;
  /** Values at or below it give 0 (before the negative slope; default 0). */
  threshold?: number;
}

/**
 * max(x, 0), or with options Keras's general form: x above `threshold` (else 0), clipped at
 * `maxValue`, minus `negativeSlope * relu(threshold - x)`.
 *
 * @example
 * activations.relu(tensor([-10, -5, 0, 5, 10]));                             // [0, 0, 0, 5, 10]
 * activations.relu(tensor([-10, -5, 0, 5, 10]), { negativeSlope: 0.5, maxValue: 5, threshold: 2 }); // [-6, -3.5, -1, 5, 5]
 */
export const relu = builtin(function relu(x: Tensor, { negativeSlope = 0, maxValue = null, threshold = 0 }: ReluOptions = {}): Tensor {
  for (const [name, value] of [['negativeSlope', negativeSlope], ['threshold', threshold], ['maxValue', maxValue ?? 0]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`relu: Invalid value for argument ${name}. Expected a finite number. Received: ${name}=${String(value)}.`);
  }
  if (maxValue !== null && maxValue < 0) throw new Error(`relu: Invalid value for argument maxValue. Expected a non-negative number or null. Received: maxValue=${maxValue}.`);
  if (negativeSlope === 0 && maxValue === null && threshold === 0) return ops.relu(x);
  if (negativeSlope !== 0 && maxValue === null && threshold === 0) return ops.leakyRelu(x, negativeSlope);
  return tidy(() => {
    let positive = threshold !== 0 ? ops.where(ops.greater(x, threshold), x, 0) : maxValue === 6 ? ops.relu6(x) : ops.relu(x);
    if (maxValue !== null && !(threshold === 0 && maxValue === 6)) positive = ops.clip(positive, 0, maxValue);
    if (negativeSlope === 0) return positive;
    return ops.sub(positive, ops.mul(ops.relu(ops.sub(threshold, x)), negativeSlope));
  });
});

/** x for x >= 0, else `negativeSlope * x` (default 0.2). @example activations.leakyRelu(tensor([-1, 2])) // [-0.2, 2] */
export const leakyRelu = builtin((x: Tensor, negativeSlope: number = 0.2): Tensor => ops.leakyRelu(x, negativeSlope));
/** min(max(x, 0), 6). @example activations.relu6(tensor([-1, 7])) // [0, 6] */
export const relu6 = builtin((x: Tensor) => ops.relu6(x));
/** 1 / (1 + exp(-x)). @example activations.sigmoid(tensor([0])) // [0.5] */
export const sigmoid = builtin((x: Tensor) => ops.sigmoid(x));
/** The hyperbolic tangent. @example activations.tanh(tensor([0])) // [0] */
export const tanh = builtin((x: Tensor) => ops.tanh(x));
/**
 * exp(x) / sum(exp(x)) along `axis` (default -1). Along the last axis the probabilities remember
 * their logits, so a cross-entropy loss on them differentiates the logits directly (as Keras).
 * @example activations.softmax(tensor([[0, 0]])) // [[0.5, 0.5]]
 */
export const softmax = builtin((x: Tensor, axis: number = -1): Tensor => (!isSymbolic(x) && (axis === -1 || axis === x.rank - 1) ? softmaxActivation(x) : ops.softmax(x, axis)));
/** log(softmax(x)) along `axis` (default -1). @example activations.logSoftmax(tensor([0, 0])) // [-0.693, -0.693] */
export const logSoftmax = builtin((x: Tensor, axis: number = -1): Tensor => ops.logSoftmax(x, axis));
/** log(1 + exp(x)). @example activations.softplus(tensor([0])) // [0.693] */
export const softplus = builtin((x: Tensor) => ops.softplus(x));
/** x / (1 + |x|). @example activations.softsign(tensor([1])) // [0.5] */
export const softsign = builtin((x: Tensor) => ops.softsign(x));
/** x for x > 0, else `alpha * (exp(x) - 1)` (default alpha 1). @example activations.elu(tensor([-1])) // [-0.632] */
export const elu = builtin((x: Tensor, alpha: number = 1): Tensor => ops.elu(x, alpha));
/** Scaled ELU with Keras's constants (1.0507..., 1.6732...). @example activations.selu(tensor([1])) // [1.0507] */
export const selu = builtin((x: Tensor) => ops.selu(x));
/** x * Phi(x), exact by default as in keras.activations (`approximate: true` uses the tanh form). @example activations.gelu(tensor([1])) // [0.8413] */
export const gelu = builtin((x: Tensor, approximate: boolean = false): Tensor => ops.gelu(x, approximate));
/** x * sigmoid(x) (Keras's silu; swish is the same function). @example activations.silu(tensor([0])) // [0] */
export const silu = builtin((x: Tensor) => ops.swish(x));
/** x * sigmoid(x), the same as `silu`. @example activations.swish(tensor([0])) // [0] */
export const swish = builtin((x: Tensor) => ops.swish(x));
/** exp(x). @example activations.exponential(tensor([0])) // [1] */
export const exponential = builtin((x: Tensor) => ops.exp(x));
/** relu6(x + 3) / 6. @example activations.hardSigmoid(tensor([0])) // [0.5] */
export const hardSigmoid = builtin((x: Tensor) => ops.hardSigmoid(x));
/** x * hardSigmoid(x) (Keras's hard_silu; hard_swish is the same function). @example activations.hardSilu(tensor([3])) // [3] */
export const hardSilu = builtin((x: Tensor) => ops.hardSilu(x));
/** x * hardSigmoid(x), the same as `hardSilu`. @example activations.hardSwish(tensor([3])) // [3] */
export const hardSwish = builtin((x: Tensor) => ops.hardSwish(x));
/** x clipped to [-1, 1]. @example activations.hardTanh(tensor([-2, 0.5])) // [-1, 0.5] */
export const hardTanh = builtin((x: Tensor) => ops.hardTanh(x));
/** x * tanh(softplus(x)). @example activations.mish(tensor([0])) // [0] */
export const mish = builtin((x: Tensor) => ops.mish(x));
/** log(sigmoid(x)). @example activations.logSigmoid(tensor([0])) // [-0.693] */
export const logSigmoid = builtin((x: Tensor) => ops.logSigmoid(x));
/** (x + sqrt(x^2 + b)) / 2 (default b 4). @example activations.squareplus(tensor([0])) // [1] */
export const squareplus = builtin((x: Tensor, b: number = 4): Tensor => ops.squareplus(x, b));
/** 0 below -1, x below 1 (as (x + 1)^2 / 4), x above. @example activations.sparsePlus(tensor([0])) // [0.25] */
export const sparsePlus = builtin((x: Tensor) => ops.sparsePlus(x));
/** x for x > 0, else `alpha * (exp(x / alpha) - 1)` (default alpha 1). @example activations.celu(tensor([-1])) // [-0.632] */
export const celu = builtin((x: Tensor, alpha: number = 1): Tensor => ops.celu(x, alpha));
/** a * sigmoid(b) of the two halves of `axis` (default -1). @example activations.glu(tensor([1, 0])) // [0.5] */
export const glu = builtin((x: Tensor, axis: number = -1): Tensor => ops.glu(x, axis));
/** x where |x| > threshold (default 0.5), else 0. @example activations.hardShrink(tensor([-1, 0.2])) // [-1, 0] */
export const hardShrink = builtin((x: Tensor, threshold: number = 0.5): Tensor => ops.hardShrink(x, threshold));
/** x -/+ threshold where |x| > threshold (default 0.5), else 0. @example activations.softShrink(tensor([-1, 0.2])) // [-0.5, 0] */
export const softShrink = builtin((x: Tensor, threshold: number = 0.5): Tensor => ops.softShrink(x, threshold));
/** x - tanh(x). @example activations.tanhShrink(tensor([0])) // [0] */
export const tanhShrink = builtin((x: Tensor) => ops.tanhShrink(x));
/** 0 below -1, 1 above 1, (x + 1) / 2 between. @example activations.sparseSigmoid(tensor([0])) // [0.5] */
export const sparseSigmoid = builtin((x: Tensor) => ops.sparseSigmoid(x));
/** The projection onto the probability simplex along `axis` (default -1). @example activations.sparsemax(tensor([0, 0.5, 1])) // [0, 0.25, 0.75] */
export const sparsemax = builtin((x: Tensor, axis: number = -1): Tensor => ops.sparsemax(x, axis));
/**
 * x where x > threshold, else `defaultValue`; both are required, as in Keras, so it has no name
 * that `getActivation` resolves.
 * @example activations.threshold(tensor([-1, 0.5, 2]), 0.5, -9) // [-9, -9, 2]
 */
export const threshold = builtin((x: Tensor, threshold: number, defaultValue: number): Tensor => ops.threshold(x, threshold, defaultValue));

/**
 * Built-in activations under their Keras (snake_case) names, with Keras 3 default arguments.
 * Keras's 'threshold' is left out: it has no defaults for its arguments, so it cannot be called by
 * name (`ops.threshold(x, threshold, defaultValue)` is the function).
 */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear, relu, relu6, sigmoid, tanh, softmax, log_softmax: logSoftmax, softplus, softsign, elu, selu, gelu, swish, silu,
  leaky_relu: leakyRelu, exponential, hard_sigmoid: hardSigmoid, hard_silu: hardSilu, hard_swish: hardSwish, hard_tanh: hardTanh,
  mish, log_sigmoid: logSigmoid, squareplus, sparse_plus: sparsePlus, celu, glu, hard_shrink: hardShrink, soft_shrink: softShrink,
  tanh_shrink: tanhShrink, sparse_sigmoid: sparseSigmoid, sparsemax,
};

/** Keras name of each built-in function, for serialization. */
const NAMES = new Map<ActivationFn, string>(Object.entries(ACTIVATIONS).map(([name, fn]) => [fn, name]));

/** 'leakyRelu', 'LeakyRelu' and 'leaky_relu' all map to 'leaky_relu'. */
function snakeName(name: string): string {
  return canonicalName(name).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The activation function for a name (Keras snake_case or camelCase), a function (returned as
 * is) or null/undefined (linear, the identity).
 *
 * @example
 * const act = getActivation('leaky_relu');   // or 'leakyRelu'
 * const y = act(x);
 */
export function getActivation(identifier: ActivationIdentifier): ActivationFn {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier !== 'string') {
    throw new Error(`Could not interpret activation function identifier: ${String(identifier)}. Expected a string, a function or null.`);
  }
  const fn = ACTIVATIONS[snakeName(identifier)];
  if (fn) return fn;
  const custom = getCustomObject(identifier);
  if (typeof custom === 'function') return custom as ActivationFn;
  throw new Error(`Unknown activation function: '${identifier}'. Expected one of ${Object.keys(ACTIVATIONS).join(', ')} (camelCase accepted), or a function. ${registrationHint(identifier)}`);
}

/**
 * The name of an activation for `getConfig`: the Keras name of a built-in, the registered name
 * ('package>name') of a function registered with `registerKerasSerializable`, or else the
 * function's own name (which loading resolves through the load's `customObjects`).
 */
export function serializeActivation(fn: ActivationFn): string {
  const name = NAMES.get(fn) ?? getRegisteredName(fn);
  if (name) return name;
  if (fn.name) return fn.name;
  throw new Error('serializeActivation: cannot serialize an anonymous activation function; give it a name or use a built-in activation.');
}
