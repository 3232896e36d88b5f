// RMSNormalization (keras/src/layers/normalization/rms_normalization.py): each input divided by
// its root mean square over `axis`, times a learned `scale`, through `ops.rmsNormalization`.

import type { Variable } from '../autograd/variable';
import { rmsNormalization } from '../ops/rms_normalization';
import { reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { axisOption, resolveAxisOption } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface RMSNormalizationArgs extends LayerArgs {
  /** The axis, or the list of axes, to normalize over (default -1, the last). */
  axis?: number | readonly number[];
  /** Added to the mean square before the square root (default 1e-6). */
  epsilon?: number;
}

/**
 * Root Mean Square normalization (Zhang and Sennrich, 2019):
 * `x * rsqrt(mean(square(x), axis) + epsilon) * scale`, with `scale` a weight of the sizes of the
 * normalized axes, initialized to ones. No centering and no offset, unlike LayerNormalization.
 *
 * @example
 * const layer = new RMSNormalization();
 * layer.apply(tensor([[3, 4]]));   // [[0.8485, 1.1314]]: the root mean square of [3, 4] is 3.5355
 * layer.scale.shape;               // [2]
 */
export class RMSNormalization extends Layer {
  readonly axis: number | number[];
  readonly epsilon: number;
  scale!: Variable;

  constructor(args: RMSNormalizationArgs = {}) {
    super(args);
    this.axis = axisOption(args.axis);
    this.epsilon = args.epsilon ?? 1e-6;
    if (typeof this.epsilon !== 'number' || !(this.epsilon >= 0) || !Number.isFinite(this.epsilon)) {
      throw new Error(`Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=${String(args.epsilon)}`);
    }
  }

  override build(inputShape: Shape): void {
    const axes = this.axes(inputShape);
    const sizes = axes.map((axis) => {
      const size = inputShape[axis];
      if (size === null) {
        throw new Error(`Axis ${axis} of input tensor should have a defined dimension but the layer received an input with shape ${formatSymbolicShape(inputShape)}.`);
      }
      return size;
    });
    this.scale = this.addWeight({ name: 'scale', shape: sizes, initializer: 'ones' });
    this.inputSpec = { ndim: inputShape.length, axes: Object.fromEntries(axes.map((axis, i) => [axis, sizes[i]])) };
  }

  override call(inputs: Tensor): Tensor {
    const axes = this.axes(inputs.shape as Shape);
    return tidy(() => {
      // The scale holds the normalized axes only; it broadcasts with size-1 axes elsewhere.
      const scaleShape = inputs.shape.map((size, i) => (axes.includes(i) ? size : 1));
      return rmsNormalization(inputs, reshape(this.scale, scaleShape), axes, this.epsilon);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.axes(inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis], epsilon: this.epsilon };
  }

  /** The normalized axes, non-negative and sorted (Keras sorts a list axis). */
  private axes(shape: Shape): number[] {
    return resolveAxisOption(this.name, this.axis, shape).sort((a, b) => a - b);
  }
}
