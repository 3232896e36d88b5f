// Convolution layers, channels-last: Conv1D and Conv2D (keras/src/layers/convolutional/
// base_conv.py, conv1d.py, conv2d.py) on `ops.conv1d` / `ops.conv2d`, with Keras's defaults,
// weight names and shapes, argument checks and output-shape arithmetic.

import { conv1d, conv2d } from '../ops/conv';
import { cast } from '../ops/elementwise';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { checkPositiveInt, convOutputLength, normalizeTuple } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

type ConvPadding = 'valid' | 'same' | 'causal';

export interface ConvArgs extends KernelLayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: a number or one per spatial axis. */
  kernelSize: number | readonly number[];
  /** Default 1. */
  strides?: number | readonly number[];
  /** 'valid' (default) or 'same'; Conv1D also 'causal'. */
  padding?: ConvPadding;
  /** Default 1. Cannot be combined with strides above 1 (as in Keras). */
  dilationRate?: number | readonly number[];
}

/** Keras's BaseConv for channels-last inputs of `rank` spatial axes. */
abstract class Conv extends KernelLayer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dilationRate: number[];

  constructor(rank: number, args: ConvArgs, paddings: readonly ConvPadding[]) {
    super(args);
    this.rank = rank;
    this.filters = checkPositiveInt('filters', args?.filters);
    this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernelSize');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate');
    const padding = (typeof args.padding === 'string' ? args.padding.toLowerCase() : (args.padding ?? 'valid')) as ConvPadding;
    if (!paddings.includes(padding)) {
      throw new Error(`The \`padding\` argument must be one of ${paddings.map((p) => `"${p}"`).join(', ')}. Received: padding=${String(args.padding)}`);
    }
    this.padding = padding;
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new Error(`\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides.join(', ')}) and dilation_rate=(${this.dilationRate.join(', ')})`);
    }
    this.inputSpec = { minNdim: rank + 2 };
  }

  /** The convolution op on float32 x. */
  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  override build(inputShape: Shape): void {
    const channels = inputShape.at(-1);
    if (channels === null || channels === undefined) {
      throw new Error(`The channel dimension of the inputs should be defined. The input_shape received is ${formatSymbolicShape(inputShape)}, where axis -1 (0-based) is the channel dimension, which found to be \`None\`.`);
    }
    this.addKernelAndBias([...this.kernelSize, channels, this.filters], this.filters);
    this.inputSpec = { minNdim: this.rank + 2, axes: { [-1]: channels } };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const y = this.convolve(x, this.kernel);
      return this.activation(this.bias ? y.add(this.bias) : y);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const spatial = inputShape.slice(1, -1);
    const out = spatial.map((length, i) =>
      convOutputLength(length, this.kernelSize[i], this.padding === 'valid' ? 'valid' : 'same', this.strides[i], this.dilationRate[i]),
    );
    if (out.some((d) => d !== null && d <= 0)) {
      throw new Error(`Computed output size would be negative. Received \`inputs shape=${formatSymbolicShape(inputShape)}\`, \`kernel shape=(${[...this.kernelSize, inputShape.at(-1) ?? 'None', this.filters].join(', ')})\`, \`dilation_rate=(${this.dilationRate.join(', ')})\`.`);
    }
    return [inputShape[0], ...out, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
    };
  }
}

/**
 * 2-D convolution over channels-last images: [batch, height, width, channels] to
 * [batch, outHeight, outWidth, filters], `activation(conv2d(x, kernel) + bias)`.
 *
 * Arguments: `filters`; `kernelSize`; `strides` (1); `padding` ('valid' or 'same'); `dilationRate`
 * (1); `activation` (linear); `useBias` (true); `kernelInitializer` ('glorotUniform');
 * `biasInitializer` ('zeros'); `kernelRegularizer`, `biasRegularizer`.
 * Weights: `kernel` [kernelHeight, kernelWidth, inChannels, filters], then `bias` [filters].
 *
 * @example
 * const conv = new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' });
 * conv.apply(Input({ shape: [28, 28, 1] })).shape;   // [null, 28, 28, 32]
 */
export class Conv2D extends Conv {
  constructor(args: ConvArgs) {
    super(2, args, ['valid', 'same']);
  }

  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv2d(x, kernel, {
      strides: this.strides as [number, number],
      padding: this.padding as 'valid' | 'same',
      dilationRate: this.dilationRate as [number, number],
    });
  }
}

/**
 * 1-D convolution over channels-last sequences: [batch, steps, channels] to
 * [batch, outSteps, filters]. Padding 'valid', 'same' or 'causal' (output t sees only inputs up
 * to t, for autoregressive models). Other arguments and weights as Conv2D, with one spatial axis.
 *
 * @example
 * const conv = new Conv1D({ filters: 16, kernelSize: 3, padding: 'causal', dilationRate: 2 });
 * conv.apply(Input({ shape: [100, 8] })).shape;   // [null, 100, 16]
 */
export class Conv1D extends Conv {
  constructor(args: ConvArgs) {
    super(1, args, ['valid', 'same', 'causal']);
  }

  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv1d(x, kernel, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0] });
  }
}
