// Core layers: Dense (kernel matmul, bias, activation) and Activation. Keras 3 names, defaults
// and weight order (keras/src/layers/core/dense.py, activation.py); computation through ops only.
// Dense runs as one fused op (ops.dense) when its activation is one the matmul epilogue applies.

import { cast } from '../ops/elementwise';
import { dense } from '../ops/dense';
import type { FusedActivation } from '../ops/matmul';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import { Layer, type LayerArgs } from './layer';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { checkPositiveInt } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

/** The built-in activations that ops.dense fuses into its matmul, by function. */
const FUSED_BY_FUNCTION = new Map<ActivationFn, FusedActivation>((['linear', 'relu', 'sigmoid', 'tanh'] as const).map((name) => [getActivation(name), name]));

export interface DenseArgs extends KernelLayerArgs {
  /** Dimensionality of the output space. */
  units: number;
}

/**
 * A densely connected layer: `activation(dot(input, kernel) + bias)`. On inputs of rank above 2
 * the kernel applies along the last axis (a [batch, time, features] input gives
 * [batch, time, units]).
 *
 * Arguments: `units`; `activation` (default linear); `useBias` (true); `kernelInitializer`
 * ('glorotUniform'); `biasInitializer` ('zeros'); `kernelRegularizer`, `biasRegularizer`.
 * Weights: `kernel` [inputDim, units], then `bias` [units].
 *
 * @example
 * const dense = new Dense({ units: 64, activation: 'relu' });
 * const y = dense.apply(x);                       // x: [batch, 100] -> y: [batch, 64]
 * dense.countParams();                            // 6464
 */
export class Dense extends KernelLayer {
  readonly units: number;

  constructor(args: DenseArgs) {
    super(args);
    this.units = checkPositiveInt('units', args?.units);
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape.at(-1);
    if (inputDim === null || inputDim === undefined) {
      throw new Error(`The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: ${formatSymbolicShape(inputShape)}`);
    }
    this.addKernelAndBias([inputDim, this.units], this.units);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const fused = FUSED_BY_FUNCTION.get(this.activation);
      const y = dense(x, this.kernel, this.bias, fused ?? 'linear');
      return fused ? y : this.activation(y);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }
}

export interface ActivationArgs extends LayerArgs {
  /** A name ('relu', 'log_softmax', ...) or a function of a tensor. */
  activation: ActivationIdentifier;
}

/**
 * Applies an activation function to its input.
 *
 * @example
 * new Activation('relu').apply(tensor([-3, -1, 0, 2]));   // [0, 0, 0, 2]
 * new Activation({ activation: 'softmax' });
 */
export class Activation extends Layer {
  readonly activation: ActivationFn;

  constructor(args: ActivationArgs | ActivationIdentifier) {
    const config: ActivationArgs = typeof args === 'object' && args !== null ? args : { activation: args };
    super(config);
    this.activation = getActivation(config.activation);
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => this.activation(inputs));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}
