// keras.utils helpers for custom objects and graphs: customObjectScope / CustomObjectScope,
// getCustomObjects, getRegisteredObject, getRegisteredName, serializeKerasObject /
// deserializeKerasObject, getSourceInputs, standardizeDtype and clearSession.

import type { DType } from '../backend/types';
import { getCustomObject, getRegisteredName as registeredNameOf, registeredObjects, withCustomObjects, type CustomObjects } from '../io/object_registration';
import { Initializer, serializeInitializer } from '../layers/initializers';
import { get as getInitializer } from '../layers/initializers_api';
import { Regularizer, deserialize as deserializeRegularizer, serialize as serializeRegularizer } from '../layers/regularizers';
import { Constraint, getConstraint, serializeConstraint } from '../layers/constraints';
import { Layer, resetUniqueNames } from '../layers/layer';
import { deserialize as deserializeLayer, serialize as serializeLayer } from '../layers/layer_serialization';
import { isSymbolic, type SymbolicTensor } from '../layers/symbolic';
import { Loss } from '../losses/loss';
import { deserializeLoss, serializeLoss } from '../losses/index';
import { Metric } from '../metrics/metric';
import { deserialize as deserializeMetric, serialize as serializeMetric } from '../metrics/serialization';
import { serializeActivation } from '../layers/activations';

/**
 * Runs `fn` with `customObjects` known by name to every lookup it makes (loading, deserializing,
 * `activation: 'myAct'`), as Keras's `with custom_object_scope(...)`. When `fn` returns a promise
 * (a load), the scope stays in force until it settles; a load keeps the scopes in force when it
 * is called, so concurrent loads in different scopes each see their own.
 *
 * @example
 * const layer = utils.customObjectScope({ MyLayer }, () => layers.deserialize({ className: 'MyLayer', config: {} }));
 * const model = await utils.customObjectScope({ MyModel }, () => loadModel('./my_model.keras'));
 */
export function customObjectScope<T>(customObjects: CustomObjects, fn: () => T): T {
  return withCustomObjects(customObjects, fn);
}

/**
 * A reusable scope of custom objects (keras.utils.CustomObjectScope); `run(fn)` runs `fn` with
 * them in force.
 *
 * @example
 * const scope = new utils.CustomObjectScope({ myAct });
 * const dense = scope.run(() => new layers.Dense({ units: 2, activation: 'myAct' }));
 */
export class CustomObjectScope {
  readonly customObjects: CustomObjects;
  constructor(customObjects: CustomObjects) {
    this.customObjects = { ...customObjects };
  }
  run<T>(fn: () => T): T {
    return withCustomObjects(this.customObjects, fn);
  }
}

/**
 * The objects registered with `registerKerasSerializable`, by registered name ('package>name'),
 * as a snapshot (Keras returns its mutable global dict; register with registerKerasSerializable).
 *
 * @example
 * utils.getCustomObjects();   // { 'Custom>MyLayer': MyLayer, ... }
 */
export function getCustomObjects(): CustomObjects {
  return registeredObjects();
}

/**
 * The class or function a saved file names: from `customObjects`, then the custom object scopes
 * in force and the registered objects, then `moduleObjects`; undefined if none has it.
 *
 * @example
 * utils.getRegisteredObject('Custom>MyLayer');
 */
export function getRegisteredObject(name: string, customObjects: CustomObjects = {}, moduleObjects: CustomObjects = {}): unknown {
  return getCustomObject(name, customObjects) ?? (Object.hasOwn(moduleObjects, name) ? moduleObjects[name] : undefined);
}

/**
 * The name an object is saved under: its registered name ('package>name') when registered, else
 * its own name (keras.utils.get_registered_name).
 *
 * @example
 * utils.getRegisteredName(registerKerasSerializable(MyLayer, { package: 'demo' }));   // 'demo>MyLayer'
 */
export function getRegisteredName(object: unknown): string {
  return registeredNameOf(object) ?? ((object as { name?: string } | null)?.name || String(object));
}

/** What serializeKerasObject writes: a layer, initializer, regularizer, constraint, loss or metric as its kind, class name and config. */
export interface SerializedKerasObject {
  module: 'layers' | 'initializers' | 'regularizers' | 'constraints' | 'losses' | 'metrics';
  className: string;
  config: Record<string, unknown>;
}

/**
 * A library object as plain data (keras.utils.serialize_keras_object): a layer, initializer,
 * regularizer, constraint, loss or metric as `{ module, className, config }`; a function (an
 * activation, a registered function) as its name; numbers, strings, booleans, null and arrays or
 * records of them as themselves.
 *
 * @example
 * utils.serializeKerasObject(new initializers.HeNormal({ seed: 1 }));   // { module: 'initializers', className: 'HeNormal', config: { seed: 1 } }
 */
export function serializeKerasObject(object: unknown): unknown {
  if (object === null || object === undefined || typeof object === 'number' || typeof object === 'string' || typeof object === 'boolean') return object ?? null;
  if (Array.isArray(object)) return object.map(serializeKerasObject);
  if (object instanceof Layer) return { module: 'layers', ...serializeLayer(object) };
  if (object instanceof Initializer) return { module: 'initializers', ...serializeInitializer(object) };
  if (object instanceof Regularizer) return { module: 'regularizers', ...serializeRegularizer(object) };
  if (object instanceof Constraint) return { module: 'constraints', ...serializeConstraint(object) };
  if (object instanceof Loss) return { module: 'losses', ...serializeLoss(object) };
  if (object instanceof Metric) return { module: 'metrics', ...serializeMetric(object) };
  if (typeof object === 'function') return serializeActivation(object as never);
  if (Object.getPrototypeOf(object) === Object.prototype) return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, serializeKerasObject(v)]));
  throw new Error(`serializeKerasObject: cannot serialize ${(object as object).constructor?.name ?? typeof object}. Expected a layer, initializer, regularizer, constraint, loss, metric, function, or plain data.`);
}

/**
 * Rebuilds what serializeKerasObject wrote (keras.utils.deserialize_keras_object); custom classes
 * and functions come from `customObjects` or the registered objects. A string names a registered
 * or custom object, else is returned as is.
 *
 * @example
 * utils.deserializeKerasObject({ module: 'regularizers', className: 'L2', config: { l2: 0.1 } });
 */
export function deserializeKerasObject(config: unknown, customObjects: CustomObjects = {}): unknown {
  return withCustomObjects(customObjects, () => rebuild(config, customObjects));
}

function rebuild(config: unknown, customObjects: CustomObjects): unknown {
  if (config === null || typeof config === 'number' || typeof config === 'boolean') return config;
  if (typeof config === 'string') return getCustomObject(config, customObjects) ?? config;
  if (Array.isArray(config)) return config.map((item) => rebuild(item, customObjects));
  const record = config as Partial<SerializedKerasObject>;
  if (typeof record.module === 'string' && typeof record.className === 'string') {
    const entry = { className: record.className, config: record.config ?? {} };
    switch (record.module) {
      case 'layers': return deserializeLayer(entry, customObjects);
      case 'initializers': return getInitializer(entry);
      case 'regularizers': return deserializeRegularizer(entry, customObjects);
      case 'constraints': return getConstraint(entry as never);
      case 'losses': return deserializeLoss(entry as never, customObjects as never);
      case 'metrics': return deserializeMetric(entry, customObjects);
      default: throw new Error(`deserializeKerasObject: unknown module '${String(record.module)}'. Expected one of layers, initializers, regularizers, constraints, losses, metrics.`);
    }
  }
  return Object.fromEntries(Object.entries(config as object).map(([k, v]) => [k, rebuild(v, customObjects)]));
}

/**
 * The `Input` tensors a symbolic tensor is computed from, in the order the graph reaches them
 * (keras.utils.get_source_inputs).
 *
 * @example
 * const a = Input({ shape: [3] }), b = Input({ shape: [3] });
 * utils.getSourceInputs(layers.add([a, new layers.Dense({ units: 3 }).apply(b) as SymbolicTensor]));   // [a, b]
 */
export function getSourceInputs(tensor: SymbolicTensor): SymbolicTensor[] {
  if (!isSymbolic(tensor)) throw new Error(`getSourceInputs: expected a symbolic tensor (from Input or a layer applied to one). Received: ${tensor === null ? 'null' : typeof tensor}.`);
  const sources: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor) => {
    if (seen.has(t)) return;
    seen.add(t);
    const node = t.node;
    if (!node || node.inputs.length === 0) sources.push(t);
    else node.inputs.forEach(visit);
  };
  visit(tensor);
  return sources;
}

const DTYPE_ALIASES: Record<string, DType> = { float32: 'float32', float: 'float32', int32: 'int32', int: 'int32' };

/**
 * The library's name for a dtype (keras.utils.standardize_dtype): 'float32' or 'int32', from
 * those names or Keras's 'float' and 'int'; undefined or null gives 'float32' (Keras's floatx).
 * Other dtypes (float16, int64, bool, ...) have no tensors here and throw.
 *
 * @example
 * utils.standardizeDtype('float');   // 'float32'
 */
export function standardizeDtype(dtype: string | null | undefined): DType {
  if (dtype === null || dtype === undefined) return 'float32';
  const found = DTYPE_ALIASES[String(dtype)];
  if (!found) throw new Error(`standardizeDtype: Invalid dtype: ${String(dtype)}. Tensors here are 'float32' or 'int32' ('float' and 'int' accepted).`);
  return found;
}

/**
 * Starts the automatic layer names over, so the next Dense is named 'dense' again
 * (keras.utils.clear_session). Tensors and models are not touched: free them with `dispose`.
 *
 * @example
 * utils.clearSession();
 * new layers.Dense({ units: 1 }).name;   // 'dense'
 */
export function clearSession(): void {
  resetUniqueNames();
}
