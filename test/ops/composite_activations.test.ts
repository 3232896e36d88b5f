// The composite activations (hardSigmoid, hardSilu, softsign, logSigmoid, mish, hardTanh,
// squareplus, sparsePlus, celu, glu): the GPU against the CPU backend, both against float64
// references of the Keras 3 formulas, gradients by finite differences, the activations by name
// that layers use, and argument errors.

import { describe, expect, it } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/node';
import { getActivation } from '../../src/layers/index';
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
});

describe('gradients (finite differences, away from the kinks)', () => {
  // Points at least 0.1 from every kink (±1 and ±3) and from 0.
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
  });
});
