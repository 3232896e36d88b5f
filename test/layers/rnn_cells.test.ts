// The generic RNN layer and its cells: RNN over SimpleRNNCell, GRUCell and LSTMCell equals the
// matching layer with the same weights; StackedRNNCells equals the stacked layers; a custom
// RNNCell subclass and a plain object following Keras's cell contract against a float64
// reference; initial states from a cell's getInitialState; a cell's single step; gradients by
// finite differences; configs, save and load with built-in, stacked and registered custom cells;
// and the errors of bad cells.

import { describe, expect, it } from 'vitest';
import { Input, Model, ones, ops, tensor, type LayerArgs, type Shape, type SymbolicTensor, type Tensor } from '../../src/node';
import type { Variable } from '../../src/autograd/variable';
import { Bidirectional, GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, SimpleRNN, SimpleRNNCell, StackedRNNCells, deserializeLayer, registerLayer, type RNNCellLike } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** Keras's MinimalRNNCell (the RNN docstring), with a tanh: output = tanh(x·kernel + h·recurrentKernel), states [output]. */
class MinimalRNNCell extends RNNCell {
  readonly stateSize: number;
  kernel!: Variable;
  recurrentKernel!: Variable;

  constructor(args: { units: number } & LayerArgs) {
    super(args);
    this.stateSize = args.units;
  }

  override build([, features]: Shape): void {
    this.kernel = this.addWeight({ name: 'kernel', shape: [features!, this.stateSize], initializer: 'glorotUniform' });
    this.recurrentKernel = this.addWeight({ name: 'recurrent_kernel', shape: [this.stateSize, this.stateSize], initializer: 'glorotUniform' });
  }

  step(input: Tensor, [previous]: Tensor[]): [Tensor, Tensor[]] {
    const output = ops.tanh(ops.matmul(input, this.kernel).add(ops.matmul(previous, this.recurrentKernel)));
    return [output, [output]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.stateSize };
  }
}
registerLayer(MinimalRNNCell);

const B = 2;
const T = 4;
const F = 3;
const U = 2;

/** The reference of MinimalRNNCell in float64: outputs in processing order [batch][step][units] and the final state. */
function minimalReference(x: number[], kernel: number[], recurrent: number[], goBackwards: boolean, start = 0): { outputs: number[][][]; last: number[][] } {
  const outputs: number[][][] = [];
  for (let b = 0; b < B; b++) {
    let h = new Array<number>(U).fill(start);
    const steps: number[][] = [];
    for (let k = 0; k < T; k++) {
      const t = goBackwards ? T - 1 - k : k;
      h = Array.from({ length: U }, (_, j) => {
        let z = 0;
        for (let i = 0; i < F; i++) z += x[(b * T + t) * F + i] * kernel[i * U + j];
        for (let i = 0; i < U; i++) z += h[i] * recurrent[i * U + j];
        return Math.tanh(z);
      });
      steps.push(h);
    }
    outputs.push(steps);
  }
  return { outputs, last: outputs.map((steps) => steps[T - 1]) };
}

async function values(t: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all([t].flat().map(async (x) => Array.from(await x.data())));
}

/** A batch whose second sequence is padded over its last step, and its mask. */
function maskedInput(seed: number): { x: Tensor; mask: Tensor } {
  return { x: tensor(seededValues(B * T * F, seed), [B, T, F]), mask: tensor([1, 1, 1, 1, 1, 1, 1, 0], [B, T], 'int32') };
}

describe('RNN over a built-in cell', () => {
  const pairs: Array<[string, () => RNN, () => RNN]> = [
    ['SimpleRNNCell', () => new SimpleRNN({ units: U, returnSequences: true, returnState: true, goBackwards: true }), () => new RNN({ cell: new SimpleRNNCell({ units: U }), returnSequences: true, returnState: true, goBackwards: true })],
    ['GRUCell', () => new GRU({ units: U, returnSequences: true, returnState: true }), () => new RNN({ cell: new GRUCell({ units: U }), returnSequences: true, returnState: true })],
    ['GRUCell (resetAfter false)', () => new GRU({ units: U, resetAfter: false, returnState: true }), () => new RNN({ cell: new GRUCell({ units: U, resetAfter: false }), returnState: true })],
    ['LSTMCell', () => new LSTM({ units: U, returnSequences: true, returnState: true, goBackwards: true }), () => new RNN({ cell: new LSTMCell({ units: U }), returnSequences: true, returnState: true, goBackwards: true })],
  ];
  for (const [name, makeLayer, makeRnn] of pairs) {
    it(
      `${name}: equals the layer with the same weights, with a mask and initial states`,
      onBothBackends(async () => {
        const { x, mask } = maskedInput(3);
        const [layer, rnn] = [makeLayer(), makeRnn()];
        layer.apply(x);
        rnn.apply(x);
        expect(rnn.weights.map((w) => w.shape)).toEqual(layer.weights.map((w) => w.shape));
        rnn.setWeights(layer.getWeights());
        expect(await values(rnn.apply([x]))).toEqual(await values(layer.apply([x])));
        expect(await values(rnn.apply([x], { mask }))).toEqual(await values(layer.apply([x], { mask })));
        const states = layer.stateSizes.map((size, k) => tensor(seededValues(B * size, 20 + k), [B, size]));
        expect(await values(rnn.apply([x, ...states]))).toEqual(await values(layer.apply([x, ...states])));
      }),
    );
  }
});

describe('StackedRNNCells', () => {
  it(
    'equals the stacked layers with the same weights; states are every cell\'s, flat, in order',
    onBothBackends(async () => {
      const { x, mask } = maskedInput(4);
      const stacked = new RNN({ cell: [new LSTMCell({ units: 3 }), new GRUCell({ units: U })], returnSequences: true, returnState: true });
      const first = new LSTM({ units: 3, returnSequences: true, returnState: true });
      const second = new GRU({ units: U, returnSequences: true, returnState: true });
      expect(stacked.cell).toBeInstanceOf(StackedRNNCells);
      expect(stacked.stateSizes).toEqual([3, 3, U]);
      const run = (options = {}) => {
        const [sequence, h, c] = first.apply([x], options) as Tensor[];
        const [output, g] = second.apply([sequence], options) as Tensor[];
        return [output, h, c, g];
      };
      run();
      stacked.apply(x);
      stacked.setWeights([...first.getWeights(), ...second.getWeights()]);
      expect(await values(stacked.apply([x]))).toEqual(await values(run()));
      expect(await values(stacked.apply([x], { mask }))).toEqual(await values(run({ mask })));
      const [output, ...states] = stacked.apply([x]) as Tensor[];
      expect([output.shape, ...states.map((s) => s.shape)]).toEqual([[B, T, U], [B, 3], [B, 3], [B, U]]);
    }),
  );

  it('has tape gradients matching finite differences (an LSTMCell feeding a SimpleRNNCell)', async () => {
    const init = (seed: number) => ({ className: 'RandomUniform', config: { minval: -0.6, maxval: 0.6, seed } });
    const make = () => new RNN({ cell: new StackedRNNCells({ cells: [new LSTMCell({ units: 2, kernelInitializer: init(1), recurrentInitializer: init(2) }), new SimpleRNNCell({ units: 2, kernelInitializer: init(3), recurrentInitializer: init(4) })] }), returnSequences: true });
    expect(await layerGradCheck(make, [1, 3, 2], seededValues(6, 9))).toBe('ok');
  });
});

describe('custom cells', () => {
  it(
    'an RNNCell subclass matches the float64 reference (returnSequences, returnState, goBackwards)',
    onBothBackends(async () => {
      const xValues = seededValues(B * T * F, 6);
      const x = tensor(xValues, [B, T, F]);
      for (const goBackwards of [false, true]) {
        const cell = new MinimalRNNCell({ units: U });
        const rnn = new RNN({ cell, returnSequences: true, returnState: true, goBackwards });
        rnn.apply(x);
        expect(rnn.weights).toEqual([cell.kernel, cell.recurrentKernel]);
        const expected = minimalReference(xValues, Array.from(await cell.kernel.data()), Array.from(await cell.recurrentKernel.data()), goBackwards);
        const [outputs, state] = rnn.apply([x]) as Tensor[];
        expectClose(await outputs.data(), expected.outputs.flat(2));
        expectClose(await state.data(), expected.last.flat());
      }
    }),
  );

  it(
    "a plain object following Keras's contract (call(input, states) → [output, newStates], two states) matches the float64 reference",
    onBothBackends(async () => {
      const xValues = seededValues(B * T * F, 7);
      const [kernel, recurrent] = [seededValues(F * U, 8), seededValues(U * U, 9)];
      const [kernelTensor, recurrentTensor] = [tensor(kernel, [F, U]), tensor(recurrent, [U, U])];
      // A second state of size F sums the inputs.
      const cell: RNNCellLike = {
        stateSize: [U, F],
        call(input, [h, total]) {
          const output = ops.tanh(ops.matmul(input, kernelTensor).add(ops.matmul(h, recurrentTensor)));
          return [output, [output, total.add(input)]];
        },
      };
      const [last, h, total] = new RNN({ cell, returnState: true }).apply([tensor(xValues, [B, T, F])]) as Tensor[];
      const expected = minimalReference(xValues, kernel, recurrent, false);
      expectClose(await last.data(), expected.last.flat());
      expectClose(await h.data(), expected.last.flat());
      const sums = Array.from({ length: B * F }, (_, k) => [0, 1, 2, 3].reduce((s, t) => s + xValues[(Math.floor(k / F) * T + t) * F + (k % F)], 0));
      expectClose(await total.data(), sums);
    }),
  );

  it("an RNNCell subclass sets its output size in its constructor (Keras's self.output_size): the RNN's outputs have it", async () => {
    /** MinimalRNNCell whose output is the state's first unit alone. */
    class FirstUnitCell extends MinimalRNNCell {
      constructor(args: { units: number } & LayerArgs) {
        super(args);
        this.outputSize = 1;
      }
      override step(input: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
        const [output, newStates] = super.step(input, states);
        return [ops.slice(output, [0, 0], [B, 1]), newStates];
      }
    }
    const xValues = seededValues(B * T * F, 12);
    const cell = new FirstUnitCell({ units: U });
    expect(cell.outputSize).toBe(1);
    expect(new MinimalRNNCell({ units: U }).outputSize).toBe(U);
    const rnn = new RNN({ cell, returnSequences: true });
    expect(rnn.apply(Input({ batchShape: [B, T, F] })).shape).toEqual([B, T, 1]);
    const outputs = rnn.apply(tensor(xValues, [B, T, F])) as Tensor;
    const expected = minimalReference(xValues, Array.from(await cell.kernel.data()), Array.from(await cell.recurrentKernel.data()), false);
    expectClose(await outputs.data(), expected.outputs.flat(1).map((units) => units[0]));
  });

  it('has tape gradients matching finite differences (input and both weights)', async () => {
    const make = () => new RNN({ cell: new MinimalRNNCell({ units: U }), returnSequences: true });
    expect(await layerGradCheck(make, [B, 3, F], seededValues(B * 3 * F, 11))).toBe('ok');
  });
});

/** MinimalRNNCell starting from ones: Keras's `get_initial_state` overridden. */
class OnesStartCell extends MinimalRNNCell {
  override getInitialState(batchSize: number): Tensor {
    return ones([batchSize, this.stateSize]);
  }
}

describe("a cell's initial state (Keras's get_initial_state)", () => {
  it(
    'is where RNN starts without given states, stateful or not, and RNN.getInitialState returns it',
    onBothBackends(async () => {
      const xValues = seededValues(B * T * F, 12);
      const x = tensor(xValues, [B, T, F]);
      const cell = new OnesStartCell({ units: U });
      const rnn = new RNN({ cell, returnSequences: true });
      const outputs = rnn.apply(x) as Tensor;
      const expected = minimalReference(xValues, Array.from(await cell.kernel.data()), Array.from(await cell.recurrentKernel.data()), false, 1);
      expectClose(await outputs.data(), expected.outputs.flat(2));
      expect(await values(rnn.getInitialState(3))).toEqual([new Array(3 * U).fill(1)]);
      // A stateful RNN's states start there too (resetState sets zeros, as Keras's reset_state).
      const statefulCell = new OnesStartCell({ units: U });
      const stateful = new RNN({ cell: statefulCell, stateful: true, batchInputShape: [B, T, F] });
      const first = stateful.apply(x) as Tensor;
      const reference = minimalReference(xValues, Array.from(await statefulCell.kernel.data()), Array.from(await statefulCell.recurrentKernel.data()), false, 1);
      expectClose(await first.data(), reference.last.flat());
    }),
  );

  it('is zeros for the built-in cells and plain cells without one; StackedRNNCells lists its cells\' states; a wrong one is an error naming the cell', async () => {
    const lstm = new LSTMCell({ units: 3 });
    expect(await values(lstm.getInitialState(2))).toEqual([new Array(6).fill(0), new Array(6).fill(0)]);
    const plain: RNNCellLike = { stateSize: 2, call: (_input, [h]) => [h, [h]], getInitialState: (batch) => ones([batch, 2]).mul(5) };
    expect(await values(new RNN({ cell: plain }).getInitialState(1))).toEqual([[5, 5]]);
    const stacked = new StackedRNNCells({ cells: [new OnesStartCell({ units: U }), new SimpleRNNCell({ units: 3 })] });
    expect((await values(stacked.getInitialState(2))).map((v) => v.length)).toEqual([2 * U, 6]);
    expect(await values(new RNN({ cell: stacked }).getInitialState(2))).toEqual([new Array(2 * U).fill(1), new Array(6).fill(0)]);
    const wrong: RNNCellLike = { stateSize: [2, 3], call: (_input, states) => [states[0], states], getInitialState: (batch) => [ones([batch, 2])] };
    expect(() => new RNN({ cell: wrong, name: 'rnn_wrong' }).apply(tensor(seededValues(B * T * F, 13), [B, T, F]))).toThrow(
      'The cell of layer "rnn_wrong" returned invalid initial states from getInitialState(2): expected 2 tensors of shape [2,2], [2,3], got [2,2].',
    );
  });
});

describe('a cell alone', () => {
  it('computes one step with step(input, states), and as a layer with apply([input, ...states])', async () => {
    const cell = new LSTMCell({ units: U });
    const input = tensor(seededValues(B * F, 12), [B, F]);
    const [h, c] = [0, 1].map((k) => tensor(seededValues(B * U, 13 + k), [B, U]));
    const layerForm = cell.apply([input, h, c]) as Tensor[];
    expect(layerForm.map((t) => t.shape)).toEqual([[B, U], [B, U], [B, U]]);
    const [output, states] = cell.step(input, [h, c]);
    expect(await values([output, ...states])).toEqual(await values(layerForm));
    // One step of LSTM over a sequence of length 1 from the same states.
    const lstm = new LSTM({ units: U, returnState: true });
    lstm.apply(input.reshape([B, 1, F]));
    lstm.setWeights(cell.getWeights());
    expect(await values(lstm.apply([input.reshape([B, 1, F]), h, c]))).toEqual(await values(layerForm));
    expect(() => cell.step(input, [h])).toThrow(`Invalid states for cell "${cell.name}". Expected 2 of shape (2, 2), (2, 2). Received: 1 of shape (2, 2)`);
    expect(() => cell.step(ops.ones([B, 5]), [h, c])).toThrow('expected a step input of shape (batch, 3). Received: (2, 5)');
  });
});

describe('serialization', () => {
  it('round-trips RNN configs with built-in, stacked and registered custom cells', () => {
    const layers = [
      new RNN({ cell: new LSTMCell({ units: 3, unitForgetBias: false, dropout: 0.1 }), returnSequences: true, goBackwards: true }),
      new RNN({ cell: new StackedRNNCells({ cells: [new GRUCell({ units: 2, resetAfter: false }), new SimpleRNNCell({ units: 4, activation: 'relu' })] }), returnState: true, unroll: true }),
      new RNN({ cell: new MinimalRNNCell({ units: 5 }) }),
    ];
    for (const layer of layers) {
      const config = layer.getConfig();
      const restored = deserializeLayer({ className: 'RNN', config }) as RNN;
      expect(restored.getConfig()).toEqual(config);
      expect(restored.cell.constructor).toBe(layer.cell.constructor);
    }
    expect(layers[0].getConfig().cell).toMatchObject({ className: 'LSTMCell', config: { units: 3, unitForgetBias: false, dropout: 0.1 } });
    expect(layers[1].getConfig().cell).toMatchObject({ className: 'StackedRNNCells', config: { cells: [{ className: 'GRUCell', config: { resetAfter: false } }, { className: 'SimpleRNNCell', config: { activation: 'relu' } }] } });
    expect(layers[2].getConfig().cell).toMatchObject({ className: 'MinimalRNNCell', config: { units: 5 } });
  });

  it('a functional model with RNN over stacked and custom cells, and a Bidirectional RNN, saves and loads with identical predictions', async () => {
    const input = Input({ shape: [null, F] });
    const stacked = new RNN({ cell: [new LSTMCell({ units: 3 }), new GRUCell({ units: 3 })], returnSequences: true }).apply(input);
    const custom = new RNN({ cell: new MinimalRNNCell({ units: U }), returnSequences: true }).apply(stacked as SymbolicTensor);
    const both = new Bidirectional({ layer: new RNN({ cell: new SimpleRNNCell({ units: U }) }) }).apply(custom as SymbolicTensor);
    const model = new Model({ inputs: input, outputs: both });
    await model.save('memory://rnn-cells');
    const restored = await loadModel('memory://rnn-cells');
    expect(restored.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    const x = tensor(seededValues(B * T * F, 14), [B, T, F]);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://rnn-cells');
  });

  it('a Bidirectional RNN over cells trains and saves with its optimizer: the weights of the two directions have distinct names', async () => {
    const input = Input({ shape: [T, F] });
    const model = new Model({ inputs: input, outputs: new Bidirectional({ layer: new RNN({ cell: [new LSTMCell({ units: 2 }), new GRUCell({ units: 2 })] }) }).apply(input) as SymbolicTensor });
    const names = model.weights.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.some((n) => n.startsWith('backward_'))).toBe(true);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = tensor(seededValues(B * T * F, 21), [B, T, F]);
    await model.fit(x, ops.zeros([B, 4]), { epochs: 1, verbose: 0 });
    await model.save('memory://bidirectional-cells');
    const restored = await loadModel('memory://bidirectional-cells');
    expect(restored.weights.map((w) => w.name)).toEqual(names);
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://bidirectional-cells');
  });

  it('refuses to save a cell that is not a registered layer', () => {
    class UnregisteredCell extends MinimalRNNCell {}
    expect(() => new RNN({ cell: new UnregisteredCell({ units: 2 }) }).getConfig()).toThrow('its class UnregisteredCell is not registered. Call registerLayer(UnregisteredCell)');
    const plain: RNNCellLike = { stateSize: 2, call: (input, states) => [input, states] };
    expect(() => new RNN({ cell: plain, name: 'plain_cell' }).getConfig()).toThrow("Cannot serialize layer 'plain_cell': its cell is not a layer");
  });
});

describe('errors', () => {
  it('checks the options of cells run by RNN and StackedRNNCells, as those of an applied layer', () => {
    const x = ops.zeros([2, 3, 4]);
    expect(() => new RNN({ cell: new SimpleRNNCell({ units: 2, activaton: 'relu' } as never) }).apply(x)).toThrow(/SimpleRNNCell '.*': unknown option 'activaton'/);
    const stacked = new StackedRNNCells({ cells: [new GRUCell({ units: 2 }), new LSTMCell({ units: 2, recurentDropout: 0.1 } as never)] });
    expect(() => new RNN({ cell: stacked }).apply(x)).toThrow(/LSTMCell '.*': unknown option 'recurentDropout'/);
  });

  it('rejects bad cells with Keras-style messages, and a cell returning the wrong states when it runs', () => {
    expect(() => new RNN({ cell: {} as never })).toThrow('Argument `cell` should have a `call` method');
    expect(() => new RNN({ cell: { call: () => [] } as never })).toThrow('The RNN cell should have a `stateSize` attribute (a positive integer, or a list of positive integers, one per RNN state). Received: cell.stateSize=undefined');
    expect(() => new RNN({ cell: { stateSize: [2, 0], call: () => [] } as never })).toThrow('Received: cell.stateSize=[2,0]');
    expect(() => new RNN({ cell: [] })).toThrow('Invalid value for argument cells of StackedRNNCells. Expected a non-empty list of RNN cells. Received: cells=[]');
    expect(() => new StackedRNNCells({ cells: [new LSTMCell({ units: 2 }), {} as never] })).toThrow('Argument `cells[1]` should have a `call` method');
    const wrongStates: RNNCellLike = { stateSize: [2, 2], call: (_input, [h]) => [h, [h]] };
    expect(() => new RNN({ cell: wrongStates }).apply(ops.ones([1, 2, 3]))).toThrow('The RNN cell returned 1 state of shape (1, 2); expected 2 (stateSize): (1, 2), (1, 2).');
    const wrongOutput: RNNCellLike = { stateSize: 2, outputSize: 3, call: (_input, [h]) => [h, [h]] };
    expect(() => new RNN({ cell: wrongOutput }).apply(ops.ones([1, 2, 3]))).toThrow('returned an output of shape (1, 2); expected (batch, outputSize) = (1, 3).');
    expect(() => new RNN({ cell: new GRUCell({ units: 2 }), statful: true } as never).apply(ops.ones([1, 2, 3]))).toThrow("unknown option 'statful'");
  });
});
