// The composite activations (hardSigmoid, hardSilu, softsign, logSigmoid, mish, hardTanh,
// squareplus, sparsePlus, celu, glu, hardShrink, softShrink, tanhShrink, sparseSigmoid, threshold,
// sparsemax): the GPU against the CPU backend, both against float64 references of the Keras 3
// formulas and values computed by Keras 3.16, gradients by finite differences, the activations by
// name that layers use, and argument errors.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, getBackend, layers, ops, tensor, type Tensor } from '../../src/node';
import { getActivation, serializeActivation } from '../../src/layers/index';
import { gradCheck } from '../autograd/gradcheck';
import { compositeActivationCases } from '../cases/linalg';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from '../layers/layer_helpers';

useWebGPU();

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const relu6 = (x: number) => Math.min(Math.max(x, 0), 6);

/** Each op, its float64 reference, and its Keras activation name. */
const ACTIVATIONS: Array<[string, (x: Tensor) => Tensor, (x: number) => number, string]> = [
  ['hardSigmoid', ops.hardSigmoid, (x) => relu6(x + 3) / 6, 'hard_sigmoid'],
  ['hardSilu', ops.hardSilu, (x) => (x * relu6(x + 3)) / 6, 'hard_silu'],
  ['hardSwish', ops.hardSwish, (x) => (x * relu6(x + 3)) / 6, 'hard_swish'],
  ['softsign', ops.softsign, (x) => x / (Math.abs(x) + 1), 'softsign'],
  ['logSigmoid', ops.logSigmoid, (x) => -softplus(-x), 'log_sigmoid'],
  ['mish', ops.mish, (x) => x * Math.tanh(softplus(x)), 'mish'],
  ['hardTanh', ops.hardTanh, (x) => Math.min(Math.max(x, -1), 1), 'hard_tanh'],
  ['squareplus', (x) => ops.squareplus(x), (x) => (x + Math.sqrt(x * x + 4)) / 2, 'squareplus'],
  ['sparsePlus', ops.sparsePlus, (x) => (x <= -1 ? 0 : x >= 1 ? x : (x + 1) ** 2 / 4), 'sparse_plus'],
  ['celu', (x) => ops.celu(x), (x) => (x > 0 ? x : Math.expm1(x)), 'celu'],
  ['hardShrink', (x) => ops.hardShrink(x), (x) => (Math.abs(x) > 0.5 ? x : 0), 'hard_shrink'],
  ['softShrink', (x) => ops.softShrink(x), (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0), 'soft_shrink'],
  ['tanhShrink', ops.tanhShrink, (x) => x - Math.tanh(x), 'tanh_shrink'],
  ['sparseSigmoid', ops.sparseSigmoid, (x) => (x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2), 'sparse_sigmoid'],
];

const inputs = [-40, -7, -3.5, -1, -0.5, 0, 0.3, 1, 2.5, 4, 40];

describe('GPU matches CPU', () => checkCases(compositeActivationCases));

describe('float64 references', () => {
  for (const [name, op, reference] of ACTIVATIONS) {
    it(
      name,
      onBothBackends(async () => {
        expectClose(await op(tensor(inputs)).data(), inputs.map(reference), { atol: 2e-6, rtol: 2e-5 });
      }),
    );
  }

  it(
    'parameters: squareplus b, celu alpha; int32 input computes in float32',
    onBothBackends(async () => {
      expectClose(await ops.squareplus(tensor([-2, 0, 3]), 1).data(), [-2, 0, 3].map((x) => (x + Math.sqrt(x * x + 1)) / 2));
      expectClose(await ops.celu(tensor([-2, 0, 3]), 0.5).data(), [-2, 0, 3].map((x) => (x > 0 ? x : 0.5 * Math.expm1(x / 0.5))));
      const y = ops.hardSigmoid(tensor([-1, 0, 1], [3], 'int32'));
      expect(y.dtype).toBe('float32');
      expectClose(await y.data(), [1 / 3, 0.5, 2 / 3]);
    }),
  );

  it(
    'glu gates the first half with the sigmoid of the second along the axis',
    onBothBackends(async () => {
      const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
      expectClose(await ops.glu(tensor([1, 2, 0, -1])).data(), [0.5, 2 * sigmoid(-1)]);
      const y = ops.glu(tensor([[1, 2], [3, 4]]), 0);
      expect(y.shape).toEqual([1, 2]);
      expectClose(await y.data(), [sigmoid(3), 2 * sigmoid(4)]);
    }),
  );
});

describe('shrink, sparse sigmoid and threshold: values computed by Keras 3.16', () => {
  // keras.activations.* (numpy backend) on these float32 inputs; keras.ops.* give the same.
  const x = [-3, -1.5, -1, -0.75, -0.5, -0.3, 0, 0.2, 0.5, 0.6, 1, 1.7, 4];
  const KERAS: Array<[string, (t: Tensor) => Tensor, number[]]> = [
    ['hard_shrink', (t) => ops.hardShrink(t), [-3, -1.5, -1, -0.75, 0, 0, 0, 0, 0, 0.60000002, 1, 1.70000005, 4]],
    ['hard_shrink threshold 1', (t) => ops.hardShrink(t, 1), [-3, -1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.70000005, 4]],
    ['soft_shrink', (t) => ops.softShrink(t), [-2.5, -1, -0.5, -0.25, 0, 0, 0, 0, 0, 0.10000002, 0.5, 1.20000005, 3.5]],
    ['soft_shrink threshold 1', (t) => ops.softShrink(t, 1), [-2, -0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.70000005, 3]],
    ['tanh_shrink', ops.tanhShrink, [-2.00494528, -0.59485179, -0.23840582, -0.114851, -0.0378828, -0.00868738, 0, 0.00262468, 0.0378828, 0.06295043, 0.23840582, 0.76459098, 3.00067067]],
    ['sparse_sigmoid', ops.sparseSigmoid, [0, 0, 0, 0.125, 0.25, 0.34999999, 0.5, 0.60000002, 0.75, 0.80000001, 1, 1, 1]],
    ['threshold(x, 0.2, -5)', (t) => ops.threshold(t, 0.2, -5), [-5, -5, -5, -5, -5, -5, -5, -5, 0.5, 0.60000002, 1, 1.70000005, 4]],
  ];
  for (const [name, op, expected] of KERAS) {
    it(
      name,
      onBothBackends(async () => {
        expectClose(await op(tensor(x)).data(), expected, { atol: 1e-6, rtol: 1e-6 });
      }),
    );
  }

  it(
    'an int32 input computes in float32; the thresholds are strict (|x| = threshold gives 0)',
    onBothBackends(async () => {
      const y = ops.softShrink(tensor([-2, 0, 2], [3], 'int32'), 1);
      expect(y.dtype).toBe('float32');
      expect(Array.from(await y.data())).toEqual([-1, 0, 1]);
      expect(Array.from(await ops.hardShrink(tensor([-1, 1, 1.5]), 1).data())).toEqual([0, 0, 1.5]);
      expect(Array.from(await ops.threshold(tensor([1, 2]), 1, 7).data())).toEqual([7, 2]);
    }),
  );
});

describe('sparsemax', () => {
  // Keras 3.16's numpy sparsemax with the one-line fix of keras-team/keras#23469 (the threshold
  // from the sum of the sorted values over the support, not of their cumulative sums), run on these inputs.
  const x = [[0, 0.5, 1, -1], [0.3, 0.2, 0.1, 0.25], [1, 2, 6, 0]];
  const FIXED = [[0, 0.25, 0.75, 0], [0.33750001, 0.2375, 0.1375, 0.28749999], [0, 0, 1, 0]];
  const FIXED_AXIS_0 = [[0, 0, 0, 0], [0.15000004, 0, 0, 0.625], [0.85000002, 1, 1, 0.375]];

  it(
    'projects each row (or column) onto the simplex, as the fixed Keras formula',
    onBothBackends(async () => {
      expectClose(await ops.sparsemax(tensor(x)).data(), FIXED.flat(), { atol: 1e-6, rtol: 1e-5 });
      expectClose(await ops.sparsemax(tensor(x), 0).data(), FIXED_AXIS_0.flat(), { atol: 1e-6, rtol: 1e-5 });
      expectClose(await getActivation('sparsemax')(tensor(x)).data(), FIXED.flat(), { atol: 1e-6, rtol: 1e-5 });
    }),
  );

  it(
    'agrees with Keras 3.16 itself where one class is kept',
    onBothBackends(async () => {
      // keras.activations.sparsemax([[1, 2, 6, 0], [-1, 4, 0.5, 2.5]]) in Keras 3.16.
      expect(Array.from(await ops.sparsemax(tensor([[1, 2, 6, 0], [-1, 4, 0.5, 2.5]])).data())).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
    }),
  );

  it(
    'sums to 1 and is non-negative along the axis, for any shape; int32 input computes in float32',
    onBothBackends(async () => {
      const random = ops.randomNormal([3, 6, 4], { seed: 7 });
      for (const axis of [0, 1, -1]) {
        const y = ops.sparsemax(random, axis);
        expect(y.shape).toEqual([3, 6, 4]);
        expect(Math.min(...(await y.data()))).toBeGreaterThanOrEqual(0);
        expectClose(await ops.sum(y, axis).data(), new Array<number>(random.size / random.shape.at(axis)!).fill(1), { atol: 1e-5, rtol: 0 });
      }
      const y = ops.sparsemax(tensor([[0, 1, 3]], [1, 3], 'int32'));
      expect(y.dtype).toBe('float32');
      expect(Array.from(await y.data())).toEqual([0, 0, 1]);
    }),
  );

  // Every value at least 0.1 from the threshold of its row, so finite differences stay on one support.
  const values = [[0.1, 0.9, -0.4, 0.5, 0.35, 1.2, -0.3, 0.2, 1.0, -1.1, -0.2, 0.25, -0.6, 0.1, 0.6]];
  it('gradients along the last axis match finite differences', async () => {
    expect(getBackend()).toBe('webgpu');
    expect((await gradCheck((t) => ops.sparsemax(t), [[3, 5]], { values })).message).toBe('ok');
  });

  it('gradients along the first axis match finite differences', async () => {
    const transposed = [Array.from({ length: 15 }, (_, i) => values[0][(i % 3) * 5 + Math.floor(i / 3)])];
    expect((await gradCheck((t) => ops.sparsemax(t, 0), [[5, 3]], { values: transposed })).message).toBe('ok');
  });

  it(
    "is a layer's activation: a Dense layer's rows sum to 1, and the name is saved",
    onBothBackends(async () => {
      const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 5, activation: 'sparsemax' })]);
      const y = (await model.predict(ops.randomUniform([4, 3], { seed: 3 }))) as Tensor;
      expectClose(await ops.sum(y, -1).data(), [1, 1, 1, 1], { atol: 1e-5, rtol: 0 });
      expect(model.layers[0].getConfig().activation).toBe('sparsemax');
    }),
  );

  it('trains through fit (eager, traced and replayed steps use its gradient rule)', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 4, activation: 'sparsemax' })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = ops.randomUniform([32, 3], { seed: 5 });
    const target = ops.oneHot(ops.argMax(x.matmul(tensor([[1, -1, 0, 2], [0, 1, -2, 1], [1, 0, 1, -1]])), -1), 4);
    const history = await model.fit(x, target, { epochs: 8, batchSize: 4, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
  });
});

describe('activations by name are these ops', () => {
  for (const [name, op, , keras] of ACTIVATIONS) {
    it(`'${keras}' gives ${name}`, async () => {
      const x = tensor(inputs);
      expect(Array.from(await getActivation(keras)(x).data())).toEqual(Array.from(await op(x).data()));
    });
  }

  it("'glu' splits the last axis", async () => {
    expect(getActivation('glu')(tensor([[1, 2, 3, 4]])).shape).toEqual([1, 2]);
  });

  it("the new names serialize as Keras's; 'threshold' is not a name (its arguments have no defaults)", () => {
    for (const name of ['hard_shrink', 'soft_shrink', 'tanh_shrink', 'sparse_sigmoid', 'sparsemax']) expect(serializeActivation(getActivation(name))).toBe(name);
    expect(getActivation('tanhShrink')).toBe(getActivation('tanh_shrink'));
    expect(() => getActivation('threshold')).toThrow("Unknown activation function: 'threshold'");
  });
});

describe('gradients (finite differences, away from the kinks)', () => {
  // Points at least 0.1 from every kink (±0.5, ±1 and ±3) and from 0.
  const values = [[-4.5, -2.2, -0.7, -0.3, 0.4, 0.8, 1.6, 3.4]];
  for (const [name, op] of ACTIVATIONS) {
    it(name, async () => {
      expect((await gradCheck(op, [[8]], { values })).message).toBe('ok');
    });
  }
  it('glu', async () => {
    expect((await gradCheck((x) => ops.glu(x, 0), [[4, 2]])).message).toBe('ok');
  });
});

describe('errors', () => {
  it('names the argument and what was expected', () => {
    expect(() => ops.glu(tensor([1, 2, 3]))).toThrow('glu: Invalid value for argument x. Expected an even size along axis -1. Received: x of shape [3].');
    expect(() => ops.glu(tensor([[1, 2]]), 2)).toThrow('glu: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.squareplus(tensor([1]), -1)).toThrow('squareplus: Invalid value for argument b. Expected a non-negative number. Received: b=-1.');
    expect(() => ops.celu(tensor([1]), 0)).toThrow('celu: Invalid value for argument alpha. Expected a positive number. Received: alpha=0.');
    expect(() => ops.mish([1, 2] as never)).toThrow('mish: expected a Tensor, got an array (wrap it with tensor(...)).');
    expect(() => ops.hardShrink(tensor([1]), Number.NaN)).toThrow('hardShrink: Invalid value for argument threshold. Expected a number. Received: threshold=NaN.');
    expect(() => ops.softShrink(tensor([1]), '0.5' as never)).toThrow('softShrink: Invalid value for argument threshold. Expected a number. Received: threshold=0.5.');
    expect(() => (ops.threshold as unknown as (x: Tensor, t: number) => Tensor)(tensor([1]), 0.5)).toThrow('threshold: Invalid value for argument defaultValue. Expected a number. Received: defaultValue=undefined.');
    expect(() => ops.sparsemax(tensor([[1, 2]]), 2)).toThrow('sparsemax: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.sparsemax(tensor(3))).toThrow('sparsemax: Invalid value for argument x. Expected a tensor of rank at least 1. Received: x of shape [].');
    expect(() => ops.tanhShrink({} as never)).toThrow('tanhShrink: expected a Tensor');
  });
});
