// Convolutional LSTM layers with Keras 3's names, defaults, weights and equations
// (keras/src/layers/rnn/conv_lstm.py, conv_lstm1d.py, conv_lstm2d.py, conv_lstm3d.py): an LSTM whose
// input and recurrent transformations are convolutions, over sequences of 1-D, 2-D or 3-D feature
// maps. ConvLSTM1D/2D/3D are RNNs (recurrent.ts) over a ConvLSTMCell, so masks, goBackwards,
// returnState, initial states, stateful and gradients are the RNN loop's. That loop carries states of
// shape [batch, size]: the layer hands it each time step flattened (channels last) and reshapes what
// comes back, and the cell reshapes a step's input and states to feature maps around its two
// convolutions. The input convolution of every time step is one convolution before the loop (the time
// axis folded into the batch), each step one recurrent convolution ('same', strides 1, as Keras's) and
// a few element-wise ops; channels-first data is moved to channels last once per call.

import type { Variable } from '../autograd/variable';
import { conv1d, conv2d } from '../ops/conv';
import { conv3d } from '../ops/conv3d';
import { ones } from '../ops/creation';
import { cast } from '../ops/elementwise';
import { moveaxis, reshape, slice, split } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import type { Constraint, ConstraintIdentifier } from './constraints';
import { Initializer, type InitializerIdentifier } from './initializers';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import {
  checkPositiveInt, checkSeed, checkUnitInterval, constraintConfig, convOutputLength, initializerConfig, isShapeList, normalizeDataFormat, normalizePadding, normalizeTuple,
  regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer, type DataFormat, type Padding,
} from './layer_utils';
import { RNN, type RNNArgs, type SequenceArgs } from './recurrent';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { Dropout } from './regularization';
import { RNNCell, outputSizeOf, stateSizesOf, type CellCallArgs, type InputStep, type SequenceStep } from './rnn_cell';
import { UnitForgetBias, checkBoolean } from './rnn_cells';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Options of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (Keras's, camelCase). */
export interface ConvLSTMArgs extends LayerArgs, SequenceArgs {
  /** Number of output channels of the convolutions: the channels of the output and of each state. */
  filters: number;
  /** Window size: a number, or one per spatial axis. */
  kernelSize: number | readonly number[];
  /** Strides of the input convolution (default 1); the recurrent one always has strides 1. */
  strides?: number | readonly number[];
  /** Padding of the input convolution, 'valid' (default) or 'same'; the recurrent one is always 'same'. */
  padding?: Padding;
  /** 'channels_last' ([batch, time, ...spatial, channels]) or 'channels_first' ([batch, time, channels, ...spatial]). Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
  /** Dilation of the input convolution (default 1); cannot be combined with strides above 1 (as in Keras). */
  dilationRate?: number | readonly number[];
  /** Activation of the cell candidate and of the output (default 'tanh'; null is linear). */
  activation?: ActivationIdentifier;
  /** Activation of the gates (default 'sigmoid'; null is linear). */
  recurrentActivation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Initializer of `kernel`, the input convolution's (default 'glorotUniform'). */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of `recurrent_kernel`, the state convolution's (default 'orthogonal'). */
  recurrentInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  /** Start the forget gate's bias at 1, the rest from biasInitializer (default true). */
  unitForgetBias?: boolean;
  kernelRegularizer?: RegularizerIdentifier | null;
  recurrentRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Applied to `kernel` after each optimizer update. */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Applied to `recurrent_kernel` after each optimizer update. */
  recurrentConstraint?: ConstraintIdentifier | null;
  /** Applied to `bias` after each optimizer update. */
  biasConstraint?: ConstraintIdentifier | null;
  /** Fraction of the input dropped in training, one mask per call shared by every step and gate (default 0). */
  dropout?: number;
  /** Fraction of the hidden state dropped before the recurrent convolution in training, one mask per call (default 0). */
  recurrentDropout?: number;
  /** Seed of the dropout masks. */
  seed?: number;
}

/** What the cell prepares once per call: the input convolution, and the recurrent part of a step. */
interface PreparedCell {
  /** conv(x, kernel) + bias (input dropout applied) of channels-last steps [batch, ...spatial, channels], or of a sequence [batch, time, ...]. */
  project(x: Tensor): Tensor;
  /** The new flat states [h, c] from a step's input convolution [batch, ...outSpatial, 4 filters] and the flat states. */
  recur(projected: Tensor, states: Tensor[]): Tensor[];
}

/**
 * @internal The cell of ConvLSTM1D/2D/3D (Keras's ConvLSTMCell, which Keras does not export), with
 * Keras's gate order i, f, c, o in the kernels' last axis: `[i, f, g, o] = conv(x, kernel) + bias +
 * convSame(h, recurrentKernel)`, `c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)`, `h = σ(o) ⊙ tanh(c)`. Built for a
 * channels-last step [batch, ...spatial, channels]; as the RNN loop runs it, a step's input and its
 * states [h, c] are flat (channels last), stateSize [S, S] with S = outputs' spatial size · filters.
 * Weights: `kernel` [...kernelSize, channels, 4 filters], `recurrent_kernel` [...kernelSize, filters,
 * 4 filters], `bias` [4 filters].
 */
export class ConvLSTMCell extends RNNCell {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly activation: ActivationFn;
  readonly recurrentActivation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly unitForgetBias: boolean;
  readonly kernelRegularizer: Regularizer | null;
  readonly recurrentRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly recurrentConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | undefined;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;
  /** A step's input without the batch axis, channels last, once built. */
  inputStepShape: number[] | null = null;
  /** A state (and the output) of a step without the batch axis, channels last, once built. */
  stateShape: number[] | null = null;
  private readonly inputDropout: Dropout;
  private readonly stateDropout: Dropout;

  constructor(args: ConvLSTMArgs & { rank: number }) {
    super(args);
    this.rank = args.rank;
    this.filters = checkPositiveInt('filters', args.filters);
    this.kernelSize = normalizeTuple(args.kernelSize, this.rank, 'kernelSize');
    this.strides = normalizeTuple(args.strides ?? 1, this.rank, 'strides');
    this.padding = normalizePadding(args.padding ?? 'valid');
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, this.rank, 'dilationRate');
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new Error(
        'Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide `strides=1` or `dilation_rate=1`. ' +
          `Received: strides=(${this.strides.join(', ')}) and dilation_rate=(${this.dilationRate.join(', ')})`,
      );
    }
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.useBias = checkBoolean('useBias', args.useBias, true);
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = resolveInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros');
    this.unitForgetBias = checkBoolean('unitForgetBias', args.unitForgetBias, true);
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = resolveRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint);
    this.recurrentConstraint = resolveConstraint(args.recurrentConstraint);
    this.biasConstraint = resolveConstraint(args.biasConstraint);
    this.dropout = checkUnitInterval('dropout', args.dropout ?? 0);
    this.recurrentDropout = checkUnitInterval('recurrentDropout', args.recurrentDropout ?? 0);
    this.seed = checkSeed(args.seed);
    // Named after the cell so that they do not take the names of the user's Dropout layers.
    this.inputDropout = new Dropout({ rate: this.dropout, seed: this.seed, name: `${this.name}_dropout` });
    const stateSeed = this.seed === undefined ? undefined : this.seed + 1;
    this.stateDropout = new Dropout({ rate: this.recurrentDropout, seed: stateSeed, name: `${this.name}_recurrent_dropout` });
  }

  /** [S, S]: the flat size of h and of c (the outputs' spatial size · filters; filters until the cell is built). */
  get stateSize(): number[] {
    const size = this.stateShape ? this.stateShape.reduce((a, b) => a * b, 1) : this.filters;
    return [size, size];
  }

  /**
   * The output of a step for a channels-last step input [batch, ...spatial, channels]: Keras's
   * conv output shape, with Keras's error when a 'valid' window does not fit.
   */
  stepOutputShape(stepShape: Shape): Shape {
    const spatial = stepShape.slice(1, -1);
    const out = spatial.map((length, i) => convOutputLength(length, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]));
    if (out.some((d) => d !== null && d <= 0)) {
      throw new Error(
        `Computed output size would be negative. Received \`inputs shape=${formatSymbolicShape(stepShape)}\`, \`kernel shape=(${[...this.kernelSize, stepShape.at(-1) ?? 'None', 4 * this.filters].join(', ')})\`, \`dilation_rate=(${this.dilationRate.join(', ')})\`.`,
      );
    }
    return [stepShape[0], ...out, this.filters];
  }

  /** A channels-last step shape [batch, ...spatial, channels], every axis but the batch known. */
  override build(inputShape: Shape | Shape[]): void {
    const step = isShapeList(inputShape) ? inputShape[0] : inputShape;
    if (step.length !== this.rank + 2 || step.slice(1).some((d) => d === null)) {
      throw new Error(`Cell "${this.name}" is built for a step of shape (batch, ...spatial, channels) with ${this.rank} known spatial axes and known channels. Received: input_shape=${formatSymbolicShape(step)}`);
    }
    this.inputStepShape = step.slice(1) as number[];
    this.stateShape = this.stepOutputShape(step).slice(1) as number[];
    const channels = step.at(-1) as number;
    const width = 4 * this.filters;
    this.kernel = this.addWeight({ name: 'kernel', shape: [...this.kernelSize, channels, width], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    this.recurrentKernel = this.addWeight({
      name: 'recurrent_kernel', shape: [...this.kernelSize, this.filters, width], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer ?? undefined, constraint: this.recurrentConstraint,
    });
    if (this.useBias) {
      const initializer = this.unitForgetBias ? new UnitForgetBias(this.biasInitializer, this.filters) : this.biasInitializer;
      this.bias = this.addWeight({ name: 'bias', shape: [width], initializer, regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
    }
  }

  step(input: Tensor, states: Tensor[], args: CellCallArgs = {}): [Tensor, Tensor[]] {
    return this.inputSteps(input.shape[0], args.training === true)(input, states);
  }

  /** @internal Every step's input convolution at once (the time axis folded into the batch), then the recurrent part at each step. */
  override sequenceSteps(sequence: Tensor, training: boolean): SequenceStep {
    const [batch, time] = sequence.shape;
    const { inputStepShape } = this.builtShapes();
    const prepared = this.prepare(batch, training);
    const projected = split(prepared.project(reshape(sequence, [batch, time, ...inputStepShape])), time, 1);
    return (index, states) => {
      const next = prepared.recur(reshape(projected[index], [batch, ...projected[index].shape.slice(2)]), states);
      return [next[0], next];
    };
  }

  /** @internal */
  override inputSteps(batch: number, training: boolean): InputStep {
    const { inputStepShape } = this.builtShapes();
    const prepared = this.prepare(batch, training);
    return (input, states) => {
      const next = prepared.recur(prepared.project(reshape(input, [batch, ...inputStepShape])), states);
      return [next[0], next];
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      recurrentActivation: serializeActivation(this.recurrentActivation),
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      recurrentInitializer: initializerConfig(this.recurrentInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      unitForgetBias: this.unitForgetBias,
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      recurrentRegularizer: regularizerConfig(this.recurrentRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
      kernelConstraint: constraintConfig(this.kernelConstraint),
      recurrentConstraint: constraintConfig(this.recurrentConstraint),
      biasConstraint: constraintConfig(this.biasConstraint),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed,
    };
  }

  private builtShapes(): { inputStepShape: number[]; stateShape: number[] } {
    if (!this.inputStepShape || !this.stateShape) throw new Error(`Cell "${this.name}" is not built: build it for a step shape (batch, ...spatial, channels) first.`);
    return { inputStepShape: this.inputStepShape, stateShape: this.stateShape };
  }

  /** This call's dropout masks (in training), drawn once and shared by every step and gate. */
  private prepare(batch: number, training: boolean): PreparedCell {
    const { inputStepShape, stateShape } = this.builtShapes();
    const inputMask = training && this.dropout > 0 && this.dropout < 1 ? this.inputDropout.apply(ones([batch, ...inputStepShape]), { training: true }) : null;
    const stateMask = training && this.recurrentDropout > 0 && this.recurrentDropout < 1 ? this.stateDropout.apply(ones([batch, ...stateShape]), { training: true }) : null;
    return {
      project: (x) => {
        const input = x.dtype === 'float32' ? x : cast(x, 'float32');
        const sequence = input.rank === this.rank + 3;
        const dropped = inputMask ? input.mul(sequence ? reshape(inputMask, [batch, 1, ...inputStepShape]) : inputMask) : input;
        const steps = sequence ? reshape(dropped, [-1, ...inputStepShape]) : dropped;
        const convolved = this.convolve(steps, this.kernel, this.strides, this.padding, this.dilationRate);
        const projected = this.bias ? convolved.add(this.bias) : convolved;
        return sequence ? reshape(projected, [batch, input.shape[1], ...projected.shape.slice(1)]) : projected;
      },
      recur: (projected, [previousOutput, previousCell]) => {
        const h = reshape(previousOutput, [batch, ...stateShape]);
        const state = stateMask ? h.mul(stateMask) : h;
        const unit = Array<number>(this.rank).fill(1);
        const preactivation = projected.add(this.convolve(state, this.recurrentKernel, unit, 'same', unit));
        // The gate activation over all four blocks, then the candidate block's own activation: fewer ops than four slices.
        const [inputGate, forgetGate, , outputGate] = split(this.recurrentActivation(preactivation), 4, -1);
        const begin = [...Array<number>(this.rank + 1).fill(0), 2 * this.filters];
        const candidate = this.activation(slice(preactivation, begin, [...Array<number>(this.rank + 1).fill(-1), this.filters]));
        const cell = forgetGate.mul(reshape(previousCell, [batch, ...stateShape])).add(inputGate.mul(candidate));
        const output = outputGate.mul(this.activation(cell));
        return [reshape(output, [batch, -1]), reshape(cell, [batch, -1])];
      },
    };
  }

  /** The convolution of this rank on channels-last x. */
  private convolve(x: Tensor, kernel: Tensor, strides: number[], padding: Padding, dilationRate: number[]): Tensor {
    if (this.rank === 1) return conv1d(x, kernel, { strides: strides[0], padding, dilationRate: dilationRate[0] });
    if (this.rank === 2) return conv2d(x, kernel, { strides: strides as [number, number], padding, dilationRate: dilationRate as [number, number] });
    return conv3d(x, kernel, { strides: strides as [number, number, number], padding, dilationRate: dilationRate as [number, number, number] });
  }
}

/**
 * The base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (Keras's ConvLSTM): an RNN over a ConvLSTMCell
 * made from the layer's flat options (Keras's config lists the cell's options beside the RNN's). The
 * cell's options and weights read through the layer (`layer.filters`, `layer.kernel`).
 */
abstract class ConvLSTM extends RNN {
  declare readonly cell: ConvLSTMCell;

  constructor(args: ConvLSTMArgs) {
    super(args as unknown as RNNArgs);
  }

  /** The number of spatial axes (1, 2 or 3). */
  abstract get rank(): number;

  get filters(): number {
    return this.cell.filters;
  }
  get kernelSize(): number[] {
    return this.cell.kernelSize;
  }
  get strides(): number[] {
    return this.cell.strides;
  }
  get padding(): Padding {
    return this.cell.padding;
  }
  get dataFormat(): DataFormat {
    return this.cell.dataFormat;
  }
  get dilationRate(): number[] {
    return this.cell.dilationRate;
  }
  get activation(): ActivationFn {
    return this.cell.activation;
  }
  get recurrentActivation(): ActivationFn {
    return this.cell.recurrentActivation;
  }
  get useBias(): boolean {
    return this.cell.useBias;
  }
  get unitForgetBias(): boolean {
    return this.cell.unitForgetBias;
  }
  get dropout(): number {
    return this.cell.dropout;
  }
  get recurrentDropout(): number {
    return this.cell.recurrentDropout;
  }
  get seed(): number | undefined {
    return this.cell.seed;
  }
  /** `<layer>/conv_lstm_cell/kernel` [...kernelSize, channels, 4 filters]. */
  get kernel(): Variable {
    return this.cell.kernel;
  }
  /** `<layer>/conv_lstm_cell/recurrent_kernel` [...kernelSize, filters, 4 filters]. */
  get recurrentKernel(): Variable {
    return this.cell.recurrentKernel;
  }
  /** `<layer>/conv_lstm_cell/bias` [4 filters], or null without useBias. */
  get bias(): Variable | null {
    return this.cell.bias;
  }

  /** The sequence [batch, time, ...] (and the initial states) in the data format. */
  override build(inputShape: Shape | Shape[]): void {
    const [sequence, ...states] = this.checkSequenceShapes(inputShape);
    const step = this.channelsLast([sequence[0], ...sequence.slice(2)]);
    if (!this.cell.built) this.cell.buildOnce(step);
    // RNN read its cell's state and output sizes when it was made; a ConvLSTM cell's depend on the
    // input's spatial shape, known now.
    Object.assign(this, { stateSizes: stateSizesOf(this.cell), outputSize: outputSizeOf(this.cell) });
    super.build(this.flatShapes(sequence, states));
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    const [sequence, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    this.checkSequenceShapes([sequence, ...states].map((t) => [...t.shape]));
    const [batch, time] = sequence.shape;
    const { stateShape } = this.cell;
    return tidy(() => {
      const channelsFirst = this.dataFormat === 'channels_first';
      const steps = channelsFirst ? moveaxis(sequence, 2, -1) : sequence;
      const flatStates = states.map((s) => reshape(channelsFirst ? moveaxis(s, 1, -1) : s, [batch, -1]));
      const result = super.call([reshape(steps, [batch, time, -1]), ...flatStates], args);
      const [output, ...finalStates] = Array.isArray(result) ? result : [result];
      const unflatten = (t: Tensor, leading: number[], channelsAxis: number) => {
        const maps = reshape(t, [...leading, ...stateShape!]);
        return channelsFirst ? moveaxis(maps, -1, channelsAxis) : maps;
      };
      const y = this.returnSequences ? unflatten(output, [batch, time], 2) : unflatten(output, [batch], 1);
      return this.returnState ? [y, ...finalStates.map((s) => unflatten(s, [batch], 1))] : y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [sequence] = this.checkSequenceShapes(inputShape);
    const [batch, time] = sequence;
    const state = this.channelsFirst(this.cell.stepOutputShape(this.channelsLast([batch, ...sequence.slice(2)])));
    const output: Shape = this.returnSequences ? [batch, time, ...state.slice(1)] : state;
    return this.returnState ? [output, state, state] : output;
  }

  /** RNN's options (the cell's in place of `cell`), as Keras's ConvLSTM config lists them. */
  override getConfig(): Record<string, unknown> {
    // RNN's own config would nest the cell, whose class Keras does not export: Layer's, then RNN's options, then the cell's.
    const { name: _name, trainable: _trainable, dtype: _dtype, ...cellOptions } = this.cell.getConfig();
    return {
      ...Layer.prototype.getConfig.call(this),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      unroll: this.unroll,
      stateful: this.stateful,
      zeroOutputForMask: this.zeroOutputForMask,
      ...cellOptions,
    };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    return new this(config as never);
  }

  /** The cell from the cell's options among the layer's, its weights named `<layer>/conv_lstm_cell/...` (Keras's cell name). */
  protected override createCell(args: RNNArgs): ConvLSTMCell {
    const { returnSequences: _s, returnState: _r, goBackwards: _g, unroll: _u, stateful: _st, zeroOutputForMask: _z, name: _n, trainable: _t, inputShape: _i, inputDim: _d, batchInputShape: _b, batchSize: _bs, activityRegularizer: _a, ...cellOptions } = args as unknown as ConvLSTMArgs;
    return new ConvLSTMCell({ ...cellOptions, rank: this.rank, name: `${this.name}/conv_lstm_cell` });
  }

  /** The shape list as [sequence, ...states], checked: the rank, known spatial axes and channels, the built input's, and the states'. */
  private checkSequenceShapes(inputShape: Shape | Shape[]): Shape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const [sequence, ...states] = shapes;
    const ndim = this.rank + 3;
    if (sequence.length !== ndim) {
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=${ndim} (batch, time, ${this.dataFormat === 'channels_first' ? 'channels, ...spatial' : '...spatial, channels'}), found ndim=${sequence.length}. Full shape received: ${formatSymbolicShape(sequence)}`);
    }
    const step = this.channelsLast([sequence[0], ...sequence.slice(2)]);
    if (step.slice(1, -1).includes(null)) {
      throw new Error(`ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input shape: input_shape=${formatSymbolicShape(sequence)} (layer "${this.name}")`);
    }
    if (step.at(-1) === null) {
      throw new Error(`The channel dimension of the inputs should be defined. Found None. Full input shape received: input_shape=${formatSymbolicShape(sequence)} (layer "${this.name}")`);
    }
    const built = this.cell.inputStepShape;
    if (built && step.slice(1).some((d, i) => d !== built[i])) {
      const expected = this.channelsFirst([null, ...built]).slice(1);
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected shape=(None, None, ${expected.join(', ')}), found shape=${formatSymbolicShape(sequence)}`);
    }
    const state = this.channelsFirst(this.cell.stepOutputShape(step));
    const fits = (s: Shape) => s.length === state.length && (s[0] === null || sequence[0] === null || s[0] === sequence[0]) && s.slice(1).every((d, i) => d === state[i + 1]);
    if (states.length > 0 && (states.length !== 2 || !states.every(fits))) {
      throw new Error(
        `Invalid value for argument initialState of layer "${this.name}". Expected 2 tensors (h and c) of shape ${formatSymbolicShape(state)}. ` +
          `Received: ${states.length} of shape${states.length === 1 ? '' : 's'} ${states.map(formatSymbolicShape).join(', ') || 'none'}`,
      );
    }
    return shapes;
  }

  /** The flat shapes RNN runs over: [batch, time, features] and [batch, size] per state. */
  private flatShapes(sequence: Shape, states: Shape[]): Shape[] {
    const size = (dims: Shape) => (dims as number[]).reduce((a, b) => a * b, 1);
    const [stateSize] = stateSizesOf(this.cell);
    return [[sequence[0], sequence[1], size(sequence.slice(2))], ...states.map((s): Shape => [s[0], stateSize])];
  }

  /** [batch, ...] in the data format to channels last. */
  private channelsLast(shape: Shape): Shape {
    return this.dataFormat === 'channels_first' ? [shape[0], ...shape.slice(2), shape[1]] : shape;
  }

  /** [batch, ...] channels last to the data format. */
  private channelsFirst(shape: Shape): Shape {
    return this.dataFormat === 'channels_first' ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : shape;
  }
}

/**
 * 1-D convolutional LSTM (Shi et al. 2015, without the peephole connections, as Keras): an LSTM
 * whose input and recurrent transformations are 1-D convolutions, over sequences of 1-D feature maps.
 * At each step `[i, f, g, o] = conv(x, kernel) + bias + convSame(h, recurrentKernel)` (gates in
 * Keras's order i, f, c, o along the kernels' last axis), `c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)`,
 * `h = σ(o) ⊙ tanh(c)`; the output is `h`, the states `[h, c]`.
 *
 * Input [batch, time, steps, channels] (channels-first: [batch, time, channels, steps]); the time
 * axis may be unknown until the call, the spatial axis and the channels must be known. Output
 * [batch, newSteps, filters], or with `returnSequences` [batch, time, newSteps, filters], then with
 * `returnState` h and c of the output's shape per sample (channels-first: the filters before the
 * spatial axis). Arguments: `filters`; `kernelSize`; `strides` (1); `padding` ('valid' or 'same');
 * `dataFormat` ('channels_last'); `dilationRate` (1); `activation` ('tanh'); `recurrentActivation`
 * ('sigmoid'); `useBias` (true); `kernelInitializer` ('glorotUniform'), `recurrentInitializer`
 * ('orthogonal'), `biasInitializer` ('zeros'); `unitForgetBias` (true); the regularizers and
 * constraints of the three weights; `dropout`, `recurrentDropout` (0: one mask per call, shared by
 * every step and gate); `seed`; `returnSequences`, `returnState`, `goBackwards`, `stateful`,
 * `unroll` (false). The recurrent convolution is always 'same' with strides 1 (as Keras). Masks as
 * LSTM's; a stateful layer's `states` are h and c flattened, [batch, newSteps · filters]. Weights:
 * `conv_lstm_cell/kernel` [kernelSize, channels, 4 filters], `conv_lstm_cell/recurrent_kernel`
 * [kernelSize, filters, 4 filters], `conv_lstm_cell/bias` [4 filters].
 *
 * @example
 * const layer = new ConvLSTM1D({ filters: 8, kernelSize: 3, padding: 'same', returnSequences: true });
 * layer.apply(ops.ones([4, 10, 32, 3])).shape;                 // [4, 10, 32, 8]
 */
export class ConvLSTM1D extends ConvLSTM {
  constructor(args: ConvLSTMArgs) {
    super(args);
  }

  get rank(): number {
    return 1;
  }
}

/**
 * 2-D convolutional LSTM (as ConvLSTM1D, whose docs give the equations, over sequences of images):
 * input [batch, time, rows, cols, channels] (channels-first: [batch, time, channels, rows, cols]),
 * output [batch, newRows, newCols, filters], or with `returnSequences` [batch, time, newRows,
 * newCols, filters], then with `returnState` h and c. Arguments as ConvLSTM1D's, with a size per
 * spatial axis. Weights: `conv_lstm_cell/kernel` [kernelRows, kernelCols, channels, 4 filters],
 * `conv_lstm_cell/recurrent_kernel` [kernelRows, kernelCols, filters, 4 filters],
 * `conv_lstm_cell/bias` [4 filters].
 *
 * @example
 * const frames = Input({ shape: [null, 32, 32, 1] });           // videos of any length
 * const next = new ConvLSTM2D({ filters: 16, kernelSize: 3, padding: 'same' }).apply(frames);
 * next.shape;                                                  // [null, 32, 32, 16]
 */
export class ConvLSTM2D extends ConvLSTM {
  constructor(args: ConvLSTMArgs) {
    super(args);
  }

  get rank(): number {
    return 2;
  }
}

/**
 * 3-D convolutional LSTM (as ConvLSTM1D, whose docs give the equations, over sequences of volumes):
 * input [batch, time, depth, rows, cols, channels] (channels-first: [batch, time, channels, depth,
 * rows, cols]), output [batch, newDepth, newRows, newCols, filters], or with `returnSequences`
 * [batch, time, ...], then with `returnState` h and c. Arguments as ConvLSTM1D's, with a size per
 * spatial axis. Weights: `conv_lstm_cell/kernel` [kernelDepth, kernelRows, kernelCols, channels,
 * 4 filters], `conv_lstm_cell/recurrent_kernel` [..., filters, 4 filters], `conv_lstm_cell/bias`
 * [4 filters].
 *
 * @example
 * const layer = new ConvLSTM3D({ filters: 4, kernelSize: [1, 3, 3], padding: 'same' });
 * layer.apply(ops.ones([2, 5, 4, 16, 16, 1])).shape;          // [2, 4, 16, 16, 4]
 */
export class ConvLSTM3D extends ConvLSTM {
  constructor(args: ConvLSTMArgs) {
    super(args);
  }

  get rank(): number {
    return 3;
  }
}
