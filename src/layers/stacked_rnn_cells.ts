// StackedRNNCells (keras/src/layers/rnn/stacked_rnn_cells.py): a list of RNN cells that behaves
// as one cell, each cell's output the next one's input at the same time step, so one RNN runs a
// stack of recurrent layers in a single time loop.

import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { isShapeList } from './layer_utils';
import { deserializeNested, serializeNested } from './nested_layers';
import { RNNCell, checkCell, initialStatesOf, inputStepsOf, outputSizeOf, sequenceStepsOf, stateSizesOf, type CellCallArgs, type CellOutput, type InputStep, type RNNCellLike, type SequenceStep } from './rnn_cell';
import type { Shape } from './symbolic';

export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, first to last: RNNCells (SimpleRNNCell, GRUCell, LSTMCell, yours) or objects following the cell contract. */
  cells: Array<RNNCell | RNNCellLike>;
}

/**
 * Runs cells one after the other at each time step: the first gets the step's input, each next
 * one the previous one's output; the output is the last cell's. The states are every cell's
 * states in order, flat (Keras nests them per cell): `stateSize` of an LSTMCell then a GRUCell is
 * [units₁, units₁, units₂], and an RNN with `returnState` returns `[output, h₁, c₁, h₂]`.
 * The cells are saved in the config (their classes registered).
 *
 * @example
 * const cells = new StackedRNNCells({ cells: [new LSTMCell({ units: 8 }), new LSTMCell({ units: 8 })] });
 * new RNN({ cell: cells }).apply(ops.ones([3, 5, 2])).shape;   // [3, 8]
 */
export class StackedRNNCells extends RNNCell {
  readonly cells: Array<RNNCell | RNNCellLike>;

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    const cells = args?.cells;
    if (!Array.isArray(cells) || cells.length === 0) {
      throw new Error(`Invalid value for argument cells of StackedRNNCells. Expected a non-empty list of RNN cells. Received: cells=${Array.isArray(cells) ? '[]' : String(cells)}`);
    }
    cells.forEach((cell, i) => checkCell(cell, `cells[${i}]`));
    this.cells = [...cells];
  }

  /** Every cell's state sizes, in order. */
  get stateSize(): number[] {
    return this.cells.flatMap((cell) => stateSizesOf(cell));
  }

  override get outputSize(): number {
    return outputSizeOf(this.cells[this.cells.length - 1]);
  }

  /** Every cell's initial states (its getInitialState, or zeros), in order. */
  override getInitialState(batchSize: number): Tensor[] {
    return this.cells.flatMap((cell, i) => initialStatesOf(cell, batchSize, `Cell ${i} of StackedRNNCells "${this.name}"`));
  }

  /** Builds each cell for its input: the step's input for the first, the previous cell's output for the others. */
  override build(inputShape: Shape | Shape[]): void {
    let input = isShapeList(inputShape) ? inputShape[0] : inputShape;
    for (const cell of this.cells) {
      if (cell instanceof Layer && !cell.built) cell.buildOnce(input);
      input = [input[0], outputSizeOf(cell)];
    }
  }

  step(input: Tensor, states: Tensor[], args: CellCallArgs = {}): CellOutput {
    return this.inputSteps(input.shape[0], args.training === true)(input, states);
  }

  /** @internal The first cell steps over the sequence (the built-in cells project it in one matmul); the others over their predecessor's outputs. */
  override sequenceSteps(sequence: Tensor, training: boolean): SequenceStep {
    const [first, ...rest] = this.cells;
    return this.chain(sequenceStepsOf(first, sequence, training), rest, sequence.shape[0], training);
  }

  /** @internal */
  override inputSteps(batch: number, training: boolean): InputStep {
    const [first, ...rest] = this.cells;
    return this.chain(inputStepsOf(first, batch, training), rest, batch, training);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map((cell, i) => serializeNested(asLayer(cell, i))) };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    const cells = config.cells;
    if (!Array.isArray(cells)) throw new Error(`Invalid value for argument cells of StackedRNNCells. Expected a list of cell configs. Received: cells=${String(cells)}`);
    return new this({ ...config, cells: cells.map((cell, i) => deserializeNested(cell, `cells[${i}]`)) } as never);
  }

  /** A step of the stack from the first cell's step (on a time index or an input) and the other cells. */
  private chain<I>(firstStep: (input: I, states: Tensor[]) => [Tensor, Tensor[]], rest: Array<RNNCell | RNNCellLike>, batch: number, training: boolean): (input: I, states: Tensor[]) => [Tensor, Tensor[]] {
    const counts = this.cells.map((cell) => stateSizesOf(cell).length);
    const steps = rest.map((cell) => inputStepsOf(cell, batch, training));
    return (input, states) => {
      let offset = counts[0];
      let [output, newStates] = firstStep(input, states.slice(0, offset));
      const allStates = [...newStates];
      steps.forEach((step, k) => {
        [output, newStates] = step(output, states.slice(offset, offset + counts[k + 1]));
        offset += counts[k + 1];
        allStates.push(...newStates);
      });
      return [output, allStates];
    };
  }
}

function asLayer(cell: RNNCell | RNNCellLike, index: number): Layer {
  if (cell instanceof Layer) return cell;
  throw new Error(`Cannot serialize StackedRNNCells: cells[${index}] is not a layer; only registered layer cells (RNNCell subclasses) can be saved.`);
}
