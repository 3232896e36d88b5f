// The built-in layers, with Keras names (`layers.Dense`, `layers.BatchNormalization`, ...), the
// Layer base and `Input`, and the activation functions by name.

export { Layer, type LayerArgs, type CallArgs, type InputSpec, type AddWeightArgs } from './layer';
export { Input, InputLayer, type InputArgs } from './input_layer';
export type { Shape } from './symbolic';
export { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
export { Dense, Activation, type DenseArgs, type ActivationArgs } from './core';
export type { KernelLayerArgs } from './kernel_layer';
export { Dropout, type DropoutArgs } from './regularization';
export { Flatten, Reshape, Permute, type ReshapeArgs, type PermuteArgs } from './reshaping';
export {
  BatchNormalization,
  LayerNormalization,
  InstanceNormalization,
  type AffineNormalizationArgs,
  type BatchNormalizationArgs,
  type LayerNormalizationArgs,
  type InstanceNormalizationArgs,
} from './normalization';
export { Embedding, type EmbeddingArgs } from './embedding';
export { Merge, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, type ConcatenateArgs } from './merging';
export { Conv1D, Conv2D, type ConvArgs } from './convolutional';
export {
  MaxPooling1D,
  AveragePooling1D,
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  type PoolingArgs,
  type GlobalPoolingArgs,
} from './pooling';
export { getLayerClass, deserializeLayer, registerLayer } from './registry';
