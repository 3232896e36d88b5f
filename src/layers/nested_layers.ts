// Configs that hold other layers (Bidirectional's layer, TimeDistributed's, RNN's cell,
// StackedRNNCells' cells): a nested layer is saved as its registered `{ className, config }` and
// rebuilt from it, as Keras's serialize_keras_object / deserialize_keras_object.

import { deserializeLayer, getRegisteredLayerName } from './class_registry';
import { Layer } from './layer';

/** A layer as a config holds it. */
export interface SerializedLayer {
  className: string;
  config: Record<string, unknown>;
}

/** The layer's `{ className, config }`; its class must be registered (registerLayer). */
export function serializeNested(layer: Layer): SerializedLayer {
  const className = getRegisteredLayerName(layer.constructor);
  if (!className) {
    const name = layer.constructor.name || 'MyLayer';
    throw new Error(`Cannot serialize layer '${layer.name}': its class ${name} is not registered. Call registerLayer(${name}) (once, before saving and before loading).`);
  }
  return { className, config: layer.getConfig() };
}

/** A layer given as itself or as its `{ className, config }` (the value of option `argument`). */
export function deserializeNested(value: unknown, argument: string): Layer {
  if (value instanceof Layer) return value;
  const entry = value as SerializedLayer | null;
  if (entry === null || typeof entry !== 'object' || typeof entry.className !== 'string' || entry.config === null || typeof entry.config !== 'object') {
    throw new Error(`Invalid value for argument ${argument}. Expected a layer or its { className, config }. Received: ${argument}=${describeValue(value)}`);
  }
  return deserializeLayer(entry);
}

/** A value as an error message shows it. */
export function describeValue(value: unknown): string {
  if (value instanceof Layer) return value.toString();
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
