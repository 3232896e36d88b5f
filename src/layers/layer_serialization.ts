// keras.layers.serialize / deserialize: a layer as `{ className, config }` (its registered class
// name and getConfig) and back, for built-in, registered and `customObjects` classes.

import { deserializeLayer, type LayerClass } from './class_registry';
import type { Layer } from './layer';
import { serializeNested } from './nested_layers';
import { getCustomObject, type CustomObjects } from '../io/object_registration';

/**
 * A layer as plain data: its class name and `getConfig()` (weights are not included).
 *
 * @example
 * const saved = layers.serialize(new layers.Dense({ units: 3, activation: 'relu' }));   // { className: 'Dense', config: { units: 3, ... } }
 */
export function serialize(layer: Layer): { className: string; config: Record<string, unknown> } {
  return serializeNested(layer);
}

/**
 * A new layer from `serialize`'s output; a class outside the library is found in `customObjects`
 * or among the classes registered with registerLayer / registerKerasSerializable.
 *
 * @example
 * const copy = layers.deserialize(layers.serialize(dense));   // same config, fresh weights
 */
export function deserialize(config: { className: string; config: Record<string, unknown> }, customObjects: CustomObjects = {}): Layer {
  if (config === null || typeof config !== 'object' || typeof config.className !== 'string') {
    throw new Error(`layers.deserialize: expected { className, config }. Received: ${JSON.stringify(config)}.`);
  }
  const custom = getCustomObject(config.className, customObjects) as LayerClass | undefined;
  if (typeof custom?.fromConfig === 'function') return custom.fromConfig(config.config ?? {});
  return deserializeLayer({ className: config.className, config: config.config ?? {} });
}
