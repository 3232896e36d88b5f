// Activation functions with options, as layers (keras/src/layers/activations): ReLU (with a
// ceiling, a threshold and a negative slope), LeakyReLU, ELU, Softmax (over one axis or
// several) and PReLU (a learned slope). Each is an op or a short composition of ops, so the tape differentiates it and it runs
// on the active backend. Keras 3 names and defaults (LeakyReLU's `negativeSlope` is 0.3).

import type { Variable } from '../autograd/variable';
import { clip, elu, exp, greater, leakyRelu, neg, relu, relu6, sub, where } from '../ops/elementwise';
import { logSumExp } from '../ops/reduce';
import { softmax, softmaxActivation } from '../ops/softmax';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type OutputMask } from './layer';
import type { Constraint, ConstraintIdentifier } from './constraints';
import type { Initializer, InitializerIdentifier } from './initializers';
import { axisOption, constraintConfig, initializerConfig, resolveAxisOption, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Throws Keras's message unless `value` is a finite number >= 0. */
function checkNonNegative(layer: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} of a ${layer} layer cannot be None or a negative value. Expected a float >= 0. Received: ${name}=${String(value)}`);
  }
  return value;
}

export interface ReLUArgs extends LayerArgs {
  /** Largest output value (a number >= 0); null or undefined for no ceiling (the default). */
  maxValue?: number | null;
  /** Slope below the threshold (>= 0, default 0). */
  negativeSlope?: number;
  /** Inputs at or below it give `negativeSlope * (x - threshold)` (>= 0, default 0). */
  threshold?: number;
}

/**
 * The rectified linear unit with Keras's options: `f(x) = min(x, maxValue)` for `x > threshold`,
 * `negativeSlope * (x - threshold)` otherwise (and 0 for inputs in (0, threshold] when the slope
 * is 0).
 *
 * @example
 * new ReLU().apply(tensor([-2, 0, 3]));                                    // [0, 0, 3]
 * new ReLU({ maxValue: 2, negativeSlope: 0.5 }).apply(tensor([-2, 0, 3]));  // [-1, 0, 2]
 */
export class ReLU extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : checkNonNegative('ReLU', 'maxValue', args.maxValue);
    this.negativeSlope = checkNonNegative('ReLU', 'negativeSlope', args.negativeSlope ?? 0);
    this.threshold = checkNonNegative('ReLU', 'threshold', args.threshold ?? 0);
  }

  override call(inputs: Tensor): Tensor {
    const { maxValue, negativeSlope, threshold } = this;
    if (threshold === 0 && maxValue === null) return negativeSlope === 0 ? relu(inputs) : leakyRelu(inputs, negativeSlope);
    if (threshold === 0 && maxValue === 6 && negativeSlope === 0) return relu6(inputs);
    return tidy(() => {
      // Keras's relu: x above the threshold (else 0), clipped to [0, maxValue], minus the slope
      // times how far x is below the threshold.
      const above = threshold === 0 ? relu(inputs) : where(greater(inputs, threshold), inputs, 0);
      const capped = maxValue === null ? above : clip(above, 0, maxValue);
      return negativeSlope === 0 ? capped : sub(capped, relu(sub(threshold, inputs)).mul(negativeSlope));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for negative inputs (>= 0, default 0.3). Keras 3's name for Keras 2's `alpha`. */
  negativeSlope?: number;
  /** @deprecated Keras 2's name of negativeSlope, which Keras 3 still takes, with a warning (keras.io's examples use it). */
  alpha?: number;
}

/**
 * The leaky rectified linear unit: `x` for `x >= 0`, `negativeSlope * x` otherwise (Keras 3
 * default slope 0.3, where the `leaky_relu` activation's is 0.2).
 *
 * @example
 * new LeakyReLU().apply(tensor([-10, 0, 5]));                       // [-3, 0, 5]
 * new LeakyReLU({ negativeSlope: 0.5 }).apply(tensor([-10, 0, 5]));  // [-5, 0, 5]
 */
export class LeakyReLU extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly negativeSlope: number;

  constructor({ alpha, ...args }: LeakyReLUArgs = {}) {
    super(args);
    if (alpha !== undefined) console.warn('LeakyReLU: argument `alpha` is deprecated. Use `negativeSlope` instead.');
    this.negativeSlope = checkNonNegative('LeakyReLU', 'negativeSlope', alpha ?? args.negativeSlope ?? 0.3);
  }

  override call(inputs: Tensor): Tensor {
    return leakyRelu(inputs, this.negativeSlope);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * The exponential linear unit: `x` for `x >= 0`, `alpha * (exp(x) - 1)` otherwise.
 *
 * @example
 * new ELU({ alpha: 0.5 }).apply(tensor([-1, 2]));   // [-0.3161, 2]
 */
export class ELU extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
      throw new Error(`Invalid value for argument alpha. Expected a finite number. Received: alpha=${String(alpha)}`);
    }
    this.alpha = alpha;
  }

  override call(inputs: Tensor): Tensor {
    return elu(inputs, this.alpha);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface SoftmaxArgs extends LayerArgs {
  /** The axis, or the list of axes, normalized over (default -1, the last). */
  axis?: number | readonly number[];
}

/**
 * Softmax: `exp(x) / sum(exp(x))` over `axis`, computed stably. With several axes the sum runs
 * over all of them at once.
 *
 * @example
 * new Softmax().apply(tensor([1, 2, 1]));                       // [0.2119, 0.5761, 0.2119]
 * new Softmax({ axis: [1, 2] }).apply(Input({ shape: [4, 4] })).shape;   // [null, 4, 4]
 */
export class Softmax extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly axis: number | number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.axis = axisOption(args.axis);
  }

  /**
   * With a mask (`apply(x, { mask })`, broadcastable to the input: nonzero or true keeps a
   * position, as Keras's mask > 0.5), the masked positions take no part and come out 0, even
   * where a whole axis is masked (Keras sets them to -1e9 before the softmax, 0 after).
   */
  override call(inputs: Tensor, args: CallArgs = {}): Tensor {
    const axes = resolveAxisOption(this.name, this.axis, inputs.shape as Shape);
    const mask = (Array.isArray(args.mask) ? (args.mask[0] ?? null) : (args.mask ?? null)) as Tensor | null;
    if (mask === null) return this.softmaxOver(inputs, axes);
    const fits = mask.rank <= inputs.rank && mask.shape.every((d, i) => d === 1 || d === inputs.shape[inputs.rank - mask.rank + i]);
    if (!fits) {
      throw new Error(`${this.name}: the mask must be broadcastable to the inputs, each mask axis 1 or the input's axis, with no more axes. Received: inputs.shape=[${inputs.shape.join(', ')}], mask.shape=[${mask.shape.join(', ')}]`);
    }
    return tidy(() => {
      const kept = greater(mask, 0.5);
      return where(kept, this.softmaxOver(where(kept, inputs, -1e9), axes), 0);
    });
  }

  /**
   * The input's mask, passed on when it is a mask of the output's leading axes; a mask that only
   * broadcasts to the input ([4] for [batch, 3, 4] inputs) is used up here (Keras would attach it
   * as it is, which no mask-reading layer here takes).
   */
  override computeMask(inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const single = (Array.isArray(mask) ? (mask[0] ?? null) : mask) as Tensor | null;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (single === null || single.rank > input.rank || single.shape.some((d, i) => d !== input.shape[i])) return null;
    return single;
  }

  private softmaxOver(inputs: Tensor, axes: number[]): Tensor {
    if (axes.length === 1) {
      // Over the last axis it is the softmax activation, which keeps its logits for the
      // cross-entropy losses (as Keras's activations.softmax does).
      return axes[0] === inputs.rank - 1 ? softmaxActivation(inputs) : softmax(inputs, axes[0]);
    }
    return tidy(() => exp(sub(inputs, logSumExp(inputs, axes, true))));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    resolveAxisOption(this.name, this.axis, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}

export interface PReLUArgs extends LayerArgs {
  /** Initial slopes (default 'zeros': the layer starts as a ReLU). */
  alphaInitializer?: InitializerIdentifier;
  alphaRegularizer?: RegularizerIdentifier | null;
  /** Applied to the slopes after each optimizer update. */
  alphaConstraint?: ConstraintIdentifier | null;
  /** Axes (1-based, the batch axis excluded) along which one slope is shared, e.g. [1, 2] for one slope per channel of an image. */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * The parametric ReLU: `x` for `x >= 0`, `alpha * x` otherwise, with `alpha` a trainable weight of
 * the sample's shape (one slope per element, or shared along `sharedAxes`).
 *
 * @example
 * const prelu = new PReLU({ sharedAxes: [1, 2] });   // one slope per channel of [batch, h, w, c]
 * prelu.apply(Input({ shape: [8, 8, 3] }));
 * prelu.weights[0].shape;                            // [1, 1, 3]
 */
export class PReLU extends Layer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | null;
  readonly alphaConstraint: Constraint | null;
  readonly sharedAxes: number[] | null;
  alpha!: Variable;

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.alphaInitializer = resolveInitializer(args.alphaInitializer ?? 'zeros');
    this.alphaRegularizer = resolveRegularizer(args.alphaRegularizer);
    this.alphaConstraint = resolveConstraint(args.alphaConstraint);
    const shared = args.sharedAxes ?? null;
    const axes = shared === null ? null : typeof shared === 'number' ? [shared] : [...shared];
    if (axes && !axes.every((a) => Number.isInteger(a) && a >= 1)) {
      throw new Error(`Invalid value for argument sharedAxes. Expected axes >= 1 (axis 0 is the batch). Received: sharedAxes=${JSON.stringify(shared)}`);
    }
    this.sharedAxes = axes;
  }

  override build(inputShape: Shape): void {
    const sampleShape = inputShape.slice(1);
    for (const axis of this.sharedAxes ?? []) {
      if (axis > sampleShape.length) throw new Error(`Invalid value for argument sharedAxes: axis ${axis} is past the last axis of input shape ${formatSymbolicShape(inputShape)}.`);
    }
    const shape = sampleShape.map((d, i) => {
      if (this.sharedAxes?.includes(i + 1)) return 1;
      if (d === null) throw new Error(`PReLU needs every non-shared axis of its input known; axis ${i + 1} of input shape ${formatSymbolicShape(inputShape)} is not (share it with sharedAxes).`);
      return d;
    });
    this.alpha = this.addWeight({ name: 'alpha', shape, initializer: this.alphaInitializer, regularizer: this.alphaRegularizer ?? undefined, constraint: this.alphaConstraint });
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => relu(inputs).sub(this.alpha.mul(relu(neg(inputs)))));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alphaInitializer: initializerConfig(this.alphaInitializer),
      alphaRegularizer: regularizerConfig(this.alphaRegularizer),
      alphaConstraint: constraintConfig(this.alphaConstraint),
      sharedAxes: this.sharedAxes && [...this.sharedAxes],
    };
  }
}
