// Recurrent layers with Keras 3's names, defaults, weights and equations
// (keras/src/layers/rnn/rnn.py, simple_rnn.py, gru.py, lstm.py): the generic RNN, which runs a
// cell (rnn_cell.ts, rnn_cells.ts, stacked_rnn_cells.ts) over inputs of shape
// [batch, time, features], and SimpleRNN, GRU and LSTM, which are RNNs with their built-in cell
// and a flat config. The one time loop is here, unrolled in JavaScript over the time steps of the
// actual input (a time axis left unknown, `Input({ shape: [null, features] })`, takes each call's
// length; `unroll` is accepted and changes nothing). It runs on the active backend, the tape
// differentiates it, and fit's step capture replays the unrolled step (one capture per sequence
// length). A mask on the input ([batch, time], from Embedding's maskZero or Masking) skips padded
// steps: there the states keep their previous values and the output repeats the previous output
// (or is zero with zeroOutputForMask), as Keras's backend rnn does. A `stateful` layer keeps its
// final states in non-trainable variables (not among its weights, as Keras's) that the next call
// starts from; fit's step capture traces their assignment like any variable's.

import { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { zeros } from '../ops/creation';
import { cast, where } from '../ops/elementwise';
import { split, stack } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { ActivationFn } from './activations';
import type { Constraint } from './constraints';
import type { Initializer } from './initializers';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { isShapeList } from './layer_utils';
import { deserializeNested, serializeNested, type SerializedLayer } from './nested_layers';
import type { Regularizer } from './regularizers';
import { checkCell, initialStatesOf, outputSizeOf, sequenceStepsOf, stateSizesOf, type RNNCell, type RNNCellLike } from './rnn_cell';
import { GRUCell, LSTMCell, SimpleRNNCell, checkBoolean, type GatedCellArgs, type GRUCellArgs, type LSTMCellArgs, type RecurrentCell, type RecurrentCellArgs } from './rnn_cells';
import { StackedRNNCells } from './stacked_rnn_cells';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';

/** How RNN, SimpleRNN, GRU and LSTM run over the sequence. */
export interface SequenceArgs {
  /** Return the output of every time step, [batch, time, units], rather than the last, [batch, units] (default false). */
  returnSequences?: boolean;
  /** Also return the final states: [output, ...states] (default false). */
  returnState?: boolean;
  /** Process the sequence from its last step to its first; returned sequences are in that order (default false). */
  goBackwards?: boolean;
  /**
   * Keras's choice between an unrolled and a symbolic loop (default false). Here every call unrolls
   * over its time steps, so both values compute the same; the option is kept in the config.
   */
  unroll?: boolean;
  /**
   * With a mask, the output at a masked step is zeros rather than the previous step's output
   * (default false; Bidirectional sets it to returnSequences, as Keras).
   */
  zeroOutputForMask?: boolean;
  /**
   * Each call starts from the final states of the previous call, sample by sample (default false):
   * a long sequence can be fed in consecutive chunks. Needs a known batch size (`Input({ shape,
   * batchSize })` or `batchInputShape`), every call of that size; `resetState()` zeros the states.
   * fit does not reset them between epochs (as Keras): reset them in a callback's onEpochBegin, and
   * fit with `shuffle: false`.
   */
  stateful?: boolean;
}

/** Options of RNN. */
export interface RNNArgs extends LayerArgs, SequenceArgs {
  /** The cell run at every step; a list of cells is stacked (StackedRNNCells). */
  cell: RNNCell | RNNCellLike | Array<RNNCell | RNNCellLike>;
}

/** Options of SimpleRNN (and the shared ones of GRU and LSTM). */
export interface RecurrentArgs extends RecurrentCellArgs, SequenceArgs {}

/** Options of GRU and LSTM beside the shared ones. */
export interface GatedRecurrentArgs extends GatedCellArgs, SequenceArgs {}

export type SimpleRNNArgs = RecurrentArgs;

export interface GRUArgs extends GRUCellArgs, SequenceArgs {}

export interface LSTMArgs extends LSTMCellArgs, SequenceArgs {}

/** Call options of the recurrent layers and of Bidirectional, beside `training`. */
export interface RecurrentCallArgs extends CallArgs {
  /**
   * The states at the first step, [batch, size] each (LSTM: [h, c]); zeros without it. Same as
   * giving them after the sequence in a list, `apply([sequence, ...states])`, which is how symbolic
   * states are recorded in a functional model. (A list input, even `[sequence]` alone, also types
   * the result as `Tensor | Tensor[]`, as `returnState` needs.)
   */
  initialState?: Tensor | SymbolicTensor | ReadonlyArray<Tensor | SymbolicTensor> | null;
}

/** RecurrentCallArgs' names, for checkOptionNames (the type keeps the list complete). */
export const RECURRENT_CALL_OPTIONS: Record<keyof RecurrentCallArgs, true> = { training: true, mask: true, initialState: true };

/**
 * Runs a cell over the time steps of a sequence [batch, time, features] (Keras's RNN): the cell's
 * step at each time step, its states carried from one step to the next. The cell is a built-in
 * cell (SimpleRNNCell, GRUCell, LSTMCell), a StackedRNNCells (or a list of cells), an RNNCell
 * subclass, or any object with `stateSize` and `call(input, states)` returning
 * `[output, newStates]` (see RNNCell). The number of time steps may be unknown when the model is
 * built (`Input({ shape: [null, features] })`): each call runs over its input's steps.
 *
 * Arguments: `cell`; `returnSequences`, `returnState`, `goBackwards`, `unroll`, `stateful`,
 * `zeroOutputForMask` (false). Call: `apply(sequence, { initialState, mask, training })`; the
 * result is the last output [batch, outputSize] or the sequence [batch, time, outputSize], then
 * with `returnState` the final states (a StackedRNNCells' states flat, every cell's in order). An
 * input mask skips padded steps as SimpleRNN's. With `stateful`, each call starts from the previous
 * call's final states (see SequenceArgs; `states`, `resetState()`). Weights: the cell's.
 *
 * @example
 * const rnn = new RNN({ cell: new LSTMCell({ units: 4 }), returnSequences: true });
 * rnn.apply(ops.ones([32, 10, 8])).shape;                      // [32, 10, 4]
 * const stacked = new RNN({ cell: [new GRUCell({ units: 8 }), new GRUCell({ units: 4 })] });
 */
export class RNN extends Layer {
  readonly cell: RNNCell | RNNCellLike;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  /** Whether calls carry their final states over to the next call (see SequenceArgs). */
  readonly stateful: boolean;
  /** Whether masked steps output zeros (see SequenceArgs); Bidirectional sets it on its layers. */
  zeroOutputForMask: boolean;
  /** The size of each state, in order. */
  readonly stateSizes: number[];
  /** The size of the output at each step. */
  readonly outputSize: number;
  /** The features of the input the layer was built for. */
  private inputFeatures: number | null = null;
  /** A stateful layer's states, [batch, size] each, made by build. */
  private stateVariables: Variable[] | null = null;

  constructor(args: RNNArgs) {
    super(args);
    this.cell = this.createCell(args);
    this.stateSizes = stateSizesOf(this.cell);
    this.outputSize = outputSizeOf(this.cell);
    this.returnSequences = checkBoolean('returnSequences', args.returnSequences, false);
    this.returnState = checkBoolean('returnState', args.returnState, false);
    this.goBackwards = checkBoolean('goBackwards', args.goBackwards, false);
    this.unroll = checkBoolean('unroll', args.unroll, false);
    this.stateful = checkBoolean('stateful', args.stateful, false);
    this.zeroOutputForMask = checkBoolean('zeroOutputForMask', args.zeroOutputForMask, false);
    this.supportsMasking = true;
  }

  /** How many [batch, size] states the layer carries (LSTM: 2). */
  get stateCount(): number {
    return this.stateSizes.length;
  }

  /**
   * A stateful layer's current states (Keras's `layer.states`): non-trainable variables of shape
   * [batch, size], which each call starts from and leaves its final states in; null for a layer
   * that is not stateful, or not built.
   */
  get states(): readonly Variable[] | null {
    return this.stateVariables;
  }

  override get keptVariables(): readonly Variable[] {
    return this.stateVariables ?? [];
  }

  /**
   * Sets a stateful layer's states to zeros, as before its first call (Keras's `reset_state`);
   * nothing for a layer that is not stateful or not built.
   *
   * @example
   * const lstm = new LSTM({ units: 4, stateful: true });
   * lstm.apply(firstHalf);    // [2, 5, 3]: starts from zeros
   * lstm.apply(secondHalf);   // continues from where firstHalf left each sample
   * lstm.resetState();        // the next call starts from zeros again
   */
  resetState(): void {
    for (const state of this.stateVariables ?? []) tidy(() => state.assign(zeros(state.shape as number[])));
  }

  /** Same as resetState (Keras 3 keeps `reset_states` as an alias). */
  resetStates(): void {
    this.resetState();
  }

  // The sequence, or [sequence, ...initial states]; `initialState` joins the list.
  override apply(inputs: SymbolicTensor, args?: RecurrentCallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: RecurrentCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: RecurrentCallArgs): Tensor;
  override apply(inputs: Tensor[], args?: RecurrentCallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: RecurrentCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: RecurrentCallArgs = {}): LayerInput {
    checkOptionNames(`${this.constructor.name} '${this.name}'.apply`, args, RECURRENT_CALL_OPTIONS);
    const { initialState, ...options } = args;
    return super.apply(withInitialState(this.name, inputs, initialState), options);
  }

  /**
   * The states the layer starts from at `batchSize` when it is given none (Keras's
   * `get_initial_state`): the cell's `getInitialState(batchSize)`, or zeros for a cell without one.
   */
  getInitialState(batchSize: number): Tensor[] {
    return initialStatesOf(this.cell, batchSize, `The cell of layer "${this.name}"`);
  }

  /** Builds the cell for one step's input, [batch, features]. */
  override build(inputShape: Shape | Shape[]): void {
    const [sequence] = this.checkShapes(inputShape);
    this.inputFeatures = sequence[2];
    if (this.cell instanceof Layer && !this.cell.built) this.cell.buildOnce([sequence[0], sequence[2]]);
    if (this.stateful) this.makeStates(sequence);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkShapes(list.map((t) => [...t.shape]));
    const [sequence, ...givenStates] = list;
    const [batch, time] = sequence.shape;
    const mask = this.sequenceMask(args.mask ?? null, sequence);
    const carried = this.stateVariables;
    if (carried && carried[0].shape[0] !== batch) {
      throw new Error(
        `If an RNN is stateful, the batch size of the input sequences must be the same as the batch size of the initial state. Layer "${this.name}": expected batch size ${carried[0].shape[0]}, received ${batch} ` +
          `(input shape ${formatShape(sequence.shape)}; with fit, give a sample count that is a multiple of batchSize).`,
      );
    }
    return tidy(() => {
      const float = (t: Tensor) => (t.dtype === 'float32' ? t : cast(t, 'float32'));
      let states = givenStates.length > 0 ? givenStates.map(float) : (carried ?? this.getInitialState(batch));
      const step = sequenceStepsOf(this.cell, float(sequence), args.training === true);
      // [batch, 1] per step: whether the step holds data.
      const stepMasks = mask ? split(mask.dtype === 'int32' ? mask : cast(mask, 'int32'), time, 1) : null;
      const outputs: Tensor[] = [];
      let output: Tensor | null = null;
      for (let count = 0; count < time; count++) {
        const index = this.goBackwards ? time - 1 - count : count;
        const [next, nextStates] = step(index, states);
        if (stepMasks) {
          const kept = stepMasks[index];
          output = where(kept, next, this.zeroOutputForMask || output === null ? 0 : output);
          states = nextStates.map((s, k) => where(kept, s, states[k]));
        } else {
          output = next;
          states = nextStates;
        }
        if (this.returnSequences) outputs.push(output);
      }
      const result = this.returnSequences ? stack(outputs, 1) : output!;
      carried?.forEach((variable, k) => variable.assign(states[k]));
      return this.returnState ? [result, ...states] : result;
    });
  }

  /** The input's mask for a returned sequence, none for a last output or the states (Keras's rule). */
  override computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const sequenceMask = Array.isArray(mask) ? (mask[0] ?? null) : (mask as Tensor | null);
    const outputMask = this.returnSequences ? sequenceMask : null;
    return this.returnState ? [outputMask, ...this.stateSizes.map(() => null)] : outputMask;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [sequence] = this.checkShapes(inputShape);
    const [batch, time] = sequence;
    const output: Shape = this.returnSequences ? [batch, time, this.outputSize] : [batch, this.outputSize];
    if (!this.returnState) return output;
    return [output, ...this.stateSizes.map((size): Shape => [batch, size])];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      unroll: this.unroll,
      stateful: this.stateful,
      zeroOutputForMask: this.zeroOutputForMask,
      cell: serializeNested(this.layerCell()),
    };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    return new this({ ...config, cell: deserializeNested(config.cell, 'cell') } as never);
  }

  /** The cell of the options: a list of cells is stacked. */
  protected createCell(args: RNNArgs): RNNCell | RNNCellLike {
    const cell = Array.isArray(args?.cell) ? new StackedRNNCells({ cells: args.cell }) : args?.cell;
    checkCell(cell, 'cell');
    return cell;
  }

  /** A stateful layer's state variables, zeros of [batch, size]: the batch size must be known (Keras's rule). */
  private makeStates(sequence: Shape): void {
    const batch = sequence[0];
    if (batch === null) {
      throw new Error(
        `When using \`stateful: true\` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=${formatSymbolicShape(sequence)} (layer "${this.name}"). ` +
          'Give the batch size to the model\'s input: Input({ shape, batchSize }), or batchInputShape (or inputShape with batchSize) on the first layer.',
      );
    }
    this.stateVariables = tidy(() => this.getInitialState(batch).map((state) => new Variable(state, { trainable: false, name: `${this.name}/rnn_state` })));
  }

  private layerCell(): Layer {
    if (this.cell instanceof Layer) return this.cell;
    throw new Error(`Cannot serialize layer '${this.name}': its cell is not a layer; only registered layer cells (RNNCell subclasses) can be saved.`);
  }

  /** The sequence's mask from the call's mask (the first entry of a list), checked against the sequence: [batch, time], or null. */
  private sequenceMask(mask: InputMask, sequence: Tensor): Tensor | null {
    const sequenceMask = Array.isArray(mask) ? (mask[0] ?? null) : (mask as Tensor | null);
    if (sequenceMask === null) return null;
    const [batch, time] = sequence.shape;
    if (sequenceMask.rank !== 2 || sequenceMask.shape[0] !== batch || sequenceMask.shape[1] !== time) {
      throw new Error(`Invalid value for argument mask of layer "${this.name}". Expected a mask of shape (batch, time) = ${formatShape([batch, time])}. Received: mask.shape=${formatShape(sequenceMask.shape)}`);
    }
    return sequenceMask;
  }

  /** Checks the sequence and state shapes; returns [sequence shape, ...state shapes]. */
  private checkShapes(inputShape: Shape | Shape[]): Shape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const [sequence, ...states] = shapes;
    if (sequence.length !== 3) {
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=3 (batch, time, features), found ndim=${sequence.length}. Full shape received: ${formatSymbolicShape(sequence)}`);
    }
    if (sequence[1] !== null && sequence[1] < 1) {
      throw new Error(`Invalid input shape for layer "${this.name}". Expected at least 1 time step on axis 1 (or an unknown number, None). Received: input_shape=${formatSymbolicShape(sequence)}`);
    }
    if (sequence[2] === null) {
      throw new Error(`The last dimension of the inputs to layer "${this.name}" should be defined. Found None. Full input shape received: ${formatSymbolicShape(sequence)}`);
    }
    if (this.inputFeatures !== null && this.inputFeatures !== sequence[2]) {
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected axis -1 of input shape to have value ${this.inputFeatures}, but received input with shape ${formatSymbolicShape(sequence)}`);
    }
    const expected: Shape[] = this.stateSizes.map((size) => [sequence[0], size]);
    const fits = (s: Shape, k: number) => s.length === 2 && (s[0] === null || sequence[0] === null || s[0] === sequence[0]) && s[1] === expected[k][1];
    if (states.length > 0 && (states.length !== this.stateCount || !states.every(fits))) {
      const count = this.stateCount;
      const expectedShapes = [...new Set(expected.map(formatSymbolicShape))];
      throw new Error(
        `Invalid value for argument initialState of layer "${this.name}". Expected ${count} tensor${count > 1 ? 's' : ''} of shape${expectedShapes.length > 1 ? 's' : ''} ${expectedShapes.join(', ')}. ` +
          `Received: ${states.length} of shape${states.length === 1 ? '' : 's'} ${states.map(formatSymbolicShape).join(', ')}`,
      );
    }
    return shapes;
  }
}

/**
 * The base of SimpleRNN, GRU and LSTM: an RNN over its built-in cell, made from the layer's flat
 * options (Keras's config of these layers lists the cell's options beside the RNN's). The cell's
 * options and weights read through the layer (`lstm.units`, `lstm.kernel`).
 */
export abstract class RecurrentLayer<C extends RecurrentCell = RecurrentCell> extends RNN {
  declare readonly cell: C;

  constructor(args: RecurrentArgs) {
    super(args as unknown as RNNArgs);
  }

  get units(): number {
    return this.cell.units;
  }
  get activation(): ActivationFn {
    return this.cell.activation;
  }
  get useBias(): boolean {
    return this.cell.useBias;
  }
  get kernelInitializer(): Initializer {
    return this.cell.kernelInitializer;
  }
  get recurrentInitializer(): Initializer {
    return this.cell.recurrentInitializer;
  }
  get biasInitializer(): Initializer {
    return this.cell.biasInitializer;
  }
  get kernelRegularizer(): Regularizer | null {
    return this.cell.kernelRegularizer;
  }
  get recurrentRegularizer(): Regularizer | null {
    return this.cell.recurrentRegularizer;
  }
  get biasRegularizer(): Regularizer | null {
    return this.cell.biasRegularizer;
  }
  get kernelConstraint(): Constraint | null {
    return this.cell.kernelConstraint;
  }
  get recurrentConstraint(): Constraint | null {
    return this.cell.recurrentConstraint;
  }
  get biasConstraint(): Constraint | null {
    return this.cell.biasConstraint;
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
  /** `<layer>/<cell>/kernel` [features, gates·units]. */
  get kernel(): Variable {
    return this.cell.kernel;
  }
  /** `<layer>/<cell>/recurrent_kernel` [units, gates·units]. */
  get recurrentKernel(): Variable {
    return this.cell.recurrentKernel;
  }
  /** `<layer>/<cell>/bias`, or null without useBias. */
  get bias(): Variable | null {
    return this.cell.bias;
  }

  /** The RNN's options with the cell's options in place of `cell`. */
  override getConfig(): Record<string, unknown> {
    const { cell, ...config } = super.getConfig();
    const { name: _name, trainable: _trainable, dtype: _dtype, ...cellOptions } = (cell as SerializedLayer).config;
    return { ...config, ...cellOptions };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    return new this(config as never);
  }

  /** The built-in cell from the cell's options among the layer's, its weights named `<layer>/<cell name>/...`. */
  protected override createCell(args: RNNArgs): C {
    const { returnSequences: _s, returnState: _r, goBackwards: _g, unroll: _u, stateful: _st, zeroOutputForMask: _z, name: _n, trainable: _t, inputShape: _i, inputDim: _d, batchInputShape: _b, batchSize: _bs, activityRegularizer: _a, ...cellOptions } = args as unknown as RecurrentArgs;
    return this.makeCell(cellOptions);
  }

  /** The cell of this layer from its options (the layer's name is known by now). */
  protected abstract makeCell(options: RecurrentCellArgs): C;
}

/**
 * A fully connected recurrent layer whose output is fed back: at each step
 * `h = activation(x·kernel + h·recurrentKernel + bias)`; the output is `h`, the state `[h]`
 * (an RNN over a SimpleRNNCell).
 *
 * Input [batch, time, features] (the number of steps may be unknown until the call), and an
 * optional mask [batch, time]. Arguments: `units`; `activation` ('tanh'); `useBias` (true); `kernelInitializer`
 * ('glorotUniform'), `recurrentInitializer` ('orthogonal'), `biasInitializer` ('zeros');
 * `kernelRegularizer`, `recurrentRegularizer`, `biasRegularizer`; `kernelConstraint`,
 * `recurrentConstraint`, `biasConstraint`; `dropout`, `recurrentDropout` (0); `returnSequences`,
 * `returnState`, `goBackwards`, `unroll`, `stateful` (false); `seed`; `zeroOutputForMask` (false). With an input mask (Embedding's maskZero, Masking), masked steps keep the states and
 * repeat the previous output; the returned sequence keeps the mask. Weights:
 * `simple_rnn_cell/kernel` [features, units], `simple_rnn_cell/recurrent_kernel` [units, units],
 * `simple_rnn_cell/bias` [units].
 *
 * @example
 * const rnn = new SimpleRNN({ units: 4 });
 * rnn.apply(ops.ones([32, 10, 8])).shape;                      // [32, 4]
 * const [sequence, last] = new SimpleRNN({ units: 4, returnSequences: true, returnState: true })
 *   .apply([ops.ones([32, 10, 8])]) as Tensor[];               // [32, 10, 4] and [32, 4]
 */
export class SimpleRNN extends RecurrentLayer<SimpleRNNCell> {
  constructor(args: SimpleRNNArgs) {
    super(args);
  }

  protected makeCell(options: RecurrentCellArgs): SimpleRNNCell {
    return new SimpleRNNCell({ ...options, name: `${this.name}/simple_rnn_cell` });
  }
}

/**
 * Gated Recurrent Unit (an RNN over a GRUCell, whose docs give the equations) with Keras's gate
 * order z (update), r (reset), h (candidate) in the kernels' columns; with `resetAfter` (default,
 * as cuDNN) the bias is [2, 3 units] (input bias, recurrent bias), without it [3 units].
 *
 * Input [batch, time, features], the number of steps known or not; masks as SimpleRNN. Arguments:
 * those of SimpleRNN, and `recurrentActivation` ('sigmoid'), `resetAfter` (true). Weights:
 * `gru_cell/kernel` [features, 3 units], `gru_cell/recurrent_kernel` [units, 3 units],
 * `gru_cell/bias`.
 *
 * @example
 * const gru = new GRU({ units: 4, returnSequences: true });
 * gru.apply(ops.ones([32, 10, 8])).shape;                      // [32, 10, 4]
 */
export class GRU extends RecurrentLayer<GRUCell> {
  constructor(args: GRUArgs) {
    super(args);
  }

  get recurrentActivation(): ActivationFn {
    return this.cell.recurrentActivation;
  }
  get resetAfter(): boolean {
    return this.cell.resetAfter;
  }

  protected makeCell(options: GRUCellArgs): GRUCell {
    return new GRUCell({ ...options, name: `${this.name}/gru_cell` });
  }
}

/**
 * Long Short-Term Memory (an RNN over an LSTMCell, whose docs give the equations) with Keras's gate
 * order i, f, c, o in the kernels' columns; the output is `h`, the states `[h, c]`.
 *
 * Input [batch, time, features], the number of steps known or not; masks as SimpleRNN. Arguments:
 * those of SimpleRNN, and `recurrentActivation` ('sigmoid'), `unitForgetBias` (true: the forget gate's
 * bias starts at 1, the rest from `biasInitializer`). Weights: `lstm_cell/kernel`
 * [features, 4 units], `lstm_cell/recurrent_kernel` [units, 4 units], `lstm_cell/bias` [4 units].
 *
 * @example
 * const lstm = new LSTM({ units: 4, returnState: true });
 * const [last, h, c] = lstm.apply([ops.ones([32, 10, 8])]) as Tensor[];   // [32, 4] each
 * lstm.apply(x, { initialState: [h, c] });
 */
export class LSTM extends RecurrentLayer<LSTMCell> {
  constructor(args: LSTMArgs) {
    super(args);
  }

  get recurrentActivation(): ActivationFn {
    return this.cell.recurrentActivation;
  }
  get unitForgetBias(): boolean {
    return this.cell.unitForgetBias;
  }

  protected makeCell(options: LSTMCellArgs): LSTMCell {
    return new LSTMCell({ ...options, name: `${this.name}/lstm_cell` });
  }
}

/** @internal The inputs of a recurrent layer (or Bidirectional) as a list, [sequence, ...initial states], from `apply`'s arguments. */
export function withInitialState(layerName: string, inputs: LayerInput, initialState: RecurrentCallArgs['initialState']): LayerInput {
  if (initialState === undefined || initialState === null) return inputs;
  if (Array.isArray(inputs) && inputs.length > 1) {
    throw new Error(`Layer "${layerName}" received initial states both after the sequence in its input list and as the initialState option; give one.`);
  }
  const sequence = Array.isArray(inputs) ? inputs[0] : inputs;
  return [sequence, ...(Array.isArray(initialState) ? initialState : [initialState])] as LayerInput;
}
