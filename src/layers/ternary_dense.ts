// TernaryDense (keras/src/layers/core/ternary_dense.py): a Dense layer trained with ternary weights
// (BitNet b1.58). Each call ternarizes the float kernel to {-1, 0, +1} and multiplies by it; the
// straight-through estimator passes the kernel's gradient through the ternarization unchanged, so
// the float kernel is what the optimizer trains. Keras's `quantize("ternary")`, which packs the
// trained kernel at five trits a byte for inference, is not part of this library.

import { dense } from '../ops/dense';
import { abs, cast, greater, sign } from '../ops/elementwise';
import { mean } from '../ops/reduce';
import { stopGradient } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { checkPositiveInt } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface TernaryDenseArgs extends KernelLayerArgs {
  /** Dimensionality of the output space. */
  units: number;
  /**
   * The boundary on |kernel| below which a weight is 0 (default null: 0.5 · mean(|kernel|) at each
   * call, with the product then scaled by beta = mean(|kernel|)). 0 maps every weight to ±1.
   */
  threshold?: number | null;
}

/**
 * A densely connected layer whose kernel is ternarized at every call (BitNet b1.58):
 * `ternary = sign(kernel) · (|kernel| > threshold)`, and
 * `activation(beta · dot(input, ternary) + bias)`. With the default `threshold: null`, the
 * threshold is 0.5 · mean(|kernel|) and beta = mean(|kernel|); with a given threshold, beta is 1.
 * The gradient reaches the float kernel through the straight-through estimator (as if the
 * ternarization were the identity), and through beta as Keras's does.
 *
 * Arguments: `units`; `threshold` (null); Dense's `activation` (linear), `useBias` (true),
 * `kernelInitializer` ('glorotUniform'), `biasInitializer` ('zeros'), `kernelRegularizer`,
 * `biasRegularizer`, `kernelConstraint`, `biasConstraint`.
 * Weights: `kernel` [inputDim, units] (float), then `bias` [units].
 *
 * @example
 * const layer = new TernaryDense({ units: 64, activation: 'relu' });
 * layer.apply(ops.ones([4, 32])).shape;   // [4, 64]
 */
export class TernaryDense extends KernelLayer {
  /** Passes its input's mask on (see getMask), as Keras. */
  override supportsMasking = true;
  readonly units: number;
  readonly threshold: number | null;

  constructor(args: TernaryDenseArgs) {
    super(args);
    this.units = checkPositiveInt('units', args?.units);
    const threshold = args.threshold ?? null;
    if (threshold !== null && !(typeof threshold === 'number' && Number.isFinite(threshold))) {
      throw new Error(`Received an invalid value for \`threshold\`, expected a float or None. Received: threshold=${String(threshold)}`);
    }
    if (threshold !== null && threshold < 0) {
      throw new Error(`Received an invalid value for \`threshold\`, expected a non-negative float or None. Received: threshold=${threshold}`);
    }
    this.threshold = threshold;
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape.at(-1);
    if (inputDim === null || inputDim === undefined) {
      throw new Error(`The last dimension of the inputs to a TernaryDense layer should be defined. Found None. Full input shape received: ${formatSymbolicShape(inputShape)}`);
    }
    this.addKernelAndBias([inputDim, this.units], this.units);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const magnitude = abs(this.kernel);
      const beta = this.threshold === null ? mean(magnitude) : null;
      const threshold = beta === null ? this.threshold! : beta.mul(0.5);
      const ternary = sign(this.kernel).mul(cast(greater(magnitude, threshold), 'float32'));
      // The forward value is the ternary kernel; the gradient is the float kernel's.
      const kernel = this.kernel.add(stopGradient(ternary.sub(this.kernel)));
      const product = dense(x, kernel);
      const scaled = beta === null ? product : product.mul(beta);
      return this.activation(this.bias ? scaled.add(this.bias) : scaled);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, threshold: this.threshold };
  }
}
