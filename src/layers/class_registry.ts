// The table of layer classes by Keras class name, for rebuilding layers from
// `{ className, config }`, and its lookups. It imports no layer, so layers that rebuild nested
// layers (wrappers.ts) can use it without an import cycle; registry.ts fills it with the built-in
// layers.

import type { Layer } from './layer';

/** A layer class as the registry holds it: constructible from its config. */
export interface LayerClass {
  readonly name: string;
  fromConfig(config: Record<string, unknown>): Layer;
}

const registry = new Map<string, LayerClass>();

/** Registers a layer class under `name` (by default its class name), for `deserializeLayer`. */
export function registerLayer(cls: LayerClass, name: string = cls.name): void {
  registry.set(name, cls);
}

/** The class registered under a Keras class name ('Dense', 'BatchNormalization', ...). */
export function getLayerClass(className: string): LayerClass {
  const cls = registry.get(className);
  if (!cls) {
    throw new Error(
      `Unknown layer: '${className}'. Please ensure you are using a registered layer: call registerLayer(${className}) before loading ` +
        `(registerModel(${className}) for a Model subclass). Built-in and registered classes: ${[...registry.keys()].join(', ')}.`,
    );
  }
  return cls;
}

/** Whether a class is registered under `className`. */
export function hasLayerClass(className: string): boolean {
  return registry.has(className);
}

/** The name a class is registered under, or undefined (model saving names classes with it). */
export function getRegisteredLayerName(cls: unknown): string | undefined {
  for (const [name, registered] of registry) if (registered === cls) return name;
  return undefined;
}

/** Rebuilds a layer from `{ className, config }`, as `getConfig` and the class name describe it. */
export function deserializeLayer({ className, config }: { className: string; config: Record<string, unknown> }): Layer {
  return getLayerClass(className).fromConfig(config);
}
