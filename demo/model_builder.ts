// Builds and compiles the model that the demo's Model panel describes: an MLP on 2-D points or a
// small CNN on 8x8 digits, hidden layers from the UI, and the three extension patterns of
// examples/ used for real: InstanceNormalize (custom layer), CustomModel (custom trainStep) and
// the focal loss written from ops (custom loss).

import { Input, Model, layers, losses, ops, optimizers, setRandomSeed, tensor, type SymbolicTensor, type Tensor } from 'webgpu-keras';
import { InstanceNormalize } from '../examples/custom-layer';
import { CustomModel } from '../examples/custom-train-step';
import { focalLoss as focalLossFromOps } from '../examples/custom-focal-loss';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';
export type Normalization = 'none' | 'layer' | 'instance';
export type LossKind = 'crossentropy' | 'focal' | 'mse';
export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

export interface HiddenLayer {
  units: number;
  activation: Activation;
}

export interface ModelConfig {
  hidden: HiddenLayer[];
  /** Inserted after each hidden Dense layer, before its activation. */
  normalization: Normalization;
  /** 'custom' builds examples/custom-train-step.ts's CustomModel instead of Model. */
  trainStep: 'builtin' | 'custom';
  loss: LossKind;
  focalAlpha: number;
  focalGamma: number;
  /** Two-class focal loss: the fused WGSL kernel or examples/custom-focal-loss.ts's ops version. */
  focalImplementation: 'fused' | 'ops';
  optimizer: OptimizerKind;
  learningRate: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** What the last layer gives: class probabilities (softmax) or one logit for class 1. */
export type OutputKind = 'softmax' | 'logit';

export interface BuiltModel {
  model: Model;
  output: OutputKind;
  /** The loss, in words, as the UI reports it. */
  lossDescription: string;
}

/** Whether a loss/class-count pair trains a single logit (the two-class sigmoid focal loss). */
export function outputKind(loss: LossKind, classes: number): OutputKind {
  return loss === 'focal' && classes === 2 ? 'logit' : 'softmax';
}

export function describeLoss(config: Pick<ModelConfig, 'loss' | 'focalImplementation'>, classes: number): string {
  if (config.loss === 'crossentropy') return 'categorical crossentropy on softmax outputs';
  if (config.loss === 'mse') return 'mean squared error on softmax outputs';
  if (classes !== 2) return `losses.CategoricalFocalCrossentropy on softmax outputs (${classes} classes)`;
  return config.focalImplementation === 'fused'
    ? 'losses.focalLoss: sigmoid focal loss on one logit, one fused WGSL kernel (2 classes)'
    : 'focalLoss from examples/custom-focal-loss.ts: written from ops, on one logit (2 classes)';
}

export function buildModel(config: ModelConfig, sampleShape: number[], classes: number): BuiltModel {
  setRandomSeed(config.seed);
  const inputs = Input({ shape: sampleShape });
  let x: SymbolicTensor = sampleShape.length === 3 ? convolutionalBase(inputs) : inputs;
  for (const { units, activation } of config.hidden) {
    if (config.normalization === 'none') {
      x = new layers.Dense({ units, activation }).apply(x) as SymbolicTensor;
      continue;
    }
    x = normalize(new layers.Dense({ units }).apply(x) as SymbolicTensor, config.normalization, units);
    x = new layers.Activation(activation).apply(x) as SymbolicTensor;
  }
  const output = outputKind(config.loss, classes);
  const outputs = new layers.Dense({ units: output === 'logit' ? 1 : classes, activation: output === 'logit' ? 'linear' : 'softmax' }).apply(x) as SymbolicTensor;
  const model = config.trainStep === 'custom' ? new CustomModel({ inputs, outputs, name: 'custom_train_step' }) : new Model({ inputs, outputs, name: 'demo' });
  model.compile({ optimizer: makeOptimizer(config), loss: makeLoss(config, classes), metrics: [output === 'logit' ? accuracy : 'accuracy'] });
  return { model, output, lossDescription: describeLoss(config, classes) };
}

/** Labels as the model's loss wants them: one-hot rows, or [N, 1] zeros and ones for one logit. */
export function encodeLabels(labels: Int32Array, classes: number, output: OutputKind): Tensor {
  if (output === 'logit') return tensor(Float32Array.from(labels), [labels.length, 1]);
  return ops.oneHot(tensor(labels, [labels.length], 'int32'), classes);
}

/** Class probabilities per row (one column per class) from the model's raw outputs. */
export function toProbabilities(outputs: Float32Array, output: OutputKind): Float32Array {
  if (output === 'softmax') return outputs;
  const probabilities = new Float32Array(outputs.length * 2);
  outputs.forEach((logit, i) => {
    const p = 1 / (1 + Math.exp(-logit));
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
  });
  return probabilities;
}

/** Two conv/pool stages: 8x8x1 -> 4x4x8 -> 2x2x16 -> 64 features. */
function convolutionalBase(inputs: SymbolicTensor): SymbolicTensor {
  let x = new layers.Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(inputs) as SymbolicTensor;
  x = new layers.MaxPooling2D({ poolSize: 2 }).apply(x) as SymbolicTensor;
  x = new layers.Conv2D({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as SymbolicTensor;
  x = new layers.MaxPooling2D({ poolSize: 2 }).apply(x) as SymbolicTensor;
  return new layers.Flatten().apply(x) as SymbolicTensor;
}

/**
 * LayerNormalization over the units, or the custom InstanceNormalize, which normalizes over axes
 * 1 and 2 (made for images): the units are viewed as a [units, 1] "image" around it.
 */
function normalize(x: SymbolicTensor, kind: Exclude<Normalization, 'none'>, units: number): SymbolicTensor {
  if (kind === 'layer') return new layers.LayerNormalization().apply(x) as SymbolicTensor;
  const asImage = new layers.Reshape({ targetShape: [units, 1] }).apply(x) as SymbolicTensor;
  return new layers.Reshape({ targetShape: [units] }).apply(new InstanceNormalize().apply(asImage) as SymbolicTensor) as SymbolicTensor;
}

function makeOptimizer({ optimizer, learningRate }: ModelConfig): optimizers.Optimizer {
  switch (optimizer) {
    case 'sgd':
      return new optimizers.SGD({ learningRate, momentum: 0.9 });
    case 'adam':
      return new optimizers.Adam({ learningRate });
    case 'adamw':
      return new optimizers.AdamW({ learningRate, weightDecay: 0.004 });
    case 'rmsprop':
      return new optimizers.RMSprop({ learningRate });
  }
}

function makeLoss(config: ModelConfig, classes: number) {
  if (config.loss === 'crossentropy') return 'categorical_crossentropy';
  if (config.loss === 'mse') return 'mse';
  const { focalAlpha: alpha, focalGamma: gamma } = config;
  if (classes !== 2) return new losses.CategoricalFocalCrossentropy({ alpha, gamma });
  return config.focalImplementation === 'fused' ? losses.focalLoss({ alpha, gamma }) : focalLossFromOps({ alpha, gamma });
}

/** Accuracy of one logit against 0/1 labels (the logit's sign decides the class); logged as 'accuracy'. */
function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.equal(yPred.greater(0).cast('float32'), yTrue).cast('float32').mean(-1);
}
