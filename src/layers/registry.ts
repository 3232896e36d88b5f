// Layer classes by Keras class name, for rebuilding layers from `{ className, config }` (model
// loading). Built-in layers are registered here; custom layers with `registerLayer`.

import { Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from './convolutional';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from './activation_layers';
import { Activation, Dense, Identity, Lambda, RepeatVector } from './core';
import { Embedding } from './embedding';
import { InputLayer } from './input_layer';
import { declareStrictOptions, type Layer } from './layer';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merging';
import { BatchNormalization, GroupNormalization, InstanceNormalization, LayerNormalization, UnitNormalization } from './normalization';
import { Normalization } from './normalization_preprocessing';
import { MultiHeadAttention } from './attention';
import { AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D } from './pooling';
import { Rescaling } from './preprocessing';
import { Dropout, GaussianNoise } from './regularization';
import { Cropping1D, Cropping2D, Flatten, Permute, Reshape, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D } from './reshaping';

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

/** The name a class is registered under, or undefined (model saving names classes with it). */
export function getRegisteredLayerName(cls: unknown): string | undefined {
  for (const [name, registered] of registry) if (registered === cls) return name;
  return undefined;
}

/** Rebuilds a layer from `{ className, config }`, as `getConfig` and the class name describe it. */
export function deserializeLayer({ className, config }: { className: string; config: Record<string, unknown> }): Layer {
  return getLayerClass(className).fromConfig(config);
}

// Explicit names: bundlers may rename classes, so `cls.name` is not relied upon.
const builtIns: Record<string, LayerClass> = {
  InputLayer,
  Dense,
  Activation,
  Dropout,
  Flatten,
  Reshape,
  Permute,
  BatchNormalization,
  LayerNormalization,
  InstanceNormalization,
  GroupNormalization,
  Normalization,
  MultiHeadAttention,
  Embedding,
  Conv1D,
  Conv2D,
  Conv1DTranspose,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  MaxPooling1D,
  AveragePooling1D,
  MaxPooling2D,
  AveragePooling2D,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  Identity,
  Lambda,
  RepeatVector,
  UpSampling1D,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
  Cropping1D,
  Cropping2D,
  ReLU,
  LeakyReLU,
  ELU,
  Softmax,
  PReLU,
  Rescaling,
  GaussianNoise,
  UnitNormalization,
};
for (const [name, cls] of Object.entries(builtIns)) registerLayer(cls, name);
// Their getConfig lists every option, so an option it does not list is a typo (InputLayer takes
// shape options that its config holds as batchInputShape).
declareStrictOptions(Object.values(builtIns).filter((cls) => cls !== InputLayer));
