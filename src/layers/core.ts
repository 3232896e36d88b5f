// Core layers: Dense (kernel matmul, bias, activation), Activation, Identity, Lambda (a function
// as a layer) and RepeatVector. Keras 3 names, defaults and weight order (keras/src/layers/core,
// keras/src/layers/reshaping/repeat_vector.py); computation through ops only. Dense runs as one
// fused op (ops.dense) when its activation is one the matmul epilogue applies.

import { cast } from '../ops/elementwise';
import { dense } from '../ops/dense';
import type { FusedActivation } from '../ops/matmul';
import { broadcastTo, reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import { Layer, type LayerArgs } from './layer';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { checkPositiveInt } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

/** The built-in activations that ops.dense (and a convolution op) fuses into its matmul, by function. */
export const FUSED_BY_FUNCTION = new Map<ActivationFn, FusedActivation>((['linear', 'relu', 'sigmoid', 'tanh'] as const).map((name) => [getActivation(name), name]));

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
 * ('glorotUniform'); `biasInitializer` ('zeros'); `kernelRegularizer`, `biasRegularizer`;
 * `kernelConstraint`, `biasConstraint`.
 * Weights: `kernel` [inputDim, units], then `bias` [units].
 *
 * @example
 * const dense = new Dense({ units: 64, activation: 'relu' });
 * const y = dense.apply(x);                       // x: [batch, 100] -> y: [batch, 64]
 * dense.countParams();                            // 6464
 */
export class Dense extends KernelLayer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
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
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
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

/**
 * Returns its input unchanged (one tensor or a list): a placeholder where a layer is expected but
 * no computation is wanted.
 *
 * @example
 * new Identity().apply(Input({ shape: [3] })).shape;   // [null, 3]
 */
export class Identity extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }
}

/**
 * What a Lambda computes: a function of the input tensor (or of the list of input tensors). A
 * method type, so that a function typed for one Tensor (or for a list) is taken as it is, as
 * Keras's `Lambda(sinusoidal_embedding)`.
 */
export type LambdaFunction = { compute(inputs: Tensor | Tensor[]): Tensor | Tensor[] }['compute'];

export interface LambdaArgs extends LayerArgs {
  /** The computation, made of ops; it receives the input (a list for several inputs). */
  function: LambdaFunction;
  /**
   * The output shape without the batch axis, or a function of the full input shape that returns
   * the full output shape. Without it, the shape is found by running `function` on zeros.
   */
  outputShape?: Shape | ((inputShape: Shape | Shape[]) => Shape | Shape[]);
}

/**
 * Wraps a function of tensors as a layer, for quick computations inside a Sequential or
 * functional model. The function is code, which a saved model cannot hold: saving a model with
 * a Lambda throws; for a model that is saved, write the computation as a custom layer (a Layer
 * subclass registered with `registerLayer`).
 *
 * @example
 * const square = new Lambda({ function: (x) => ops.square(x as Tensor) });
 * square.apply(tensor([1, -2, 3]));   // [1, 4, 9]
 * new Lambda({ function: (x) => ops.sum(x as Tensor, -1, true), outputShape: [1] });
 */
export class Lambda extends Layer {
  readonly function: LambdaFunction;
  readonly outputShape: Shape | ((inputShape: Shape | Shape[]) => Shape | Shape[]) | null;

  constructor(args: LambdaArgs) {
    super(args);
    if (typeof args?.function !== 'function') {
      throw new Error(`Invalid value for argument function. Expected a function of the input tensor(s). Received: function=${describeValue(args?.function)}`);
    }
    const outputShape = args.outputShape ?? null;
    const validShape = (s: unknown) => Array.isArray(s) && s.every((d) => d === null || (Number.isInteger(d) && d >= 0));
    if (outputShape !== null && typeof outputShape !== 'function' && !validShape(outputShape)) {
      throw new Error(
        `Invalid value for argument outputShape. Expected a shape without the batch axis (non-negative integers or null) or a function of the input shape. Received: outputShape=${describeValue(outputShape)}`,
      );
    }
    this.function = args.function;
    this.outputShape = typeof outputShape === 'function' ? outputShape : outputShape && [...outputShape];
  }

  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return tidy(() => this.function(inputs));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (this.outputShape === null) return super.computeOutputShape(inputShape);
    if (typeof this.outputShape === 'function') return this.outputShape(inputShape);
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [first[0] ?? null, ...this.outputShape];
  }

  /** Always throws: a function cannot be written into a model file (see the class comment). */
  override getConfig(): Record<string, unknown> {
    throw new Error(
      `Cannot serialize Lambda layer '${this.name}': its \`function\` is JavaScript code, and a saved model holds only data (loading never runs code from a file). ` +
        'To save this model, write the computation as a custom layer instead: subclass Layer, implement call() (and getConfig() for its options), ' +
        'and call registerLayer(MyLayer) before saving and before loading.',
    );
  }
}

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat each sample (a positive integer). */
  n: number;
}

/**
 * Repeats each sample of a [batch, features] input `n` times: [batch, n, features].
 *
 * @example
 * new RepeatVector({ n: 3 }).apply(Input({ shape: [32] })).shape;   // [null, 3, 32]
 */
export class RepeatVector extends Layer {
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    const n = args?.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
      throw new Error(`Invalid value for argument n. Expected a positive integer. Received: n=${describeValue(n)}`);
    }
    this.n = n;
    this.inputSpec = { ndim: 2 };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const [batch, features] = inputs.shape;
      return broadcastTo(reshape(inputs, [batch, 1, features]), [batch, this.n, features]);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], this.n, inputShape[1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

/** A value as an error message shows it: JSON where possible. */
function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
