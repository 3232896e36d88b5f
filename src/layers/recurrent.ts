// Recurrent layers with Keras 3's names, defaults, weights and equations
// (keras/src/layers/rnn/simple_rnn.py, gru.py, lstm.py): SimpleRNN, GRU and LSTM over inputs of
// shape [batch, time, features]. Each is built from existing ops and unrolled in JavaScript: the
// input projection of every time step is one matmul before the loop, then each step is one
// recurrent matmul and a few element-wise ops. It runs on the active backend, the tape
// differentiates it, and fit's step capture replays the unrolled step. A mask on the input
// ([batch, time], from Embedding's maskZero or Masking) skips padded steps: there the states keep
// their previous values and the output repeats the previous output (or is zero with
// zeroOutputForMask), as Keras's backend rnn does.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { ones, zeros } from '../ops/creation';
import { dense } from '../ops/dense';
import { cast, where } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { concat, reshape, slice, split, stack } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import type { Constraint, ConstraintIdentifier } from './constraints';
import { Initializer, type InitializerIdentifier } from './initializers';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { checkPositiveInt, checkUnitInterval, constraintConfig, initializerConfig, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { Dropout } from './regularization';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';

/** Options shared by SimpleRNN, GRU and LSTM. */
export interface RecurrentArgs extends LayerArgs {
  /** Size of the output and of each state. */
  units: number;
  /** Activation of the candidate state and the output (default 'tanh'; null is linear). */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Initializer of `kernel`, the input projection (default 'glorotUniform'). */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of `recurrent_kernel`, the state projection (default 'orthogonal'). */
  recurrentInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  recurrentRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Applied to `kernel` after each optimizer update. */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Applied to `recurrent_kernel` after each optimizer update. */
  recurrentConstraint?: ConstraintIdentifier | null;
  /** Applied to `bias` after each optimizer update. */
  biasConstraint?: ConstraintIdentifier | null;
  /**
   * Fraction of the input features dropped in training, one mask per call shared by every gate
   * (default 0; Keras draws one per gate when recurrentDropout is set).
   */
  dropout?: number;
  /** Fraction of the state units dropped before the recurrent matmul in training, one mask per call shared by every gate (default 0). */
  recurrentDropout?: number;
  /** Return the output of every time step, [batch, time, units], rather than the last, [batch, units] (default false). */
  returnSequences?: boolean;
  /** Also return the final states: [output, ...states] (default false). */
  returnState?: boolean;
  /** Process the sequence from its last step to its first; returned sequences are in that order (default false). */
  goBackwards?: boolean;
  /** Seed of the dropout masks. */
  seed?: number;
  /**
   * With a mask, the output at a masked step is zeros rather than the previous step's output
   * (default false; Bidirectional sets it to returnSequences, as Keras).
   */
  zeroOutputForMask?: boolean;
}

/** Options of GRU and LSTM beside the shared ones. */
export interface GatedRecurrentArgs extends RecurrentArgs {
  /** Activation of the gates (default 'sigmoid'; null is linear). */
  recurrentActivation?: ActivationIdentifier;
}

export type SimpleRNNArgs = RecurrentArgs;

export interface GRUArgs extends GatedRecurrentArgs {
  /** Apply the reset gate after the recurrent matmul, with a separate recurrent bias (default true, as cuDNN). */
  resetAfter?: boolean;
}

export interface LSTMArgs extends GatedRecurrentArgs {
  /** Initialize the forget gate's bias to 1 (default true). */
  unitForgetBias?: boolean;
}

/** Call options of the recurrent layers and of Bidirectional, beside `training`. */
export interface RecurrentCallArgs extends CallArgs {
  /**
   * The states at the first step, [batch, units] each (LSTM: [h, c]); zeros without it. Same as
   * giving them after the sequence in a list, `apply([sequence, ...states])`, which is how symbolic
   * states are recorded in a functional model. (A list input, even `[sequence]` alone, also types
   * the result as `Tensor | Tensor[]`, as `returnState` needs.)
   */
  initialState?: Tensor | SymbolicTensor | ReadonlyArray<Tensor | SymbolicTensor> | null;
}

/** RecurrentCallArgs' names, for checkOptionNames (the type keeps the list complete). */
export const RECURRENT_CALL_OPTIONS: Record<keyof RecurrentCallArgs, true> = { training: true, mask: true, initialState: true };

/**
 * The base of SimpleRNN, GRU and LSTM: options, input checks, the loop over time steps, dropout
 * masks and the outputs. A subclass gives its number of gates and states, makes its weights, and
 * computes one step from the input projection of that step.
 */
export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly recurrentRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly recurrentConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly seed: number | undefined;
  /** Whether masked steps output zeros (see RecurrentArgs); Bidirectional sets it on its layers. */
  zeroOutputForMask: boolean;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;
  /** How many [batch, units] states the layer carries (LSTM: 2). */
  abstract readonly stateCount: number;
  /** Keras's name of the cell, the prefix of the weight names ('lstm_cell/kernel'). */
  protected abstract readonly cellName: string;
  private readonly inputDropout: Dropout;
  private readonly stateDropout: Dropout;

  constructor(args: RecurrentArgs) {
    super(args);
    this.units = checkPositiveInt('units', args?.units);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = checkBoolean('useBias', args.useBias, true);
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = resolveInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = resolveRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint);
    this.recurrentConstraint = resolveConstraint(args.recurrentConstraint);
    this.biasConstraint = resolveConstraint(args.biasConstraint);
    this.dropout = checkUnitInterval('dropout', args.dropout ?? 0);
    this.recurrentDropout = checkUnitInterval('recurrentDropout', args.recurrentDropout ?? 0);
    this.returnSequences = checkBoolean('returnSequences', args.returnSequences, false);
    this.returnState = checkBoolean('returnState', args.returnState, false);
    this.goBackwards = checkBoolean('goBackwards', args.goBackwards, false);
    this.seed = args.seed;
    this.zeroOutputForMask = checkBoolean('zeroOutputForMask', args.zeroOutputForMask, false);
    this.supportsMasking = true;
    // Named after the layer so that they do not take the names of the user's Dropout layers.
    this.inputDropout = new Dropout({ rate: this.dropout, seed: this.seed, name: `${this.name}_dropout` });
    const stateSeed = this.seed === undefined ? undefined : this.seed + 1;
    this.stateDropout = new Dropout({ rate: this.recurrentDropout, seed: stateSeed, name: `${this.name}_recurrent_dropout` });
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

  override build(inputShape: Shape | Shape[]): void {
    const [sequence] = this.checkShapes(inputShape);
    const features = sequence[2] as number;
    const width = this.gateCount * this.units;
    this.kernel = this.addWeight({ name: `${this.cellName}/kernel`, shape: [features, width], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    this.recurrentKernel = this.addWeight({ name: `${this.cellName}/recurrent_kernel`, shape: [this.units, width], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer ?? undefined, constraint: this.recurrentConstraint });
    if (this.useBias) {
      this.bias = this.addWeight({ name: `${this.cellName}/bias`, shape: this.biasShape(), initializer: this.biasInitializerForBuild(), regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
    }
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkShapes(list.map((t) => [...t.shape]));
    const [sequence, ...givenStates] = list;
    const [batch, time, features] = sequence.shape;
    const training = args.training === true;
    const mask = this.sequenceMask(args.mask ?? null, sequence);
    return tidy(() => {
      let x = sequence.dtype === 'float32' ? sequence : cast(sequence, 'float32');
      if (training && this.dropout > 0 && this.dropout < 1) {
        x = x.mul(reshape(this.inputDropout.apply(ones([batch, features]), { training: true }), [batch, 1, features]));
      }
      const stateMask = training && this.recurrentDropout > 0 && this.recurrentDropout < 1 ? this.stateDropout.apply(ones([batch, this.units]), { training: true }) : null;
      let states = givenStates.length > 0 ? givenStates.map((s) => (s.dtype === 'float32' ? s : cast(s, 'float32'))) : Array.from({ length: this.stateCount }, () => zeros([batch, this.units]));
      const width = this.gateCount * this.units;
      const projected = dense(x, this.kernel, this.inputBias());
      const perStep = split(projected, time, 1);
      const recurrentWeights = this.prepareRecurrentWeights();
      // [batch, 1] per step: whether the step holds data.
      const stepMasks = mask ? split(mask.dtype === 'int32' ? mask : cast(mask, 'int32'), time, 1) : null;
      const outputs: Tensor[] = [];
      let output: Tensor | null = null;
      for (let step = 0; step < time; step++) {
        const index = this.goBackwards ? time - 1 - step : step;
        const inputPart = reshape(perStep[index], [batch, width]);
        const next = this.step(inputPart, states, stateMask, recurrentWeights);
        if (stepMasks) {
          const kept = stepMasks[index];
          output = where(kept, next[0], this.zeroOutputForMask || output === null ? 0 : output);
          states = next.map((s, k) => where(kept, s, states[k]));
        } else {
          output = next[0];
          states = next;
        }
        if (this.returnSequences) outputs.push(output);
      }
      const result = this.returnSequences ? stack(outputs, 1) : output!;
      return this.returnState ? [result, ...states] : result;
    });
  }

  /** The input's mask for a returned sequence, none for a last output or the states (Keras's rule). */
  override computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const sequenceMask = Array.isArray(mask) ? (mask[0] ?? null) : (mask as Tensor | null);
    const outputMask = this.returnSequences ? sequenceMask : null;
    return this.returnState ? [outputMask, ...Array.from({ length: this.stateCount }, () => null)] : outputMask;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [sequence] = this.checkShapes(inputShape);
    const [batch, time] = sequence;
    const output: Shape = this.returnSequences ? [batch, time, this.units] : [batch, this.units];
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, (): Shape => [batch, this.units])];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      recurrentInitializer: initializerConfig(this.recurrentInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      recurrentRegularizer: regularizerConfig(this.recurrentRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
      kernelConstraint: constraintConfig(this.kernelConstraint),
      recurrentConstraint: constraintConfig(this.recurrentConstraint),
      biasConstraint: constraintConfig(this.biasConstraint),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      seed: this.seed,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }

  /** How many blocks of `units` columns the kernels have (SimpleRNN 1, GRU 3, LSTM 4). */
  protected abstract get gateCount(): number;

  /** One time step: the new states (the first is the step's output) from this step's input projection (bias included). */
  protected abstract step(inputPart: Tensor, states: Tensor[], stateMask: Tensor | null, recurrentWeights: Tensor[]): Tensor[];

  /** Shape of `bias`. */
  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }

  /** The initializer `bias` is made with. */
  protected biasInitializerForBuild(): Initializer {
    return this.biasInitializer;
  }

  /** The bias added to the input projection. */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** The recurrent weights a step uses, prepared once per call (slices of the recurrent kernel, say). */
  protected prepareRecurrentWeights(): Tensor[] {
    return [this.recurrentKernel];
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
    const shapes = inputShape.length > 0 && Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const [sequence, ...states] = shapes;
    if (sequence.length !== 3) {
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=3 (batch, time, features), found ndim=${sequence.length}. Full shape received: ${formatSymbolicShape(sequence)}`);
    }
    if (sequence[1] === null || sequence[1] < 1) {
      throw new Error(`Invalid input shape for layer "${this.name}". Expected a known number of time steps, at least 1, on axis 1 (this layer unrolls over time). Received: input_shape=${formatSymbolicShape(sequence)}`);
    }
    if (sequence[2] === null) {
      throw new Error(`The last dimension of the inputs to layer "${this.name}" should be defined. Found None. Full input shape received: ${formatSymbolicShape(sequence)}`);
    }
    if (this.built && this.kernel.shape[0] !== sequence[2]) {
      throw new Error(`Input 0 of layer "${this.name}" is incompatible with the layer: expected axis -1 of input shape to have value ${this.kernel.shape[0]}, but received input with shape ${formatSymbolicShape(sequence)}`);
    }
    const expected: Shape = [sequence[0], this.units];
    const fits = (s: Shape) => s.length === 2 && (s[0] === null || sequence[0] === null || s[0] === sequence[0]) && s[1] === this.units;
    if (states.length > 0 && (states.length !== this.stateCount || !states.every(fits))) {
      throw new Error(
        `Invalid value for argument initialState of layer "${this.name}". Expected ${this.stateCount} tensor${this.stateCount > 1 ? 's' : ''} of shape ${formatSymbolicShape(expected)}. ` +
          `Received: ${states.length} of shape${states.length === 1 ? '' : 's'} ${states.map(formatSymbolicShape).join(', ')}`,
      );
    }
    return shapes;
  }
}

/**
 * A fully connected recurrent layer whose output is fed back: at each step
 * `h = activation(x·kernel + h·recurrentKernel + bias)`; the output is `h`, the state `[h]`.
 *
 * Input [batch, time, features], the number of time steps known (the loop is unrolled), and an
 * optional mask [batch, time]. Arguments: `units`; `activation` ('tanh'); `useBias` (true); `kernelInitializer`
 * ('glorotUniform'), `recurrentInitializer` ('orthogonal'), `biasInitializer` ('zeros');
 * `kernelRegularizer`, `recurrentRegularizer`, `biasRegularizer`; `kernelConstraint`,
 * `recurrentConstraint`, `biasConstraint`; `dropout`, `recurrentDropout` (0); `returnSequences`,
 * `returnState`, `goBackwards` (false); `seed`; `zeroOutputForMask` (false). With an input mask (Embedding's maskZero, Masking), masked steps keep the states and
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
export class SimpleRNN extends RecurrentLayer {
  readonly stateCount = 1;
  protected readonly cellName = 'simple_rnn_cell';

  protected get gateCount(): number {
    return 1;
  }

  protected step(inputPart: Tensor, [previous]: Tensor[], stateMask: Tensor | null, [recurrentKernel]: Tensor[]): Tensor[] {
    const state = stateMask ? previous.mul(stateMask) : previous;
    return [this.activation(inputPart.add(matmul(state, recurrentKernel)))];
  }
}

/** GRU and LSTM: the recurrent layers with gates and their `recurrentActivation` (default sigmoid). */
abstract class GatedRecurrentLayer extends RecurrentLayer {
  readonly recurrentActivation: ActivationFn;

  constructor(args: GatedRecurrentArgs) {
    super(args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: serializeActivation(this.recurrentActivation) };
  }
}

/**
 * Gated Recurrent Unit (Cho et al. 2014) with Keras's gate order z (update), r (reset), h
 * (candidate) in the kernels' columns:
 * `z = σ(xz + hz)`, `r = σ(xr + hr)`, `h' = tanh(xh + r ⊙ hh)`, `h = z ⊙ h + (1 − z) ⊙ h'`, where
 * with `resetAfter` (default, as cuDNN) `hz, hr, hh` are the blocks of `h·recurrentKernel +
 * recurrentBias` and the bias is [2, 3 units] (input bias, recurrent bias); without it the
 * candidate uses `(r ⊙ h)·recurrentKernel_h` and the bias is [3 units].
 *
 * Input [batch, time, features], the number of time steps known; masks as SimpleRNN. Arguments:
 * those of SimpleRNN, and `recurrentActivation` ('sigmoid'), `resetAfter` (true). Weights:
 * `gru_cell/kernel` [features, 3 units], `gru_cell/recurrent_kernel` [units, 3 units],
 * `gru_cell/bias`.
 *
 * @example
 * const gru = new GRU({ units: 4, returnSequences: true });
 * gru.apply(ops.ones([32, 10, 8])).shape;                      // [32, 10, 4]
 */
export class GRU extends GatedRecurrentLayer {
  readonly stateCount = 1;
  readonly resetAfter: boolean;
  protected readonly cellName = 'gru_cell';

  constructor(args: GRUArgs) {
    super(args);
    this.resetAfter = checkBoolean('resetAfter', args.resetAfter, true);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }

  protected get gateCount(): number {
    return 3;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | null {
    if (!this.bias || !this.resetAfter) return this.bias;
    return reshape(slice(this.bias, [0, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  /** resetAfter: [recurrent kernel, recurrent bias or none]; otherwise the kernel's z-r block and its candidate block. */
  protected override prepareRecurrentWeights(): Tensor[] {
    const units = this.units;
    if (this.resetAfter) {
      return this.bias ? [this.recurrentKernel, reshape(slice(this.bias, [1, 0], [1, 3 * units]), [3 * units])] : [this.recurrentKernel];
    }
    return split(this.recurrentKernel, [2 * units], 1);
  }

  protected step(inputPart: Tensor, [previous]: Tensor[], stateMask: Tensor | null, recurrentWeights: Tensor[]): Tensor[] {
    const units = this.units;
    const state = stateMask ? previous.mul(stateMask) : previous;
    const [inputGates, inputCandidate] = split(inputPart, [2 * units], 1);
    let update: Tensor;
    let candidateInput: Tensor;
    if (this.resetAfter) {
      const [kernel, recurrentBias = null] = recurrentWeights;
      const [recurrentGates, recurrentCandidate] = split(dense(state, kernel, recurrentBias), [2 * units], 1);
      const [updateGate, reset] = split(this.recurrentActivation(inputGates.add(recurrentGates)), 2, 1);
      update = updateGate;
      candidateInput = reset.mul(recurrentCandidate);
    } else {
      const [gateKernel, candidateKernel] = recurrentWeights;
      const [updateGate, reset] = split(this.recurrentActivation(inputGates.add(matmul(state, gateKernel))), 2, 1);
      update = updateGate;
      candidateInput = matmul(reset.mul(state), candidateKernel);
    }
    const candidate = this.activation(inputCandidate.add(candidateInput));
    // z ⊙ h + (1 − z) ⊙ h' written as h' + z ⊙ (h − h'): one op fewer per step.
    return [candidate.add(update.mul(previous.sub(candidate)))];
  }
}

/**
 * Long Short-Term Memory (Hochreiter & Schmidhuber 1997) with Keras's gate order i (input),
 * f (forget), c (cell candidate), o (output) in the kernels' columns: with
 * `[i, f, g, o] = x·kernel + h·recurrentKernel + bias`, `c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)` and
 * `h = σ(o) ⊙ tanh(c)`; the output is `h`, the states `[h, c]`.
 *
 * Input [batch, time, features], the number of time steps known; masks as SimpleRNN. Arguments:
 * those of SimpleRNN, and `recurrentActivation` ('sigmoid'), `unitForgetBias` (true: the forget gate's
 * bias starts at 1, the rest from `biasInitializer`). Weights: `lstm_cell/kernel`
 * [features, 4 units], `lstm_cell/recurrent_kernel` [units, 4 units], `lstm_cell/bias` [4 units].
 *
 * @example
 * const lstm = new LSTM({ units: 4, returnState: true });
 * const [last, h, c] = lstm.apply([ops.ones([32, 10, 8])]) as Tensor[];   // [32, 4] each
 * lstm.apply(x, { initialState: [h, c] });
 */
export class LSTM extends GatedRecurrentLayer {
  readonly stateCount = 2;
  readonly unitForgetBias: boolean;
  protected readonly cellName = 'lstm_cell';

  constructor(args: LSTMArgs) {
    super(args);
    this.unitForgetBias = checkBoolean('unitForgetBias', args.unitForgetBias, true);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }

  protected get gateCount(): number {
    return 4;
  }

  protected override biasInitializerForBuild(): Initializer {
    return this.unitForgetBias ? new UnitForgetBias(this.biasInitializer, this.units) : this.biasInitializer;
  }

  protected step(inputPart: Tensor, [previousOutput, previousCell]: Tensor[], stateMask: Tensor | null, [recurrentKernel]: Tensor[]): Tensor[] {
    const units = this.units;
    const state = stateMask ? previousOutput.mul(stateMask) : previousOutput;
    const preactivation = inputPart.add(matmul(state, recurrentKernel));
    // The gate activation over all four blocks, then the candidate block's own activation: fewer ops than four slices.
    const [inputGate, forgetGate, , outputGate] = split(this.recurrentActivation(preactivation), 4, 1);
    const candidate = this.activation(slice(preactivation, [0, 2 * units], [-1, units]));
    const cell = forgetGate.mul(previousCell).add(inputGate.mul(candidate));
    return [outputGate.mul(this.activation(cell)), cell];
  }
}

/** Keras's LSTM bias initializer with unitForgetBias: biasInitializer, ones for the forget gate, biasInitializer. */
class UnitForgetBias extends Initializer {
  readonly className = 'UnitForgetBias';

  constructor(
    private readonly inner: Initializer,
    private readonly units: number,
  ) {
    super();
  }

  apply(shape: readonly number[]): Tensor {
    if (shape.length !== 1 || shape[0] !== 4 * this.units) throw new Error(`UnitForgetBias: expected the shape (${4 * this.units},), got ${formatShape(shape)}.`);
    return tidy(() => concat([this.inner.apply([this.units]), ones([this.units]), this.inner.apply([2 * this.units])], 0));
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

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`Invalid value for argument ${name}. Expected a boolean. Received: ${name}=${String(value)}`);
  return value;
}
