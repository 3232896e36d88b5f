// Convolution layers, channels-last by default (channels-first data runs between two transposes):
// Conv1D, Conv2D and Conv3D (keras/src/layers/convolutional/base_conv.py, conv1d.py, conv2d.py,
// conv3d.py; `groups` included) on `ops.conv1d` / `ops.conv2d` / `ops.conv3d`; Conv1DTranspose,
// Conv2DTranspose and Conv3DTranspose (base_conv_transpose.py) on the transposed ops; DepthwiseConv1D/2D and SeparableConv1D/2D
// (base_depthwise_conv.py, base_separable_conv.py) on `ops.depthwiseConv1d` / `ops.depthwiseConv2d`,
// the separable ones followed by a pointwise `ops.conv1d` / `ops.conv2d`. Keras's defaults, weight
// names and shapes, argument checks and output-shape arithmetic. Conv1D/2D/3D hand their bias and
// activation to the op when the activation is one the matmul epilogue fuses (as Dense does).

import type { Variable } from '../autograd/variable';
import { conv1d, conv1dTranspose, conv2d, conv2dTranspose, transposedWindowAxis, type ConvEpilogue, type Padding } from '../ops/conv';
import { conv3d, conv3dTranspose } from '../ops/conv3d';
import { depthwiseConv1d, depthwiseConv2d } from '../ops/depthwise_conv';
import { cast } from '../ops/elementwise';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import type { Constraint, ConstraintIdentifier } from './constraints';
import { FUSED_BY_FUNCTION } from './core';
import type { Initializer, InitializerIdentifier } from './initializers';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { Layer, type LayerArgs } from './layer';
import {
  channelsAxis, checkPositiveInt, constraintConfig, convOutputLength, fromChannelsLast, inChannelsLast, initializerConfig, normalizeDataFormat, normalizePadding,
  normalizeTuple, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer, toChannelsLast, type DataFormat,
} from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
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
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
  /**
   * Default 1. Splits the input channels into `groups` groups, each convolved with its own
   * `filters / groups` filters; the input channels and `filters` must both be divisible by it.
   */
  groups?: number;
}

/** Where the windows of a convolution layer sit (Conv, DepthwiseConv2D, SeparableConv2D). */
interface WindowOptions {
  kernelSize: number[];
  strides: number[];
  padding: string;
  dilationRate: number[];
}

/** [batch, ...spatial outputs, channels] of a convolution layer, with Keras's error for empty outputs. */
function windowedOutputShape(inputShape: Shape, { kernelSize, strides, padding, dilationRate }: WindowOptions, channels: number): Shape {
  const spatial = inputShape.slice(1, -1);
  const out = spatial.map((length, i) => convOutputLength(length, kernelSize[i], padding === 'valid' ? 'valid' : 'same', strides[i], dilationRate[i]));
  if (out.some((d) => d !== null && d <= 0)) {
    throw new Error(`Computed output size would be negative. Received \`inputs shape=${formatSymbolicShape(inputShape)}\`, \`kernel shape=(${[...kernelSize, inputShape.at(-1) ?? 'None', channels].join(', ')})\`, \`dilation_rate=(${dilationRate.join(', ')})\`.`);
  }
  return [inputShape[0], ...out, channels];
}

/** The channel count of a channels-last input shape, or Keras's error when it is unknown. */
function channelsOf(inputShape: Shape): number {
  const channels = inputShape.at(-1);
  if (channels === null || channels === undefined) {
    throw new Error(`The channel dimension of the inputs should be defined. The input_shape received is ${formatSymbolicShape(inputShape)}, where axis -1 (0-based) is the channel dimension, which found to be \`None\`.`);
  }
  return channels;
}

/** Keras's BaseConv for inputs of `rank` spatial axes. */
abstract class Conv extends KernelLayer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dilationRate: number[];
  readonly dataFormat: DataFormat;
  readonly groups: number;

  constructor(rank: number, args: ConvArgs, paddings: readonly ConvPadding[]) {
    super(args);
    this.rank = rank;
    this.filters = checkPositiveInt('filters', args?.filters);
    const groups = args.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new Error(`The number of groups must be a positive integer. Received: groups=${String(args.groups)}.`);
    if (this.filters % groups !== 0) {
      throw new Error(`The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${this.filters}.`);
    }
    this.groups = groups;
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
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { minNdim: rank + 2 };
  }

  /**
   * The convolution op on float32 channels-last x; with `epilogue` (only where fusesEpilogue),
   * the op adds the bias and applies the activation too.
   */
  protected abstract convolve(x: Tensor, kernel: Tensor, epilogue?: ConvEpilogue): Tensor;

  /** Whether the convolution op takes the bias and a fused activation (Conv1D/2D/3D's ops do). */
  protected readonly fusesEpilogue: boolean = true;

  /** [...kernelSize, inChannels / groups, filters]. */
  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels / this.groups, this.filters];
  }

  override build(inputShape: Shape): void {
    const channels = channelsOf(toChannelsLast(inputShape, this.dataFormat));
    if (channels % this.groups !== 0) {
      throw new Error(`The number of input channels must be evenly divisible by the number of groups. Received groups=${this.groups}, but the input has ${channels} channels (full input shape is ${formatSymbolicShape(inputShape)}).`);
    }
    this.addKernelAndBias(this.kernelShape(channels), this.filters);
    this.inputSpec = { minNdim: this.rank + 2, axes: { [channelsAxis(this.dataFormat)]: channels } };
  }

  /**
   * Keras's `convolution_op`: `inputs` (in the layer's dataFormat) convolved with `kernel`, without
   * bias or activation. A subclass may override it (e.g. to standardize the kernel first); `call`
   * then convolves through the override and adds the bias and activation after it.
   *
   * @example
   * class StandardizedConv2D extends Conv2D {
   *   override convolutionOp(inputs: Tensor, kernel: Tensor): Tensor {
   *     const { mean, variance } = moments(kernel, [0, 1, 2], { keepDims: true });
   *     return super.convolutionOp(inputs, kernel.sub(mean).div(variance.add(1e-10).sqrt()));
   *   }
   * }
   */
  convolutionOp(inputs: Tensor, kernel: Tensor): Tensor {
    return inChannelsLast(inputs, this.dataFormat, (channelsLast) =>
      this.convolve(channelsLast.dtype === 'float32' ? channelsLast : cast(channelsLast, 'float32'), kernel),
    );
  }

  override call(inputs: Tensor): Tensor {
    if (this.convolutionOp !== Conv.prototype.convolutionOp) return tidy(() => this.callThroughConvolutionOp(inputs));
    return inChannelsLast(inputs, this.dataFormat, (channelsLast) =>
      tidy(() => {
        const x = channelsLast.dtype === 'float32' ? channelsLast : cast(channelsLast, 'float32');
        const fused = this.fusesEpilogue ? FUSED_BY_FUNCTION.get(this.activation) : undefined;
        if (fused) return this.convolve(x, this.kernel, { bias: this.bias, activation: fused });
        const y = this.convolve(x, this.kernel);
        return this.activation(this.bias ? y.add(this.bias) : y);
      }),
    );
  }

  /** Keras's call for a subclass that overrides convolutionOp: its output, plus the bias, through the activation. */
  private callThroughConvolutionOp(inputs: Tensor): Tensor {
    const y = this.convolutionOp(inputs, this.kernel);
    if (!this.bias) return this.activation(y);
    const biasShape = this.dataFormat === 'channels_last' ? [this.filters] : [this.filters, ...Array<number>(this.rank).fill(1)];
    return this.activation(y.add(this.bias.reshape(biasShape)));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return fromChannelsLast(this.channelsLastOutputShape(toChannelsLast(inputShape, this.dataFormat)), this.dataFormat);
  }

  /** The output shape of a channels-last input shape. */
  protected channelsLastOutputShape(inputShape: Shape): Shape {
    return windowedOutputShape(inputShape, this, this.filters);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      dataFormat: this.dataFormat,
      groups: this.groups,
    };
  }
}

/**
 * 2-D convolution over images: [batch, height, width, channels] to [batch, outHeight, outWidth,
 * filters] (channels-last, the default; with `dataFormat: 'channels_first'`, [batch, channels,
 * height, width] to [batch, filters, outHeight, outWidth]), `activation(conv2d(x, kernel) + bias)`.
 *
 * Arguments: `filters`; `kernelSize`; `strides` (1); `padding` ('valid' or 'same'); `dilationRate`
 * (1); `dataFormat` ('channels_last'); `groups` (1: each of `groups` slices of the input channels
 * gets its own `filters / groups` filters); `activation` (linear); `useBias` (true);
 * `kernelInitializer` ('glorotUniform'); `biasInitializer` ('zeros'); `kernelRegularizer`,
 * `biasRegularizer`; `kernelConstraint`, `biasConstraint`.
 * Weights: `kernel` [kernelHeight, kernelWidth, inChannels / groups, filters], then `bias` [filters].
 *
 * @example
 * const conv = new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' });
 * conv.apply(Input({ shape: [28, 28, 1] })).shape;   // [null, 28, 28, 32]
 * new Conv2D({ filters: 32, kernelSize: 3, groups: 4 });   // on 16 channels: kernel [3, 3, 4, 32]
 */
export class Conv2D extends Conv {
  constructor(args: ConvArgs) {
    super(2, args, ['valid', 'same']);
  }

  protected convolve(x: Tensor, kernel: Tensor, epilogue?: ConvEpilogue): Tensor {
    return conv2d(x, kernel, {
      strides: this.strides as [number, number],
      padding: this.padding as 'valid' | 'same',
      dilationRate: this.dilationRate as [number, number],
      ...epilogue,
    });
  }
}

/**
 * 1-D convolution over sequences, channels-last by default: [batch, steps, channels] to
 * [batch, outSteps, filters]. Padding 'valid', 'same' or 'causal' (output t sees only inputs up
 * to t, for autoregressive models). Other arguments (`groups` included) and weights as Conv2D, with
 * one spatial axis.
 *
 * @example
 * const conv = new Conv1D({ filters: 16, kernelSize: 3, padding: 'causal', dilationRate: 2 });
 * conv.apply(Input({ shape: [100, 8] })).shape;   // [null, 100, 16]
 */
export class Conv1D extends Conv {
  constructor(args: ConvArgs) {
    super(1, args, ['valid', 'same', 'causal']);
  }

  protected convolve(x: Tensor, kernel: Tensor, epilogue?: ConvEpilogue): Tensor {
    return conv1d(x, kernel, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0], ...epilogue });
  }
}

/**
 * 3-D convolution over volumes: [batch, depth, height, width, channels] to [batch, outDepth,
 * outHeight, outWidth, filters] (channels-last, the default; with `dataFormat: 'channels_first'`,
 * [batch, channels, depth, height, width] to [batch, filters, ...]), `activation(conv3d(x, kernel)
 * + bias)`. Arguments (`groups` included) as Conv2D along three axes. Weights: `kernel`
 * [kernelDepth, kernelHeight, kernelWidth, inChannels / groups, filters], then `bias` [filters].
 *
 * @example
 * const conv = new Conv3D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' });
 * conv.apply(Input({ shape: [16, 32, 32, 1] })).shape;   // [null, 16, 32, 32, 8]
 */
export class Conv3D extends Conv {
  constructor(args: ConvArgs) {
    super(3, args, ['valid', 'same']);
  }

  protected convolve(x: Tensor, kernel: Tensor, epilogue?: ConvEpilogue): Tensor {
    return conv3d(x, kernel, {
      strides: this.strides as [number, number, number],
      padding: this.padding as Padding,
      dilationRate: this.dilationRate as [number, number, number],
      ...epilogue,
    });
  }
}

/** Keras's transposed convolutions have no `groups`. */
export interface ConvTransposeArgs extends Omit<ConvArgs, 'groups'> {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /**
   * Extra size at the end of each spatial output axis (a number or one per axis, each >= 0 and
   * below its stride). Default null: Keras's rule, output `input * stride` with 'same'.
   */
  outputPadding?: number | readonly number[] | null;
}

/** Keras's BaseConvTranspose: kernel [...kernelSize, filters, inChannels], output sizes of ops.conv2dTranspose. */
abstract class ConvTranspose extends Conv {
  readonly outputPadding: number[] | null;
  protected override readonly fusesEpilogue = false;

  constructor(rank: number, args: ConvTransposeArgs) {
    super(rank, args, ['valid', 'same']);
    const outputPadding = args.outputPadding ?? null;
    if (outputPadding === null) {
      this.outputPadding = null;
    } else {
      const tuple = typeof outputPadding === 'number' ? Array<number>(rank).fill(outputPadding) : [...outputPadding];
      if (tuple.length !== rank || tuple.some((v) => !Number.isInteger(v) || v < 0)) {
        throw new Error(`The \`outputPadding\` argument must be a tuple of ${rank} non-negative integers. Received outputPadding=${JSON.stringify(outputPadding)}`);
      }
      if (tuple.some((v, i) => v >= this.strides[i])) {
        throw new Error(`\`output_padding\` must be < \`strides\`. Received: outputPadding=(${tuple.join(', ')}), strides=(${this.strides.join(', ')})`);
      }
      this.outputPadding = tuple;
    }
  }

  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected override channelsLastOutputShape(inputShape: Shape): Shape {
    const out = inputShape.slice(1, -1).map((length, i) =>
      length === null ? null : transposedWindowAxis(length, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding as Padding, this.outputPadding?.[i] ?? null).input,
    );
    return [inputShape[0], ...out, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), outputPadding: this.outputPadding && [...this.outputPadding] };
    delete config.groups;
    return config;
  }
}

/**
 * Transposed 2-D convolution (sometimes called deconvolution), channels-last by default: [batch, height,
 * width, channels] to [batch, outHeight, outWidth, filters], `activation(conv2dTranspose(x,
 * kernel) + bias)`; it maps a convolution's output shape back to its input shape, e.g. to upsample
 * in a decoder. Output size per axis: 'valid' (size - 1) * stride + max(span, stride), 'same'
 * size * stride, with span = (kernelSize - 1) * dilationRate + 1; an `outputPadding` p makes them
 * (size - 1) * stride + span + p and (size - 1) * stride + span % 2 + p.
 *
 * Arguments: `filters`; `kernelSize`; `strides` (1); `padding` ('valid' or 'same'); `outputPadding`
 * (null); `dataFormat` ('channels_last' or 'channels_first'); `dilationRate` (1); `activation` (linear); `useBias`
 * (true); `kernelInitializer` ('glorotUniform'); `biasInitializer` ('zeros'); `kernelRegularizer`,
 * `biasRegularizer`; `kernelConstraint`, `biasConstraint`. Weights: `kernel` [kernelHeight,
 * kernelWidth, filters, inChannels], then `bias` [filters].
 *
 * @example
 * const up = new Conv2DTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' });
 * up.apply(Input({ shape: [7, 7, 32] })).shape;   // [null, 14, 14, 16]
 */
export class Conv2DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(2, args);
  }

  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv2dTranspose(x, kernel, {
      strides: this.strides as [number, number],
      padding: this.padding as Padding,
      dilationRate: this.dilationRate as [number, number],
      outputPadding: this.outputPadding as [number, number] | null,
    });
  }
}

/**
 * Transposed 1-D convolution, channels-last by default: [batch, steps, channels] to [batch, outSteps,
 * filters]. Arguments, output sizes and weights as Conv2DTranspose with one spatial axis (kernel
 * [kernelSize, filters, inChannels]).
 *
 * @example
 * const up = new Conv1DTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same' });
 * up.apply(Input({ shape: [50, 16] })).shape;   // [null, 100, 8]
 */
export class Conv1DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(1, args);
  }

  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv1dTranspose(x, kernel, {
      strides: this.strides[0],
      padding: this.padding as Padding,
      dilationRate: this.dilationRate[0],
      outputPadding: this.outputPadding?.[0] ?? null,
    });
  }
}

/**
 * Transposed 3-D convolution, channels-last by default: [batch, depth, height, width, channels] to
 * [batch, outDepth, outHeight, outWidth, filters], `activation(conv3dTranspose(x, kernel) + bias)`.
 * Arguments and output sizes as Conv2DTranspose along three axes. Weights: `kernel` [kernelDepth,
 * kernelHeight, kernelWidth, filters, inChannels], then `bias` [filters].
 *
 * @example
 * const up = new Conv3DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' });
 * up.apply(Input({ shape: [4, 8, 8, 16] })).shape;   // [null, 8, 16, 16, 4]
 */
export class Conv3DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(3, args);
  }

  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv3dTranspose(x, kernel, {
      strides: this.strides as [number, number, number],
      padding: this.padding as Padding,
      dilationRate: this.dilationRate as [number, number, number],
      outputPadding: this.outputPadding as [number, number, number] | null,
    });
  }
}

/** Options shared by DepthwiseConv1D/2D and SeparableConv1D/2D. */
interface DepthwiseArgs extends LayerArgs {
  /** Window size: a number or one per spatial axis ([height, width] in 2-D). */
  kernelSize: number | readonly number[];
  /** Default 1. */
  strides?: number | readonly number[];
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** Outputs per input channel in the depthwise step. Default 1. */
  depthMultiplier?: number;
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
  /** Default 1. Cannot be combined with strides above 1 (as in Keras). */
  dilationRate?: number | readonly number[];
  /** Applied to the output; default none (linear). */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Applied to the depthwise kernel after each optimizer update. */
  depthwiseConstraint?: ConstraintIdentifier | null;
  /** Applied to the bias after each optimizer update. */
  biasConstraint?: ConstraintIdentifier | null;
}

export type DepthwiseConv2DArgs = DepthwiseArgs;
export type DepthwiseConv1DArgs = DepthwiseArgs;

export interface SeparableConv2DArgs extends DepthwiseArgs {
  /** Output channels of the pointwise (1x1) step. */
  filters: number;
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: InitializerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier | null;
  /** Applied to the pointwise kernel after each optimizer update. */
  pointwiseConstraint?: ConstraintIdentifier | null;
}

export type SeparableConv1DArgs = SeparableConv2DArgs;

/**
 * Keras's BaseDepthwiseConv options for inputs of `rank` (1 or 2) spatial axes, the depthwise step
 * and the bias and activation around it; 1-D layers run the 2-D ops on a row of height 1.
 */
abstract class DepthwiseLayer extends Layer {
  readonly rank: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly depthwiseConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  bias: Variable | null = null;

  constructor(rank: number, args: DepthwiseArgs) {
    super(args);
    this.rank = rank;
    this.kernelSize = normalizeTuple(args?.kernelSize, rank, 'kernelSize');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate');
    this.padding = normalizePadding(args.padding ?? 'valid');
    const multiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(multiplier) || multiplier <= 0) {
      throw new Error(`Invalid value for argument \`depthMultiplier\`. Expected a strictly positive integer. Received depthMultiplier=${String(args.depthMultiplier)}.`);
    }
    this.depthMultiplier = multiplier;
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new Error(`\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides.join(', ')}) and dilation_rate=(${this.dilationRate.join(', ')})`);
    }
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = resolveInitializer(args.depthwiseInitializer ?? 'glorotUniform');
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros');
    this.depthwiseRegularizer = resolveRegularizer(args.depthwiseRegularizer);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer);
    this.depthwiseConstraint = resolveConstraint(args.depthwiseConstraint);
    this.biasConstraint = resolveConstraint(args.biasConstraint);
    this.inputSpec = { minNdim: rank + 2 };
  }

  /** The channel count of an input shape in this layer's data format. */
  protected channelsIn(inputShape: Shape): number {
    return channelsOf(toChannelsLast(inputShape, this.dataFormat));
  }

  /** The output shape for `channels` output channels, in this layer's data format. */
  protected outputShapeFor(inputShape: Shape, channels: number): Shape {
    return fromChannelsLast(windowedOutputShape(toChannelsLast(inputShape, this.dataFormat), this, channels), this.dataFormat);
  }

  /** Makes the depthwise kernel [...kernelSize, channels, depthMultiplier] named `name`. */
  protected addDepthwiseKernel(name: string, channels: number): Variable {
    this.inputSpec = { minNdim: this.rank + 2, axes: { [channelsAxis(this.dataFormat)]: channels } };
    return this.addWeight({ name, shape: [...this.kernelSize, channels, this.depthMultiplier], initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer ?? undefined, constraint: this.depthwiseConstraint });
  }

  /** With useBias, the bias of `units`. */
  protected addBias(units: number): void {
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [units], initializer: this.biasInitializer, regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
  }

  /** activation(pointwise(depthwise(x)) + bias) on float32 x; the pointwise kernel (1 x ... x 1) mixes the channels when given. */
  protected convolveAndActivate(inputs: Tensor, depthwiseKernel: Tensor, pointwiseKernel: Tensor | null): Tensor {
    return inChannelsLast(inputs, this.dataFormat, (channelsLast) =>
      tidy(() => {
        const x = channelsLast.dtype === 'float32' ? channelsLast : cast(channelsLast, 'float32');
        const depthwise =
          this.rank === 1
            ? depthwiseConv1d(x, depthwiseKernel, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0] })
            : depthwiseConv2d(x, depthwiseKernel, { strides: this.strides as [number, number], padding: this.padding, dilationRate: this.dilationRate as [number, number] });
        const y = pointwiseKernel === null ? depthwise : this.rank === 1 ? conv1d(depthwise, pointwiseKernel) : conv2d(depthwise, pointwiseKernel);
        return this.activation(this.bias ? y.add(this.bias) : y);
      }),
    );
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      depthwiseInitializer: initializerConfig(this.depthwiseInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      depthwiseRegularizer: regularizerConfig(this.depthwiseRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
      depthwiseConstraint: constraintConfig(this.depthwiseConstraint),
      biasConstraint: constraintConfig(this.biasConstraint),
    };
  }
}

/** Keras's BaseDepthwiseConv layer: the depthwise step, then bias and activation. */
abstract class DepthwiseConv extends DepthwiseLayer {
  kernel!: Variable;

  override build(inputShape: Shape): void {
    const channels = this.channelsIn(inputShape);
    this.kernel = this.addDepthwiseKernel('kernel', channels);
    this.addBias(channels * this.depthMultiplier);
  }

  override call(inputs: Tensor): Tensor {
    return this.convolveAndActivate(inputs, this.kernel, null);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.outputShapeFor(inputShape, this.channelsIn(inputShape) * this.depthMultiplier);
  }
}

/**
 * Depthwise 2-D convolution, channels-last by default: each input channel is convolved with its own
 * `depthMultiplier` kernels, channels never mixed: [batch, height, width, channels] to
 * [batch, outHeight, outWidth, channels * depthMultiplier], `activation(depthwiseConv2d(x, kernel)
 * + bias)`.
 *
 * Arguments: `kernelSize`; `strides` (1); `padding` ('valid' or 'same'); `depthMultiplier` (1);
 * `dataFormat` ('channels_last' or 'channels_first'); `dilationRate` (1); `activation` (linear); `useBias` (true);
 * `depthwiseInitializer` ('glorotUniform'); `biasInitializer` ('zeros'); `depthwiseRegularizer`,
 * `biasRegularizer`; `depthwiseConstraint`, `biasConstraint`. Weights (Keras 3 names): `kernel`
 * [kernelHeight, kernelWidth, channels, depthMultiplier], then `bias` [channels * depthMultiplier].
 *
 * @example
 * const depthwise = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' });
 * depthwise.apply(Input({ shape: [28, 28, 8] })).shape;   // [null, 28, 28, 16]
 */
export class DepthwiseConv2D extends DepthwiseConv {
  constructor(args: DepthwiseConv2DArgs) {
    super(2, args);
  }
}

/**
 * Depthwise 1-D convolution, channels-last by default: [batch, steps, channels] to [batch,
 * outSteps, channels * depthMultiplier], each channel convolved with its own `depthMultiplier`
 * kernels, `activation(depthwiseConv1d(x, kernel) + bias)`. Arguments as DepthwiseConv2D with one
 * spatial axis; weights `kernel` [kernelSize, channels, depthMultiplier], then `bias`
 * [channels * depthMultiplier].
 *
 * @example
 * const depthwise = new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 3, strides: 2 });
 * depthwise.apply(Input({ shape: [10, 12] })).shape;   // [null, 4, 36]
 */
export class DepthwiseConv1D extends DepthwiseConv {
  constructor(args: DepthwiseConv1DArgs) {
    super(1, args);
  }
}

/** Keras's BaseSeparableConv: the depthwise step, a pointwise (1 x ... x 1) channel mix, bias and activation. */
abstract class SeparableConv extends DepthwiseLayer {
  readonly filters: number;
  readonly pointwiseInitializer: Initializer;
  readonly pointwiseRegularizer: Regularizer | null;
  readonly pointwiseConstraint: Constraint | null;
  depthwiseKernel!: Variable;
  pointwiseKernel!: Variable;

  constructor(rank: number, args: SeparableConv2DArgs) {
    super(rank, args);
    this.filters = checkPositiveInt('filters', args.filters);
    this.pointwiseInitializer = resolveInitializer(args.pointwiseInitializer ?? 'glorotUniform');
    this.pointwiseRegularizer = resolveRegularizer(args.pointwiseRegularizer);
    this.pointwiseConstraint = resolveConstraint(args.pointwiseConstraint);
  }

  override build(inputShape: Shape): void {
    const channels = this.channelsIn(inputShape);
    this.depthwiseKernel = this.addDepthwiseKernel('depthwise_kernel', channels);
    this.pointwiseKernel = this.addWeight({
      name: 'pointwise_kernel',
      shape: [...Array<number>(this.rank).fill(1), channels * this.depthMultiplier, this.filters],
      initializer: this.pointwiseInitializer,
      regularizer: this.pointwiseRegularizer ?? undefined,
      constraint: this.pointwiseConstraint,
    });
    this.addBias(this.filters);
  }

  override call(inputs: Tensor): Tensor {
    return this.convolveAndActivate(inputs, this.depthwiseKernel, this.pointwiseKernel);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.outputShapeFor(inputShape, this.filters);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      pointwiseInitializer: initializerConfig(this.pointwiseInitializer),
      pointwiseRegularizer: regularizerConfig(this.pointwiseRegularizer),
      pointwiseConstraint: constraintConfig(this.pointwiseConstraint),
    };
  }
}

/**
 * Depthwise separable 2-D convolution, channels-last by default: a depthwise convolution (each channel on its
 * own, `depthMultiplier` outputs per channel) followed by a 1x1 pointwise convolution mixing the
 * channels into `filters`, then bias and activation. Far fewer weights than a Conv2D of the same
 * window.
 *
 * Arguments: `filters`; `kernelSize`; `strides` (1); `padding` ('valid' or 'same');
 * `depthMultiplier` (1); `dataFormat` ('channels_last' or 'channels_first'); `dilationRate` (1); `activation`
 * (linear); `useBias` (true); `depthwiseInitializer`, `pointwiseInitializer` ('glorotUniform');
 * `biasInitializer` ('zeros'); `depthwiseRegularizer`, `pointwiseRegularizer`, `biasRegularizer`;
 * `depthwiseConstraint`, `pointwiseConstraint`, `biasConstraint`.
 * Weights: `depthwise_kernel` [kernelHeight, kernelWidth, channels, depthMultiplier],
 * `pointwise_kernel` [1, 1, channels * depthMultiplier, filters], then `bias` [filters].
 *
 * @example
 * const separable = new SeparableConv2D({ filters: 32, kernelSize: 3, activation: 'relu' });
 * separable.apply(Input({ shape: [28, 28, 16] })).shape;   // [null, 26, 26, 32]
 */
export class SeparableConv2D extends SeparableConv {
  constructor(args: SeparableConv2DArgs) {
    super(2, args);
  }
}

/**
 * Depthwise separable 1-D convolution, channels-last by default: a depthwise convolution along the
 * steps, then a pointwise (kernel size 1) convolution mixing the channels into `filters`, bias and
 * activation: [batch, steps, channels] to [batch, outSteps, filters]. Arguments as SeparableConv2D
 * with one spatial axis. Weights: `depthwise_kernel` [kernelSize, channels, depthMultiplier],
 * `pointwise_kernel` [1, channels * depthMultiplier, filters], then `bias` [filters].
 *
 * @example
 * const separable = new SeparableConv1D({ filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same' });
 * separable.apply(Input({ shape: [10, 12] })).shape;   // [null, 10, 4]
 */
export class SeparableConv1D extends SeparableConv {
  constructor(args: SeparableConv1DArgs) {
    super(1, args);
  }
}
