// Weight constraints: each one's values against a float64 reference written here with plain loops
// from Keras's formulas, on the GPU and on the CPU backend; names in every spelling and configs;
// the layers' constraint options, their configs and the weights they constrain; training that
// keeps the constrained weights inside their bounds, replayed steps equal to eager ones, and
// clear errors for bad options.

import { describe, expect, it, vi } from 'vitest';
import { Input, Sequential, Variable, constraints, getBackend, layers, memory, ops, optimizers, tensor, type Layer, type Tensor } from '../../src/node';
import { deserializeLayer } from '../../src/layers/index';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** Keras's backend.epsilon(). */
const EPSILON = 1e-7;

type Axis = number | number[] | null;

/** Deterministic values in [-scale, scale), from a linear congruential generator. */
function sampleValues(count: number, seed: number, scale: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 2 * scale;
  });
}

/** For each element, the L2 norm (float64) of the slice of elements that share its coordinates off `axis`. */
function sliceNorms(values: readonly number[], shape: readonly number[], axis: Axis): number[] {
  const rank = shape.length;
  const reduced = axis === null ? shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const sliceOf = (flat: number) => shape.map((size, i) => (reduced.includes(i) ? 0 : Math.floor(flat / strides[i]) % size)).join(',');
  const sums = new Map<string, number>();
  values.forEach((v, i) => sums.set(sliceOf(i), (sums.get(sliceOf(i)) ?? 0) + v * v));
  return values.map((_, i) => Math.sqrt(sums.get(sliceOf(i))!));
}

const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** Keras's formulas, element by element in float64. */
const reference = {
  maxNorm(values: number[], shape: number[], maxValue: number, axis: Axis): number[] {
    const norms = sliceNorms(values, shape, axis);
    return values.map((v, i) => v * (clip(norms[i], 0, maxValue) / (EPSILON + norms[i])));
  },
  minMaxNorm(values: number[], shape: number[], minValue: number, maxValue: number, rate: number, axis: Axis): number[] {
    const norms = sliceNorms(values, shape, axis);
    return values.map((v, i) => v * ((rate * clip(norms[i], minValue, maxValue) + (1 - rate) * norms[i]) / (EPSILON + norms[i])));
  },
  unitNorm(values: number[], shape: number[], axis: Axis): number[] {
    const norms = sliceNorms(values, shape, axis);
    return values.map((v, i) => v / (EPSILON + norms[i]));
  },
  nonNeg(values: number[]): number[] {
    return values.map((v) => Math.max(v, 0));
  },
};

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (float64 reference)`);
    }
  }
}

/** A [5, 4] matrix whose columns have norms below 0.5, within [0.5, 2], above 2, and 0. */
function matrix(): { values: number[]; shape: number[] } {
  const base = sampleValues(20, 3, 1);
  const columnScale = [0.1, 0.6, 3, 0];
  return { values: base.map((v, i) => v * columnScale[i % 4]), shape: [5, 4] };
}

/** A [2, 2, 3, 4] kernel (conv-like) with filters of different norms. */
function kernel4d(): { values: number[]; shape: number[] } {
  const base = sampleValues(48, 11, 1);
  return { values: base.map((v, i) => v * [0.05, 0.4, 1, 2.5][i % 4]), shape: [2, 2, 3, 4] };
}

async function applied(constraint: constraints.Constraint, { values, shape }: { values: number[]; shape: number[] }): Promise<Float32Array> {
  const w = tensor(values, shape);
  const out = constraint.apply(w);
  expect(out.shape).toEqual(shape);
  const data = (await out.data()) as Float32Array;
  w.dispose();
  out.dispose();
  return data;
}

/** Runs `body` on WebGPU, then on the CPU backend, and checks that both ran. */
function onGpuAndCpu(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    const seen: string[] = [];
    await onBothBackends(async () => {
      seen.push(getBackend());
      await body();
    })();
    expect(seen).toEqual(['webgpu', 'cpu']);
  };
}

describe('constraint values against a float64 reference, on the GPU and the CPU backend', () => {
  it(
    'MaxNorm scales columns (axis 0), rows (axis 1, -1), filters (axis [0, 1, 2]) and the whole weight (null) down to maxValue',
    onGpuAndCpu(async () => {
      const m = matrix();
      expectClose(await applied(new constraints.MaxNorm(), m), reference.maxNorm(m.values, m.shape, 2, 0));
      expectClose(await applied(new constraints.MaxNorm({ maxValue: 0.5, axis: 1 }), m), reference.maxNorm(m.values, m.shape, 0.5, 1));
      expectClose(await applied(constraints.maxNorm(1, -1), m), reference.maxNorm(m.values, m.shape, 1, -1));
      expectClose(await applied(constraints.maxNorm(0.7, null), m), reference.maxNorm(m.values, m.shape, 0.7, null));
      const k = kernel4d();
      expectClose(await applied(constraints.maxNorm(1.5, [0, 1, 2]), k), reference.maxNorm(k.values, k.shape, 1.5, [0, 1, 2]));
      expectClose(await applied(constraints.maxNorm(0, [0, 1, 2]), k), reference.maxNorm(k.values, k.shape, 0, [0, 1, 2]));
    }),
  );

  it(
    'MinMaxNorm moves norms into [minValue, maxValue], fully (rate 1) or part of the way (rate < 1)',
    onGpuAndCpu(async () => {
      const m = matrix();
      expectClose(await applied(new constraints.MinMaxNorm(), m), reference.minMaxNorm(m.values, m.shape, 0, 1, 1, 0));
      expectClose(await applied(new constraints.MinMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.25, axis: 0 }), m), reference.minMaxNorm(m.values, m.shape, 0.5, 2, 0.25, 0));
      expectClose(await applied(constraints.minMaxNorm({ minValue: 1, maxValue: 1.2, axis: 1 }), m), reference.minMaxNorm(m.values, m.shape, 1, 1.2, 1, 1));
      const k = kernel4d();
      expectClose(await applied(constraints.minMaxNorm({ minValue: 0.8, maxValue: 1.1, rate: 0.5, axis: [0, 1, 2] }), k), reference.minMaxNorm(k.values, k.shape, 0.8, 1.1, 0.5, [0, 1, 2]));
    }),
  );

  it(
    'UnitNorm divides by epsilon + norm (a zero column stays zero)',
    onGpuAndCpu(async () => {
      const m = matrix();
      const columns = await applied(new constraints.UnitNorm(), m);
      expectClose(columns, reference.unitNorm(m.values, m.shape, 0));
      expect(Array.from(columns).filter((_, i) => i % 4 === 3).every((v) => v === 0)).toBe(true);
      expectClose(await applied(constraints.unitNorm(1), m), reference.unitNorm(m.values, m.shape, 1));
      const k = kernel4d();
      expectClose(await applied(constraints.unitNorm([0, 1, 2]), k), reference.unitNorm(k.values, k.shape, [0, 1, 2]));
      expectClose(await applied(constraints.unitNorm([-1, 0]), k), reference.unitNorm(k.values, k.shape, [-1, 0]));
    }),
  );

  it(
    'NonNeg zeroes the negative entries; the base Constraint returns its input',
    onGpuAndCpu(async () => {
      const m = matrix();
      expectClose(await applied(constraints.nonNeg(), m), reference.nonNeg(m.values));
      const k = kernel4d();
      expectClose(await applied(new constraints.NonNeg(), k), reference.nonNeg(k.values));
      const w = tensor([1, -2, 3], [3]);
      expect(new constraints.Constraint().apply(w)).toBe(w);
      w.dispose();
    }),
  );
});

describe('names and configs', () => {
  it('getConstraint takes Keras names in snake_case, camelCase and class-name spelling, { className, config }, and instances', () => {
    for (const [names, Cls] of [
      [['max_norm', 'maxNorm', 'MaxNorm'], constraints.MaxNorm],
      [['min_max_norm', 'minMaxNorm', 'MinMaxNorm'], constraints.MinMaxNorm],
      [['non_neg', 'nonNeg', 'NonNeg'], constraints.NonNeg],
      [['unit_norm', 'unitNorm', 'UnitNorm'], constraints.UnitNorm],
    ] as const) {
      for (const name of names) expect(constraints.getConstraint(name)).toBeInstanceOf(Cls);
    }
    expect(constraints.getConstraint('max_norm').getConfig()).toEqual({ maxValue: 2, axis: 0 });
    expect(constraints.getConstraint('min_max_norm').getConfig()).toEqual({ minValue: 0, maxValue: 1, rate: 1, axis: 0 });
    expect(constraints.getConstraint('unit_norm').getConfig()).toEqual({ axis: 0 });
    expect(constraints.getConstraint('non_neg').getConfig()).toEqual({});
    const fromObject = constraints.getConstraint({ className: 'MaxNorm', config: { maxValue: 3, axis: [0, 1, 2] } });
    expect(fromObject).toMatchObject({ className: 'MaxNorm', maxValue: 3, axis: [0, 1, 2] });
    const instance = new constraints.UnitNorm({ axis: 1 });
    expect(constraints.getConstraint(instance)).toBe(instance);
  });

  it('serializeConstraint gives { className, config } that getConstraint rebuilds, through JSON', () => {
    for (const c of [constraints.maxNorm(1.5, [0, 1]), constraints.minMaxNorm({ minValue: 0.1, maxValue: 0.9, rate: 0.5, axis: -1 }), constraints.nonNeg(), constraints.unitNorm(null)]) {
      const json = JSON.parse(JSON.stringify(constraints.serializeConstraint(c))) as { className: string; config: Record<string, unknown> };
      const rebuilt = constraints.getConstraint(json);
      expect(rebuilt.constructor).toBe(c.constructor);
      expect(constraints.serializeConstraint(rebuilt)).toEqual(json);
    }
    expect(constraints.serializeConstraint(constraints.maxNorm())).toEqual({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
  });

  it('a subclass is named after its class and applied like a built-in', async () => {
    class Halve extends constraints.Constraint {
      override apply(w: Tensor) {
        return w.mul(0.5);
      }
    }
    const halve = new Halve();
    expect(halve.className).toBe('Halve');
    expect(new constraints.Constraint().className).toBe('Constraint');
    const dense = new layers.Dense({ units: 2, kernelConstraint: halve });
    dense.apply(Input({ shape: [3] }));
    expect(dense.kernel.constraint).toBe(halve);
    expect(dense.getConfig().kernelConstraint).toEqual({ className: 'Halve', config: {} });
  });
});

describe('bad options', () => {
  it('an unknown name lists the known ones', () => {
    expect(() => constraints.getConstraint('max_norms')).toThrow("Unknown constraint: 'max_norms'. Expected one of maxNorm, minMaxNorm, nonNeg, unitNorm (snake_case and class names accepted), a Constraint instance, or { className, config }.");
    expect(() => new layers.Dense({ units: 2, kernelConstraint: 'positive' })).toThrow(/Unknown constraint: 'positive'/);
    expect(() => constraints.getConstraint(5 as never)).toThrow(/Could not interpret constraint identifier: number 5/);
    expect(() => constraints.getConstraint({ config: {} } as never)).toThrow(/Could not interpret constraint identifier/);
  });

  it('values out of range, bad axes and unknown option names are errors that name the argument', () => {
    expect(() => new constraints.MaxNorm({ maxValue: -1 })).toThrow('MaxNorm: invalid value for argument maxValue. Expected a non-negative number. Received: maxValue=-1');
    expect(() => constraints.maxNorm(Number.NaN)).toThrow(/maxValue=NaN/);
    expect(() => new constraints.MinMaxNorm({ minValue: -0.5 })).toThrow(/MinMaxNorm: invalid value for argument minValue/);
    expect(() => new constraints.MinMaxNorm({ minValue: 2, maxValue: 1 })).toThrow('MinMaxNorm: minValue must not exceed maxValue. Received: minValue=2, maxValue=1');
    expect(() => new constraints.MinMaxNorm({ rate: 1.5 })).toThrow(/MinMaxNorm: invalid value for argument rate. Expected a number in \[0, 1\]. Received: rate=1.5/);
    expect(() => new constraints.MaxNorm({ axis: 1.5 })).toThrow(/MaxNorm: invalid value for argument axis. Expected an integer, a non-empty list of integers, or null \(the whole weight\). Received: axis=number 1.5/);
    expect(() => new constraints.UnitNorm({ axis: [] })).toThrow(/UnitNorm: invalid value for argument axis/);
    expect(() => new constraints.UnitNorm({ axis: '0' as never })).toThrow(/UnitNorm: invalid value for argument axis/);
    expect(() => constraints.unitNorm([1, 1])).toThrow('UnitNorm: invalid value for argument axis: [1, 1] repeats an axis.');
    expect(() => new constraints.MaxNorm({ max_value: 3 } as never)).toThrow("MaxNorm: unknown option 'max_value' (did you mean 'maxValue'?). Its options: maxValue, axis.");
    expect(() => constraints.getConstraint({ className: 'MaxNorm', config: { max_value: 3 } })).toThrow(/did you mean 'maxValue'/);
    expect(() => new constraints.NonNeg({ axis: 0 } as never)).toThrow("NonNeg: takes no options; got 'axis'.");
    expect(() => new constraints.MaxNorm(2 as never)).toThrow(/MaxNorm: the constructor takes one options object/);
  });

  it('an axis out of range for the weight fails when the layer builds, naming the weight', () => {
    const dense = new layers.Dense({ units: 2, kernelConstraint: constraints.maxNorm(2, 2), name: 'dense_axis' });
    expect(() => dense.apply(Input({ shape: [3] }))).toThrow('MaxNorm: axis 2 is out of range for dense_axis/kernel of shape [3,2]; expected axes in [-2, 1].');
    const conv = new layers.Conv2D({ filters: 2, kernelSize: 3, kernelConstraint: constraints.unitNorm([0, -4]), name: 'conv_axis' });
    expect(() => conv.apply(Input({ shape: [5, 5, 1] }))).toThrow('UnitNorm: axes [0, -4] name the same axis twice for conv_axis/kernel of shape [3,3,1,2].');
    const w = tensor([1, 2], [2]);
    expect(() => constraints.maxNorm(2, 1).apply(w)).toThrow('MaxNorm: axis 1 is out of range for the weight of shape [2]; expected axes in [-1, 0].');
    w.dispose();
  });

  it('Variable.constraint takes a constraint or null; a constraint that returns no tensor is named by the optimizer', async () => {
    const v = new Variable(tensor([1, -1], [2]), { name: 'v_constraint' });
    expect(() => {
      v.constraint = 3 as never;
    }).toThrow("Variable 'v_constraint': invalid value for attribute constraint. Expected a Constraint (an object with apply(value)) or null. Received: number.");
    v.constraint = { apply: () => null as never };
    const grad = tensor([1, 1], [2]);
    expect(() => new optimizers.SGD({ learningRate: 0.1 }).applyGradients([[grad, v]])).toThrow("SGD.apply: the constraint of variable 'v_constraint' returned null; its apply(w) must return a Tensor.");
    grad.dispose();
    v.dispose();
  });
});

/** A weight (name, shape) and its constraint's { className, config }, or null. */
function weightConstraints(layer: Layer): Array<[string, unknown]> {
  return layer.weights.map((w) => [w.name.split('/').slice(1).join('/'), w.constraint ? constraints.serializeConstraint(w.constraint as constraints.Constraint) : null]);
}

const max = (maxValue: number, axis: Axis = 0) => ({ className: 'MaxNorm', config: { maxValue, axis } });
const NON_NEG = { className: 'NonNeg', config: {} };
const UNIT_0 = { className: 'UnitNorm', config: { axis: 0 } };

/** Each layer with constraint options, the input shape it is built on, and the constraint each weight gets. */
const constrainedLayers: Array<[string, () => Layer, number[] | number[][], Array<[string, unknown]>]> = [
  ['Dense', () => new layers.Dense({ units: 3, kernelConstraint: 'max_norm', biasConstraint: 'non_neg' }), [4], [['kernel', max(2)], ['bias', NON_NEG]]],
  ['Conv2D', () => new layers.Conv2D({ filters: 2, kernelSize: 3, kernelConstraint: constraints.maxNorm(1, [0, 1, 2]), biasConstraint: 'non_neg' }), [5, 5, 3], [['kernel', max(1, [0, 1, 2])], ['bias', NON_NEG]]],
  ['Conv1DTranspose', () => new layers.Conv1DTranspose({ filters: 2, kernelSize: 3, kernelConstraint: 'unit_norm' }), [5, 3], [['kernel', UNIT_0], ['bias', null]]],
  ['DepthwiseConv2D', () => new layers.DepthwiseConv2D({ kernelSize: 3, depthwiseConstraint: 'non_neg', biasConstraint: 'max_norm' }), [5, 5, 3], [['kernel', NON_NEG], ['bias', max(2)]]],
  [
    'SeparableConv2D',
    () => new layers.SeparableConv2D({ filters: 4, kernelSize: 3, depthwiseConstraint: 'unit_norm', pointwiseConstraint: constraints.maxNorm(1, [0, 1, 2]), biasConstraint: 'non_neg' }),
    [5, 5, 3],
    [['depthwise_kernel', UNIT_0], ['pointwise_kernel', max(1, [0, 1, 2])], ['bias', NON_NEG]],
  ],
  ['Embedding', () => new layers.Embedding({ inputDim: 10, outputDim: 4, embeddingsConstraint: constraints.unitNorm(1) }), [5], [['embeddings', { className: 'UnitNorm', config: { axis: 1 } }]]],
  ['BatchNormalization', () => new layers.BatchNormalization({ betaConstraint: 'max_norm', gammaConstraint: 'non_neg' }), [3], [['gamma', NON_NEG], ['beta', max(2)], ['moving_mean', null], ['moving_variance', null]]],
  ['LayerNormalization', () => new layers.LayerNormalization({ gammaConstraint: 'unit_norm' }), [3], [['gamma', UNIT_0], ['beta', null]]],
  ['GroupNormalization', () => new layers.GroupNormalization({ groups: 2, betaConstraint: 'non_neg' }), [4, 4], [['gamma', null], ['beta', NON_NEG]]],
  ['EinsumDense', () => new layers.EinsumDense({ equation: 'ab,bc->ac', outputShape: 4, biasAxes: 'c', kernelConstraint: 'non_neg', biasConstraint: 'max_norm' }), [3], [['kernel', NON_NEG], ['bias', max(2)]]],
  [
    'LSTM',
    () => new layers.LSTM({ units: 2, kernelConstraint: 'max_norm', recurrentConstraint: 'unit_norm', biasConstraint: 'non_neg' }),
    [4, 3],
    [['lstm_cell/kernel', max(2)], ['lstm_cell/recurrent_kernel', UNIT_0], ['lstm_cell/bias', NON_NEG]],
  ],
  ['GRU', () => new layers.GRU({ units: 2, recurrentConstraint: 'non_neg' }), [4, 3], [['gru_cell/kernel', null], ['gru_cell/recurrent_kernel', NON_NEG], ['gru_cell/bias', null]]],
  ['SimpleRNN', () => new layers.SimpleRNN({ units: 2, kernelConstraint: 'unit_norm' }), [4, 3], [['simple_rnn_cell/kernel', UNIT_0], ['simple_rnn_cell/recurrent_kernel', null], ['simple_rnn_cell/bias', null]]],
  ['PReLU', () => new layers.PReLU({ alphaConstraint: 'non_neg' }), [3], [['alpha', NON_NEG]]],
  [
    'MultiHeadAttention',
    () => new layers.MultiHeadAttention({ numHeads: 2, keyDim: 2, kernelConstraint: 'max_norm', biasConstraint: 'non_neg' }),
    [[3, 4], [3, 4]],
    ['query', 'key', 'value', 'attention_output'].flatMap((p): Array<[string, unknown]> => [[`${p}/kernel`, max(2)], [`${p}/bias`, NON_NEG]]),
  ],
];

describe('layers with constraint options', () => {
  for (const [className, make, inputShape, expected] of constrainedLayers) {
    it(`${className} constrains its weights and keeps the constraints through getConfig / fromConfig`, () => {
      const build = (layer: Layer) => {
        if (Array.isArray(inputShape[0])) layer.apply((inputShape as number[][]).map((shape) => Input({ shape })));
        else layer.apply(Input({ shape: inputShape as number[] }));
        return layer;
      };
      const layer = build(make());
      expect(weightConstraints(layer)).toEqual(expected);
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = build(deserializeLayer({ className, config }));
      expect(weightConstraints(rebuilt)).toEqual(expected);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
    });
  }

  it('addWeight stores the constraint on the Variable; without one it is null', () => {
    class Scaled extends layers.Layer {
      scale!: Variable;
      offset!: Variable;
      override build() {
        this.scale = this.addWeight({ name: 'scale', shape: [3], initializer: 'ones', constraint: 'non_neg' });
        this.offset = this.addWeight({ name: 'offset', shape: [3], initializer: 'zeros' });
      }
    }
    const layer = new Scaled();
    layer.apply(Input({ shape: [3] }));
    expect(layer.scale.constraint).toBeInstanceOf(constraints.NonNeg);
    expect(layer.offset.constraint).toBeNull();
  });
});

/** Column norms (float64) of a [rows, cols] matrix. */
function columnNorms(values: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, c) => Math.sqrt(Array.from({ length: rows }, (_, r) => values[r * cols + c] ** 2).reduce((a, b) => a + b, 0)));
}

function regressionData(seed: number) {
  const x = ops.randomUniform([64, 6], { minval: -1, maxval: 1, seed });
  const y = ops.randomUniform([64, 4], { minval: -3, maxval: 3, seed: seed + 1 });
  return { x, y };
}

describe('training with constraints', () => {
  it(
    'the optimizer projects a constrained variable after its update (Variable option, applyGradients), leaving no tensors behind',
    onGpuAndCpu(async () => {
      const w = new Variable(tensor([-1, 2, 0.5], [3]), { constraint: constraints.nonNeg() });
      const free = new Variable(tensor([-1, 2, 0.5], [3]));
      const grad = tensor([1, -1, 1], [3]);
      const live = memory().liveTensors;
      new optimizers.SGD({ learningRate: 1 }).applyGradients([[grad, w], [grad, free]]);
      expect(memory().liveTensors).toBe(live);
      expect(Array.from(await w.data())).toEqual([0, 3, 0]);
      expect(Array.from(await free.data())).toEqual([-2, 3, -0.5]);
      grad.dispose();
      w.dispose();
      free.dispose();
    }),
  );

  it(
    "after fit with kernelConstraint: 'non_neg' every kernel entry is >= 0",
    onGpuAndCpu(async () => {
      const { x, y } = regressionData(5);
      const model = new Sequential([new layers.Dense({ units: 4, inputShape: [6], kernelConstraint: 'non_neg' })]);
      const dense = model.layers[0] as layers.Dense;
      expect(Math.min(...(await dense.kernel.data()))).toBeLessThan(0);
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.2 }), loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      const kernel = Array.from(await dense.kernel.data());
      expect(Math.min(...kernel)).toBeGreaterThanOrEqual(0);
      expect(kernel.some((v) => v > 0)).toBe(true);
    }),
  );

  it(
    'after fit with kernelConstraint: maxNorm(1) every column norm is <= 1 + 1e-5',
    onGpuAndCpu(async () => {
      const { x, y } = regressionData(9);
      const model = new Sequential([new layers.Dense({ units: 4, inputShape: [6], kernelInitializer: { className: 'RandomNormal', config: { stddev: 1, seed: 2 } }, kernelConstraint: constraints.maxNorm(1) })]);
      const dense = model.layers[0] as layers.Dense;
      expect(Math.max(...columnNorms(await dense.kernel.data(), 6, 4))).toBeGreaterThan(1.5);
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      const norms = columnNorms(await dense.kernel.data(), 6, 4);
      for (const norm of norms) expect(norm).toBeLessThanOrEqual(1 + 1e-5);
    }),
  );
});

describe('compiled training steps with constraints (WebGPU replays)', () => {
  function twins(): [Sequential, Sequential] {
    const make = (runEagerly: boolean) => {
      const model = new Sequential([
        new layers.Dense({ units: 8, activation: 'relu', inputShape: [6], kernelConstraint: constraints.maxNorm(0.8), biasConstraint: 'non_neg' }),
        new layers.Dense({ units: 4, kernelConstraint: constraints.minMaxNorm({ minValue: 0.5, maxValue: 1, rate: 0.5 }) }),
      ]);
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'meanSquaredError', runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    eager.setWeights(compiled.getWeights());
    return [compiled, eager];
  }

  const weightsOf = (model: Sequential) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));

  it('a replayed fit gives the same weights as an eager one, bit for bit', async () => {
    expect(getBackend()).toBe('webgpu');
    const { x, y } = regressionData(21);
    const [compiled, eager] = twins();
    const calls = vi.spyOn(compiled.layers[0], 'call');
    const options = { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 as const };
    const [a, b] = [await compiled.fit(x, y, options), await eager.fit(x, y, options)];
    // 12 steps of one batch shape: one eager, two traced, nine replayed.
    expect(calls).toHaveBeenCalledTimes(3);
    expect(a.history).toEqual(b.history);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    const kernel = await (compiled.layers[0] as layers.Dense).kernel.data();
    for (const norm of columnNorms(kernel, 6, 8)) expect(norm).toBeLessThanOrEqual(0.8 + 1e-5);
  });

  it('a constraint set on a variable between fits is applied by the replayed steps that follow', async () => {
    expect(getBackend()).toBe('webgpu');
    const { x, y } = regressionData(31);
    const [compiled, eager] = twins();
    const options = { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    for (const model of [compiled, eager]) (model.layers[1] as layers.Dense).kernel.constraint = constraints.unitNorm();
    const calls = vi.spyOn(compiled.layers[0], 'call');
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    expect(calls.mock.calls.length).toBeGreaterThan(0);
    expect(await weightsOf(compiled)).toEqual(await weightsOf(eager));
    const norms = columnNorms(await (compiled.layers[1] as layers.Dense).kernel.data(), 8, 4);
    for (const norm of norms) expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
  });
});
