// The public `activations` namespace (keras.activations): every built-in activation as a function
// with Keras's arguments and defaults, and get / serialize / deserialize. The functions are the
// ones `activation: 'relu'` options resolve to, so a layer given `activations.relu` saves as 'relu'.

import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import { withCustomObjects, type CustomObjects } from '../io/object_registration';

export {
  celu, elu, exponential, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, linear, logSigmoid,
  logSoftmax, mish, relu, relu6, selu, sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid,
  sparsemax, squareplus, swish, tanh, tanhShrink, threshold, type ActivationFn, type ActivationIdentifier, type ReluOptions,
  type BuiltinActivation,
} from './activations';

/**
 * The activation function for a Keras name ('leaky_relu', camelCase accepted), a function
 * (returned as is), a serialized `{ className, config }` of a registered function, or
 * null/undefined (linear).
 *
 * @example
 * const act = activations.get('hard_sigmoid');
 * act(tensor([0]));   // [0.5]
 */
export function get(identifier: ActivationIdentifier | { className: string; config?: unknown }): ActivationFn {
  if (identifier !== null && typeof identifier === 'object') return deserialize(identifier);
  return getActivation(identifier);
}

/**
 * The name a saved config records for an activation: the Keras name of a built-in, or the
 * registered name ('package>name') of a function registered with `registerKerasSerializable`.
 *
 * @example
 * activations.serialize(activations.relu);   // 'relu'
 */
export function serialize(activation: ActivationFn): string {
  return serializeActivation(activation);
}

/**
 * The activation a saved config names (a string, or Keras's `{ className, config }` record whose
 * config is the name), looking custom names up in `customObjects` and the registered objects.
 *
 * @example
 * activations.deserialize('gelu');                                  // activations.gelu
 * activations.deserialize('myAct', { myAct: (x) => x.mul(2) });
 */
export function deserialize(config: string | { className: string; config?: unknown }, customObjects: CustomObjects = {}): ActivationFn {
  const name = typeof config === 'string' ? config : typeof config?.config === 'string' ? config.config : config?.className;
  if (typeof name !== 'string') throw new Error(`activations.deserialize: expected an activation name or { className, config }. Received: ${JSON.stringify(config)}.`);
  return withCustomObjects(customObjects, () => getActivation(name));
}
