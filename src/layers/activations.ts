// Activation functions by Keras name ('relu', 'log_softmax'; camelCase accepted) for layers'
// `activation` option and the Activation layer. Each is an op or a short composition of ops, so it
// runs on the active backend and is differentiated by the tape like any other op.

import * as ops from '../ops/index';
import { softmaxActivation } from '../ops/softmax';
import type { Tensor } from '../tensor/tensor';
import { canonicalName } from './initializers';
import { getCustomObject, getRegisteredName, registrationHint } from '../io/object_registration';

/** An activation: a function of one tensor. */
export type ActivationFn = (x: Tensor) => Tensor;

/** What `activation` options accept: a name, a function, or null/undefined for linear. */
export type ActivationIdentifier = string | ActivationFn | null | undefined;

const linear: ActivationFn = (x) => x;

/**
 * Built-in activations under their Keras (snake_case) names, with Keras 3 default arguments.
 * Keras's 'threshold' is left out: it has no defaults for its arguments, so it cannot be called by
 * name (`ops.threshold(x, threshold, defaultValue)` is the function).
 */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear,
  relu: (x) => ops.relu(x),
  relu6: (x) => ops.relu6(x),
  sigmoid: (x) => ops.sigmoid(x),
  tanh: (x) => ops.tanh(x),
  softmax: softmaxActivation,
  log_softmax: (x) => ops.logSoftmax(x, -1),
  softplus: (x) => ops.softplus(x),
  softsign: (x) => ops.softsign(x),
  elu: (x) => ops.elu(x, 1),
  selu: (x) => ops.selu(x),
  gelu: (x) => ops.gelu(x, false),
  swish: (x) => ops.swish(x),
  silu: (x) => ops.swish(x),
  leaky_relu: (x) => ops.leakyRelu(x, 0.2),
  exponential: (x) => ops.exp(x),
  hard_sigmoid: (x) => ops.hardSigmoid(x),
  hard_silu: (x) => ops.hardSilu(x),
  hard_swish: (x) => ops.hardSwish(x),
  hard_tanh: (x) => ops.hardTanh(x),
  mish: (x) => ops.mish(x),
  log_sigmoid: (x) => ops.logSigmoid(x),
  squareplus: (x) => ops.squareplus(x),
  sparse_plus: (x) => ops.sparsePlus(x),
  celu: (x) => ops.celu(x),
  glu: (x) => ops.glu(x),
  hard_shrink: (x) => ops.hardShrink(x),
  soft_shrink: (x) => ops.softShrink(x),
  tanh_shrink: (x) => ops.tanhShrink(x),
  sparse_sigmoid: (x) => ops.sparseSigmoid(x),
  sparsemax: (x) => ops.sparsemax(x),
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
