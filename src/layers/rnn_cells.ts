// The built-in RNN cells with Keras 3's names, defaults, weights and equations
// (keras/src/layers/rnn/simple_rnn.py, gru.py, lstm.py): SimpleRNNCell, GRUCell and LSTMCell, one
// time step each, built from existing ops. Over a sequence (RNN, SimpleRNN, GRU, LSTM) the input
// projection of every time step is one matmul before the loop, then each step is one recurrent
// matmul and a few element-wise ops; dropout masks are drawn once per call and shared by every
// step and gate.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { ones } from '../ops/creation';
import { dense } from '../ops/dense';
import { cast } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { concat, reshape, slice, split } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import type { Constraint, ConstraintIdentifier } from './constraints';
import { Initializer, type InitializerIdentifier } from './initializers';
import type { LayerArgs } from './layer';
import { checkPositiveInt, checkUnitInterval, constraintConfig, initializerConfig, isShapeList, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { Dropout } from './regularization';
import { RNNCell, type CellCallArgs, type InputStep, type SequenceStep } from './rnn_cell';
import { formatSymbolicShape, type Shape } from './symbolic';

/** Options of SimpleRNNCell, GRUCell and LSTMCell (and of SimpleRNN, GRU and LSTM). */
export interface RecurrentCellArgs extends LayerArgs {
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
   * Fraction of the input features dropped in training, one mask per call shared by every step and
   * gate (default 0; Keras draws one per gate when recurrentDropout is set).
   */
  dropout?: number;
  /** Fraction of the state units dropped before the recurrent matmul in training, one mask per call (default 0). */
  recurrentDropout?: number;
  /** Seed of the dropout masks. */
  seed?: number;
}

/** Options of GRUCell and LSTMCell beside the shared ones. */
export interface GatedCellArgs extends RecurrentCellArgs {
  /** Activation of the gates (default 'sigmoid'; null is linear). */
  recurrentActivation?: ActivationIdentifier;
}

export type SimpleRNNCellArgs = RecurrentCellArgs;

export interface GRUCellArgs extends GatedCellArgs {
  /** Apply the reset gate after the recurrent matmul, with a separate recurrent bias (default true, as cuDNN). */
  resetAfter?: boolean;
}

export interface LSTMCellArgs extends GatedCellArgs {
  /** Initialize the forget gate's bias to 1 (default true). */
  unitForgetBias?: boolean;
}

/** What a built-in cell prepares once per call: the input projection, and the recurrent part of a step. */
interface PreparedCell {
  /** x·kernel + bias (input dropout applied), for one step [batch, features] or a sequence [batch, time, features]. */
  project(x: Tensor): Tensor;
  /** The new states (the first is the output) from a step's projected input [batch, gates·units]. */
  recur(projected: Tensor, states: Tensor[]): Tensor[];
}

/**
 * @internal The base of SimpleRNNCell, GRUCell and LSTMCell: options, weights, dropout masks and
 * the split of a step into the input projection (one matmul for a whole sequence) and the
 * recurrent part. A subclass gives its number of gates and states and computes the recurrent part.
 */
export abstract class RecurrentCell extends RNNCell {
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
  readonly seed: number | undefined;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;
  private readonly inputDropout: Dropout;
  private readonly stateDropout: Dropout;

  constructor(args: RecurrentCellArgs) {
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
    this.seed = args.seed;
    // Named after the cell so that they do not take the names of the user's Dropout layers.
    this.inputDropout = new Dropout({ rate: this.dropout, seed: this.seed, name: `${this.name}_dropout` });
    const stateSeed = this.seed === undefined ? undefined : this.seed + 1;
    this.stateDropout = new Dropout({ rate: this.recurrentDropout, seed: stateSeed, name: `${this.name}_recurrent_dropout` });
  }

  override get outputSize(): number {
    return this.units;
  }

  /** The step's input shape, [batch, features] (or a list whose first entry it is, as `apply([input, ...states])` gives). */
  override build(inputShape: Shape | Shape[]): void {
    const input = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const features = input.at(-1);
    if (input.length !== 2 || features === null || features === undefined) {
      throw new Error(`Input 0 of cell "${this.name}" is incompatible with the cell: expected a step input of shape (batch, features), the features known. Received: input_shape=${formatSymbolicShape(input)}`);
    }
    const width = this.gateCount * this.units;
    this.kernel = this.addWeight({ name: 'kernel', shape: [features, width], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    this.recurrentKernel = this.addWeight({ name: 'recurrent_kernel', shape: [this.units, width], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer ?? undefined, constraint: this.recurrentConstraint });
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: this.biasShape(), initializer: this.biasInitializerForBuild(), regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
    }
  }

  step(input: Tensor, states: Tensor[], args: CellCallArgs = {}): [Tensor, Tensor[]] {
    this.checkStepInputs(input, states);
    return this.inputSteps(input.shape[0], args.training === true)(input, states);
  }

  /** @internal Every step's input projection in one matmul, then the recurrent part at each step. */
  override sequenceSteps(sequence: Tensor, training: boolean): SequenceStep {
    const [batch, time] = sequence.shape;
    const prepared = this.prepare(batch, training);
    const projected = split(prepared.project(sequence), time, 1);
    const width = this.gateCount * this.units;
    return (index, states) => {
      const next = prepared.recur(reshape(projected[index], [batch, width]), states);
      return [next[0], next];
    };
  }

  /** @internal */
  override inputSteps(batch: number, training: boolean): InputStep {
    const prepared = this.prepare(batch, training);
    return (input, states) => {
      const next = prepared.recur(prepared.project(input), states);
      return [next[0], next];
    };
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
      seed: this.seed,
    };
  }

  /** How many blocks of `units` columns the kernels have (SimpleRNN 1, GRU 3, LSTM 4). */
  protected abstract get gateCount(): number;

  /** The recurrent part of a step: the new states (the first is the output) from the step's input projection (bias included). */
  protected abstract recur(projected: Tensor, states: Tensor[], stateMask: Tensor | null, recurrentWeights: Tensor[]): Tensor[];

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

  /** This call's dropout masks (in training) and recurrent weights. */
  private prepare(batch: number, training: boolean): PreparedCell {
    const features = this.kernel.shape[0];
    const inputMask = training && this.dropout > 0 && this.dropout < 1 ? this.inputDropout.apply(ones([batch, features]), { training: true }) : null;
    const stateMask = training && this.recurrentDropout > 0 && this.recurrentDropout < 1 ? this.stateDropout.apply(ones([batch, this.units]), { training: true }) : null;
    const recurrentWeights = this.prepareRecurrentWeights();
    const bias = this.inputBias();
    return {
      project: (x) => {
        const input = x.dtype === 'float32' ? x : cast(x, 'float32');
        const dropped = inputMask ? input.mul(x.rank === 3 ? reshape(inputMask, [batch, 1, features]) : inputMask) : input;
        return dense(dropped, this.kernel, bias);
      },
      recur: (projected, states) => this.recur(projected, states, stateMask, recurrentWeights),
    };
  }

  private checkStepInputs(input: Tensor, states: Tensor[]): void {
    const features = this.built ? this.kernel.shape[0] : input.shape.at(-1);
    if (input.rank !== 2 || input.shape[1] !== features) {
      throw new Error(`Input 0 of cell "${this.name}" is incompatible with the cell: expected a step input of shape (batch, ${features}). Received: ${formatSymbolicShape([...input.shape])}`);
    }
    const sizes = typeof this.stateSize === 'number' ? [this.stateSize] : this.stateSize;
    const expected = sizes.map((size) => formatSymbolicShape([input.shape[0], size]));
    if (states.length !== sizes.length || states.some((s, k) => formatSymbolicShape([...s.shape]) !== expected[k])) {
      throw new Error(`Invalid states for cell "${this.name}". Expected ${sizes.length} of shape ${expected.join(', ')}. Received: ${states.length} of shape ${states.map((s) => formatSymbolicShape([...s.shape])).join(', ') || 'none'}`);
    }
  }
}

/**
 * The cell of SimpleRNN, one step of `h = activation(x·kernel + h·recurrentKernel + bias)`; the
 * output is `h`, the state `[h]` (stateSize = units). Arguments as SimpleRNN's cell options:
 * `units`; `activation` ('tanh'); `useBias` (true); `kernelInitializer` ('glorotUniform'),
 * `recurrentInitializer` ('orthogonal'), `biasInitializer` ('zeros'); the regularizers and
 * constraints of the three weights; `dropout`, `recurrentDropout` (0); `seed`. Weights: `kernel`
 * [features, units], `recurrent_kernel` [units, units], `bias` [units].
 *
 * @example
 * const rnn = new RNN({ cell: new SimpleRNNCell({ units: 4 }) });
 * rnn.apply(ops.ones([32, 10, 8])).shape;                      // [32, 4]
 */
export class SimpleRNNCell extends RecurrentCell {
  get stateSize(): number {
    return this.units;
  }

  protected get gateCount(): number {
    return 1;
  }

  protected recur(projected: Tensor, [previous]: Tensor[], stateMask: Tensor | null, [recurrentKernel]: Tensor[]): Tensor[] {
    const state = stateMask ? previous.mul(stateMask) : previous;
    return [this.activation(projected.add(matmul(state, recurrentKernel)))];
  }
}

/** GRUCell and LSTMCell: the cells with gates and their `recurrentActivation` (default sigmoid). */
abstract class GatedCell extends RecurrentCell {
  readonly recurrentActivation: ActivationFn;

  constructor(args: GatedCellArgs) {
    super(args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: serializeActivation(this.recurrentActivation) };
  }
}

/**
 * The cell of GRU (Cho et al. 2014) with Keras's gate order z (update), r (reset), h (candidate)
 * in the kernels' columns: `z = σ(xz + hz)`, `r = σ(xr + hr)`, `h' = tanh(xh + r ⊙ hh)`,
 * `h = z ⊙ h + (1 − z) ⊙ h'`, where with `resetAfter` (default, as cuDNN) `hz, hr, hh` are the
 * blocks of `h·recurrentKernel + recurrentBias` and the bias is [2, 3 units] (input bias, recurrent
 * bias); without it the candidate uses `(r ⊙ h)·recurrentKernel_h` and the bias is [3 units].
 * stateSize = units. Arguments: those of SimpleRNNCell, and `recurrentActivation` ('sigmoid'),
 * `resetAfter` (true).
 *
 * @example
 * const rnn = new RNN({ cell: new GRUCell({ units: 4 }), returnSequences: true });
 */
export class GRUCell extends GatedCell {
  readonly resetAfter: boolean;

  constructor(args: GRUCellArgs) {
    super(args);
    this.resetAfter = checkBoolean('resetAfter', args.resetAfter, true);
  }

  get stateSize(): number {
    return this.units;
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

  protected recur(projected: Tensor, [previous]: Tensor[], stateMask: Tensor | null, recurrentWeights: Tensor[]): Tensor[] {
    const units = this.units;
    const state = stateMask ? previous.mul(stateMask) : previous;
    const [inputGates, inputCandidate] = split(projected, [2 * units], 1);
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
 * The cell of LSTM (Hochreiter & Schmidhuber 1997) with Keras's gate order i (input), f (forget),
 * c (cell candidate), o (output) in the kernels' columns: with
 * `[i, f, g, o] = x·kernel + h·recurrentKernel + bias`, `c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)` and
 * `h = σ(o) ⊙ tanh(c)`; the output is `h`, the states `[h, c]` (stateSize = [units, units]).
 * Arguments: those of SimpleRNNCell, and `recurrentActivation` ('sigmoid'), `unitForgetBias`
 * (true: the forget gate's bias starts at 1, the rest from `biasInitializer`).
 *
 * @example
 * const cell = new LSTMCell({ units: 4 });
 * const [h, c] = [ops.zeros([32, 4]), ops.zeros([32, 4])];
 * cell.apply([ops.ones([32, 8])]);                              // builds it
 * const [output, [h1, c1]] = cell.step(ops.ones([32, 8]), [h, c]);
 */
export class LSTMCell extends GatedCell {
  readonly unitForgetBias: boolean;

  constructor(args: LSTMCellArgs) {
    super(args);
    this.unitForgetBias = checkBoolean('unitForgetBias', args.unitForgetBias, true);
  }

  get stateSize(): number[] {
    return [this.units, this.units];
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

  protected recur(projected: Tensor, [previousOutput, previousCell]: Tensor[], stateMask: Tensor | null, [recurrentKernel]: Tensor[]): Tensor[] {
    const units = this.units;
    const state = stateMask ? previousOutput.mul(stateMask) : previousOutput;
    const preactivation = projected.add(matmul(state, recurrentKernel));
    // The gate activation over all four blocks, then the candidate block's own activation: fewer ops than four slices.
    const [inputGate, forgetGate, , outputGate] = split(this.recurrentActivation(preactivation), 4, 1);
    const candidate = this.activation(slice(preactivation, [0, 2 * units], [-1, units]));
    const cell = forgetGate.mul(previousCell).add(inputGate.mul(candidate));
    return [outputGate.mul(this.activation(cell)), cell];
  }
}

/**
 * @internal Keras's LSTM bias initializer with unitForgetBias (the LSTM cell's and the ConvLSTM
 * cell's): biasInitializer, ones for the forget gate, biasInitializer, for 4 gates of `units`.
 */
export class UnitForgetBias extends Initializer {
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

/** @internal A boolean option, or its default; Keras's message otherwise. */
export function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`Invalid value for argument ${name}. Expected a boolean. Received: ${name}=${String(value)}`);
  return value;
}
