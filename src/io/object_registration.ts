// Custom objects that saved models name (keras.saving's object registration): classes and
// functions registered once under 'package>name' with `registerKerasSerializable`, and the
// `customObjects` of one `loadModel` / `modelFromJSON` call, in force while it rebuilds the model.
// The lookups of initializers, regularizers, constraints, activations and layers consult both, so
// a model with a custom initializer or activation saves and loads like one with built-ins.
//
// A leaf module: it imports no layer, so the layers' lookups can use it without an import cycle.

import { registerLayer, type LayerClass } from '../layers/class_registry';

/** Functions and classes a file refers to by name: custom losses, metrics, optimizers, layers, initializers, ... */
export type CustomObjects = Record<string, unknown>;

export interface RegisterOptions {
  /** The package part of the registered name 'package>name' (default 'Custom', as Keras). */
  package?: string;
  /** The name part (default the class's or function's own name). */
  name?: string;
}

const registered = new Map<string, unknown>();
const scopes: CustomObjects[] = [];

/**
 * Registers a custom class or function (an Initializer, Regularizer or Constraint subclass, an
 * activation function, a Layer or Model class, a loss or metric) under 'package>name', so that
 * saved models naming it load without `customObjects` (Keras's
 * `keras.saving.register_keras_serializable`). Returns what it registered.
 *
 * @example
 * class MyInit extends initializers.Initializer { readonly className = 'MyInit'; apply(shape) { return ops.fill(shape, 0.5); } }
 * registerKerasSerializable(MyInit);                                     // 'Custom>MyInit'
 * const swishish = registerKerasSerializable(function swishish(x: Tensor) { return x.mul(ops.sigmoid(x)); }, { package: 'acts' });
 * new layers.Dense({ units: 4, kernelInitializer: new MyInit(), activation: swishish });
 */
export function registerKerasSerializable<T>(object: T, { package: pkg = 'Custom', name }: RegisterOptions = {}): T {
  if (typeof object !== 'function') throw new Error(`registerKerasSerializable: expected a class or a function, got ${object === null ? 'null' : typeof object}.`);
  const own = name ?? (object as { name?: string }).name;
  if (!own) throw new Error('registerKerasSerializable: an anonymous function or class needs a name; pass { name }.');
  if (pkg.includes('>') || own.includes('>')) throw new Error(`registerKerasSerializable: the package and the name cannot contain '>', got package '${pkg}' and name '${own}'.`);
  const key = `${pkg}>${own}`;
  registered.set(key, object);
  // Layer and Model classes also go into the layer registry, under the same name.
  if (isLayerClass(object)) registerLayer(object, key);
  return object;
}

/** A snapshot of every registered object by its registered name ('package>name'). */
export function registeredObjects(): CustomObjects {
  return Object.fromEntries(registered);
}

/** The registered name ('package>name') of a class or function, or undefined. */
export function getRegisteredName(object: unknown): string | undefined {
  for (const [key, value] of registered) if (value === object) return key;
  return undefined;
}

/**
 * The custom object a file names: from the `customObjects` of the load in progress (by the name,
 * or by its part after '>'), else registered under that name (or, for a bare name, under
 * 'package>name' for exactly one package). Undefined when nothing matches.
 */
export function getCustomObject(name: string, customObjects: CustomObjects = {}): unknown {
  const bare = name.slice(name.lastIndexOf('>') + 1);
  for (const objects of [customObjects, ...[...scopes].reverse()]) {
    if (Object.hasOwn(objects, name)) return objects[name];
    if (Object.hasOwn(objects, bare)) return objects[bare];
  }
  if (registered.has(name)) return registered.get(name);
  if (name.includes('>')) return undefined;
  const matches = [...registered.keys()].filter((key) => key.endsWith(`>${name}`));
  if (matches.length > 1) throw new Error(`'${name}' is registered in several packages (${matches.join(', ')}); the file must name one as 'package>name'.`);
  return matches.length === 1 ? registered.get(matches[0]) : undefined;
}

/**
 * Runs `build` with `customObjects` in force for every lookup it makes (nested layers'
 * initializers, activations, ...), as Keras's `custom_object_scope`. When `build` returns a
 * promise (`() => loadModel(...)`), the scope stays in force until the promise settles, since
 * the load reads it after its first await. Scopes nest; the innermost one in force wins. While a
 * promise is pending its scope is in force for all other lookups too; a load takes the scopes in
 * force when it is called (scopedCustomObjects), so concurrent loads in different scopes each
 * see their own.
 */
export function withCustomObjects<T>(customObjects: CustomObjects, build: () => T): T {
  if (customObjects === null || typeof customObjects !== 'object' || Array.isArray(customObjects)) {
    throw new Error(`customObjects must be a record of classes and functions by name ({ MyInit, myActivation }), got ${Array.isArray(customObjects) ? 'a list' : String(customObjects)}.`);
  }
  // A scope of its own (not the caller's object), removed by identity: scopes that settle out of order leave the others in place.
  const scope = { ...customObjects };
  scopes.push(scope);
  const close = () => scopes.splice(scopes.lastIndexOf(scope), 1);
  let result: T;
  try {
    result = build();
  } catch (e) {
    close();
    throw e;
  }
  if (!isPromiseLike(result)) {
    close();
    return result;
  }
  return result.then(
    (value) => {
      close();
      return value;
    },
    (error: unknown) => {
      close();
      throw error;
    },
  ) as T;
}

/**
 * @internal A load's `given` customObjects over those of the scopes in force now (the innermost
 * winning): what a load keeps from its caller's scope for the whole of its asynchronous work.
 * Anything but a record is returned as it is, for withCustomObjects to refuse.
 */
export function scopedCustomObjects(given: CustomObjects): CustomObjects {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return given;
  return Object.assign({}, ...scopes, given);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** The hint that unknown-name errors end with. */
export function registrationHint(name: string): string {
  const bare = name.slice(name.lastIndexOf('>') + 1);
  return `For a custom one, call registerKerasSerializable(${bare}) before loading, or pass loadModel(source, { customObjects: { ${bare} } }).`;
}

function isLayerClass(object: unknown): object is LayerClass {
  const cls = object as { fromConfig?: unknown; prototype?: { computeOutputShape?: unknown } };
  return typeof cls.fromConfig === 'function' && typeof cls.prototype?.computeOutputShape === 'function';
}
