// The RNN cell contract (keras/src/layers/rnn/rnn.py): what RNN runs at every time step. A cell
// has `stateSize` (one size, or one per state), an optional `outputSize`, and computes one step
// from the step's input [batch, features] and the states [batch, size] each, returning
// [output, newStates]. Plain objects follow Keras's contract as is (`call(input, states)`); a
// layer subclass extends RNNCell and implements `step(input, states)`, because a Layer's `call`
// has the layer signature (`cell.apply([input, ...states])` gives [output, ...newStates]). This
// file also turns any cell into the step functions RNN's time loop calls, checking what a user
// cell returns.

import { zeros } from '../ops/creation';
import { cast } from '../ops/elementwise';
import { reshape, split } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs } from './layer';
import { formatSymbolicShape } from './symbolic';

/** The options a cell's step receives. */
export interface CellCallArgs {
  /** Training mode (dropout in the built-in cells). */
  training?: boolean;
}

/** A step's result: [output, newStates] as Keras, or [output, newState] for one state. */
export type CellOutput = [Tensor, Tensor[] | Tensor];

/**
 * Keras's RNN cell contract, for a cell that is not an RNNCell (a plain object, or a JavaScript
 * layer whose `call` takes `(input, states)`).
 */
export interface RNNCellLike {
  /** Size of the state, or of each state (LSTM: [units, units]). */
  readonly stateSize: number | readonly number[];
  /** Size of the output (default: the first state's size). */
  readonly outputSize?: number;
  /** One step: the step's input [batch, features] and the states → [output, newStates]. */
  call(input: Tensor, states: Tensor[], args?: CellCallArgs): CellOutput;
  /** The states an RNN starts from when it is given none (default: zeros), [batchSize, size] each. */
  getInitialState?(batchSize: number): Tensor | Tensor[];
}

/** @internal The step at time index `index` of a prepared sequence: [output, newStates]. */
export type SequenceStep = (index: number, states: Tensor[]) => [Tensor, Tensor[]];

/** @internal One step from a given input: [output, newStates]. */
export type InputStep = (input: Tensor, states: Tensor[]) => [Tensor, Tensor[]];

/**
 * Base class of the RNN cells that are layers (SimpleRNNCell, GRUCell, LSTMCell,
 * StackedRNNCells, and yours): subclass it, set `stateSize`, make weights in `build(inputShape)`
 * (the step's input shape, [batch, features]), and implement `step`, Keras's cell `call`. Weights
 * of a cell given to RNN are the RNN's weights. As a layer, `cell.apply([input, ...states])`
 * returns `[output, ...newStates]`.
 *
 * @example
 * class MinimalRNNCell extends RNNCell {
 *   readonly stateSize: number; kernel!: Variable; recurrentKernel!: Variable;
 *   constructor(args: { units: number } & LayerArgs) { super(args); this.stateSize = args.units; }
 *   build([, features]: Shape) {
 *     this.kernel = this.addWeight({ name: 'kernel', shape: [features!, this.stateSize] });
 *     this.recurrentKernel = this.addWeight({ name: 'recurrent_kernel', shape: [this.stateSize, this.stateSize] });
 *   }
 *   step(input: Tensor, [previous]: Tensor[]): [Tensor, Tensor[]] {
 *     const output = ops.matmul(input, this.kernel).add(ops.matmul(previous, this.recurrentKernel));
 *     return [output, [output]];
 *   }
 *   getConfig() { return { ...super.getConfig(), units: this.stateSize }; }
 * }
 * const rnn = new layers.RNN({ cell: new MinimalRNNCell({ units: 32 }) });
 */
export abstract class RNNCell extends Layer {
  /** Size of the state, or of each state. */
  abstract readonly stateSize: number | readonly number[];

  private declaredOutputSize?: number;

  /**
   * Size of the output: the first state's size unless the cell sets another
   * (`this.outputSize = n` in its constructor, as Keras's `self.output_size = n`) or overrides this getter.
   */
  get outputSize(): number {
    return this.declaredOutputSize ?? stateSizesOf(this)[0];
  }

  set outputSize(size: number) {
    this.declaredOutputSize = size;
  }

  /** One step (Keras's cell `call`): the step's input [batch, features] and the states → [output, newStates]. */
  abstract step(input: Tensor, states: Tensor[], args?: CellCallArgs): CellOutput;

  /**
   * The states an RNN starts from when it is given none (Keras's `get_initial_state`): zeros of
   * [batchSize, size] per state. Override it for other starting states (made of ops; a learned
   * start is a weight broadcast to the batch).
   */
  getInitialState(batchSize: number): Tensor | Tensor[] {
    return stateSizesOf(this).map((size) => zeros([batchSize, size]));
  }

  /** As a layer: `[input, ...states]` → `[output, ...newStates]`. */
  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor[] {
    const [input, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    return tidy(() => {
      const [output, newStates] = checkedStep(this, this.step(input, states, { training: args.training === true }), input.shape[0]);
      return [output, ...newStates];
    });
  }

  /** @internal The steps over a whole sequence [batch, time, features]; the built-in cells project every step's input at once. */
  sequenceSteps(sequence: Tensor, training: boolean): SequenceStep {
    return stepsFromInputs(sequence, this.inputSteps(sequence.shape[0], training));
  }

  /** @internal The step on one input, prepared once per call (the built-in cells draw their dropout masks here). */
  inputSteps(batch: number, training: boolean): InputStep {
    return (input, states) => checkedStep(this, this.step(input, states, { training }), batch);
  }
}

/** Whether a value follows the cell contract: an RNNCell, or an object with `call` and `stateSize`. Throws Keras's errors otherwise. */
export function checkCell(cell: unknown, argument: string): asserts cell is RNNCell | RNNCellLike {
  if (cell instanceof RNNCell) return;
  const candidate = cell as Partial<RNNCellLike> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.call !== 'function') {
    throw new Error(`Argument \`${argument}\` should have a \`call\` method (an RNNCell, or an object with stateSize and call(input, states)). Received: ${argument}=${describeCell(cell)}`);
  }
  stateSizesOf(candidate as RNNCellLike, argument);
}

/** The cell's state sizes as a list (one entry per state), checked. */
export function stateSizesOf(cell: RNNCell | RNNCellLike, argument = 'cell'): number[] {
  const size = cell.stateSize;
  const sizes = typeof size === 'number' ? [size] : Array.isArray(size) ? [...(size as number[])] : null;
  if (sizes === null || sizes.length === 0 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(
      `The RNN cell should have a \`stateSize\` attribute (a positive integer, or a list of positive integers, one per RNN state). Received: ${argument}.stateSize=${JSON.stringify(size) ?? String(size)}`,
    );
  }
  return sizes;
}

/**
 * The states a cell starts from at `batchSize` without given ones: its `getInitialState`, checked
 * against its state sizes, or zeros for a cell without one. `owner` names the cell in errors.
 */
export function initialStatesOf(cell: RNNCell | RNNCellLike, batchSize: number, owner: string): Tensor[] {
  const sizes = stateSizesOf(cell);
  if (!cell.getInitialState) return sizes.map((size) => zeros([batchSize, size]));
  const given = cell.getInitialState(batchSize);
  const states = Array.isArray(given) ? given : [given];
  const expected = sizes.map((size) => `[${batchSize},${size}]`);
  const wrong = states.length !== sizes.length || states.some((s, i) => !(s instanceof Tensor) || s.shape.length !== 2 || s.shape[0] !== batchSize || s.shape[1] !== sizes[i]);
  if (wrong) {
    const got = states.map((s) => (s instanceof Tensor ? `[${s.shape.join(',')}]` : typeof s)).join(', ');
    throw new Error(`${owner} returned invalid initial states from getInitialState(${batchSize}): expected ${sizes.length} tensor${sizes.length > 1 ? 's' : ''} of shape ${expected.join(', ')}, got ${got || 'none'}.`);
  }
  return states.map((s) => (s.dtype === 'float32' ? s : cast(s, 'float32')));
}

/** The size of the cell's output: `outputSize`, or the first state's size. */
export function outputSizeOf(cell: RNNCell | RNNCellLike): number {
  const size = cell.outputSize ?? stateSizesOf(cell)[0];
  if (!Number.isInteger(size) || size <= 0) throw new Error(`The RNN cell's outputSize must be a positive integer. Received: outputSize=${String(size)}`);
  return size;
}

/** @internal The steps of a cell over a sequence, whichever kind of cell it is. */
export function sequenceStepsOf(cell: RNNCell | RNNCellLike, sequence: Tensor, training: boolean): SequenceStep {
  return cell instanceof RNNCell ? cell.sequenceSteps(sequence, training) : stepsFromInputs(sequence, inputStepsOf(cell, sequence.shape[0], training));
}

/** @internal The step of a cell on one input, whichever kind of cell it is. */
export function inputStepsOf(cell: RNNCell | RNNCellLike, batch: number, training: boolean): InputStep {
  if (cell instanceof RNNCell) return cell.inputSteps(batch, training);
  return (input, states) => checkedStep(cell, cell.call(input, states, { training }), batch);
}

/** The sequence's steps from a step on one input: step t reads the sequence's slice t. */
function stepsFromInputs(sequence: Tensor, step: InputStep): SequenceStep {
  const [batch, time, ...rest] = sequence.shape;
  const slices = split(sequence, time, 1);
  return (index, states) => step(reshape(slices[index], [batch, ...rest]), states);
}

/** A cell's step result as [output, newStates], checked against its output and state sizes. */
function checkedStep(cell: RNNCell | RNNCellLike, result: CellOutput, batch: number): [Tensor, Tensor[]] {
  const name = cell instanceof Layer ? `The RNN cell "${cell.name}"` : 'The RNN cell';
  if (!Array.isArray(result) || result.length !== 2 || !isTensor(result[0])) {
    throw new Error(`${name} must return [output, newStates] from a step. Received: ${Array.isArray(result) ? `a list of ${result.length}` : typeof result}`);
  }
  const [output, stateResult] = result;
  const states = Array.isArray(stateResult) ? stateResult : [stateResult];
  const sizes = stateSizesOf(cell);
  const outputShape = [batch, outputSizeOf(cell)];
  if (formatSymbolicShape([...output.shape]) !== formatSymbolicShape(outputShape)) {
    throw new Error(`${name} returned an output of shape ${formatSymbolicShape([...output.shape])}; expected (batch, outputSize) = ${formatSymbolicShape(outputShape)}.`);
  }
  const expected = sizes.map((size) => formatSymbolicShape([batch, size]));
  if (states.length !== sizes.length || states.some((s, k) => !isTensor(s) || formatSymbolicShape([...s.shape]) !== expected[k])) {
    const received = states.map((s) => (isTensor(s) ? formatSymbolicShape([...s.shape]) : typeof s)).join(', ');
    throw new Error(`${name} returned ${states.length} state${states.length === 1 ? '' : 's'} of shape ${received || 'none'}; expected ${sizes.length} (stateSize): ${expected.join(', ')}.`);
  }
  return [output, states];
}

function isTensor(value: unknown): value is Tensor {
  return value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance === true;
}

function describeCell(cell: unknown): string {
  if (cell instanceof Layer) return cell.toString();
  if (cell === null || typeof cell !== 'object') return String(cell);
  return `an object with keys ${Object.keys(cell).join(', ') || 'none'}`;
}
