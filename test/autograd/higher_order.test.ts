// Higher-order differentiation: a gradient computed with an inner GradientTape, differentiated again
// by an outer one. Each op's second-order gradient is checked by gradCheck on a function that
// returns a first-order gradient (so its finite differences are of the first-order gradient, which
// the first-order suites check), on WebGPU and on the CPU; then a WGAN-GP gradient penalty through
// a small Conv2D / LeakyReLU / Dense critic against central finite differences, its memory across
// steps, the clear error of ops that differentiate once only, and ops.jvp.

import { describe, expect, it } from 'vitest';
import { dispose, GradientTape, tidy, Input, layers, memory, Model, ops, Sequential, setBackend, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';
import { seededRandom } from '../cases/data';
import { gradCheck, type GradCheckOptions } from './gradcheck';

useWebGPU();

/** The gradient of sum(r * f(xs)) with respect to every x (flattened, concatenated), r fixed and distinct per element. */
function firstOrder(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) => {
    const tape = new GradientTape();
    tape.watch(xs);
    const target = tape.record(() => {
      const y = f(...xs);
      return ops.sum(y.mul(ops.cos(ops.reshape(ops.arange(y.size), y.shape).mul(0.7)).add(1.5)));
    });
    const grads = tape.gradient(target, xs);
    return ops.concat(grads.map((g, i) => ops.reshape(g ?? xs[i].mul(0), [-1])), 0);
  };
}

type Case = [name: string, f: (...xs: Tensor[]) => Tensor, shapes: number[][], options?: GradCheckOptions];

/** One test per case: d(first-order gradient) / d inputs against finite differences, on both backends. */
function checkSecondOrder(cases: Case[]): void {
  for (const [name, f, shapes, options] of cases) {
    it(
      name,
      onBothBackends(async () => {
        const result = await gradCheck(firstOrder(f), shapes, options);
        expect(result.message).toBe('ok');
      }),
    );
  }
}

const positive: GradCheckOptions = { low: 0.5, high: 1.5 };

describe('second-order gradients', () => {
  describe('matmul and the fused dense op', () => {
    checkSecondOrder([
      ['matmul', (a, b) => ops.matmul(a, b), [[2, 3], [3, 2]]],
      ['matmul transposeA', (a, b) => ops.matmul(a, b, { transposeA: true }), [[3, 2], [3, 2]]],
      ['matmul transposeB, batched', (a, b) => ops.matmul(a, b, { transposeB: true }), [[2, 2, 3], [2, 3]]],
      ['dense linear with bias', (x, k, b) => ops.dense(x, k, b), [[2, 3], [3, 2], [2]]],
      ['dense relu', (x, k, b) => ops.dense(x, k, b, 'relu').square(), [[2, 3], [3, 2], [2]], { eps: 1e-3 }],
      ['dense sigmoid', (x, k, b) => ops.dense(x, k, b, 'sigmoid'), [[2, 3], [3, 2], [2]]],
      ['dense tanh without bias', (x, k) => ops.dense(x, k, null, 'tanh'), [[2, 3], [3, 2]]],
      ['bias add', (x, b) => x.add(b).square(), [[2, 3], [3]]],
    ]);
  });

  describe('activations', () => {
    checkSecondOrder([
      ['relu', (x) => ops.relu(x).square(), [[5]]],
      ['leakyRelu', (x) => ops.leakyRelu(x, 0.2).square(), [[5]]],
      ['sigmoid', (x) => ops.sigmoid(x), [[5]]],
      ['tanh', (x) => ops.tanh(x), [[5]]],
      ['gelu', (x) => ops.gelu(x, false), [[5]]],
      ['gelu (tanh approximation)', (x) => ops.gelu(x, true), [[5]]],
      ['silu', (x) => ops.silu(x), [[5]]],
      ['elu', (x) => ops.elu(x).square(), [[5]]],
      ['softplus', (x) => ops.softplus(x), [[5]]],
      ['softmax', (x) => ops.softmax(x), [[2, 3]]],
    ]);
  });

  describe('convolution and pooling', () => {
    checkSecondOrder([
      ['conv1d', (x, k) => ops.conv1d(x, k), [[1, 4, 2], [2, 2, 2]]],
      ['conv2d, stride 2, same', (x, k) => ops.conv2d(x, k, { strides: 2, padding: 'same' }), [[1, 4, 4, 1], [3, 3, 1, 2]]],
      ['conv2d with bias and fused tanh', (x, k, b) => ops.conv2d(x, k, { padding: 'same', bias: b, activation: 'tanh' }), [[1, 3, 3, 1], [2, 2, 1, 2], [2]]],
      ['conv1d with bias and fused relu', (x, k, b) => ops.conv1d(x, k, { bias: b, activation: 'relu' }).square(), [[1, 4, 2], [2, 2, 2], [2]], { eps: 1e-3 }],
      ['conv2dTranspose', (x, k) => ops.conv2dTranspose(x, k, { strides: 2 }), [[1, 2, 2, 2], [2, 2, 1, 2]]],
      ['depthwiseConv2d, multiplier 2, stride 2, same', (x, k) => ops.depthwiseConv2d(x, k, { strides: 2, padding: 'same' }), [[1, 4, 4, 1], [3, 3, 1, 2]]],
      ['depthwiseConv1d', (x, k) => ops.depthwiseConv1d(x, k), [[1, 4, 2], [2, 2, 1]]],
      ['maxPool2d', (x) => ops.maxPool2d(x, { poolSize: 2 }).square(), [[1, 4, 4, 1]]],
      ['maxPool2d, overlapping windows', (x) => ops.maxPool2d(x, { poolSize: 2, strides: 1 }).square(), [[1, 3, 3, 1]]],
      ['avgPool2d, same', (x) => ops.avgPool2d(x, { poolSize: 2, padding: 'same' }).square(), [[1, 3, 3, 2]]],
      ['flatten', (x) => ops.reshape(x, [2, -1]).square(), [[2, 2, 2]]],
    ]);
  });

  describe('normalization, reductions and losses', () => {
    checkSecondOrder([
      ['layerNormalization', (x, g, b) => ops.layerNormalization(x, g, b), [[2, 4], [4], [4]]],
      ['batchNormalization (inference)', (x, m, v, o, s) => ops.batchNormalization(x, m, v, -1, o, s), [[2, 3], [3], [3], [3], [3]], positive],
      ['sum, mean, square', (x) => ops.mean(ops.square(ops.sum(x, 1))), [[2, 3]]],
      ['sqrt', (x) => ops.sqrt(x), [[3]], positive],
      ['norm', (x) => ops.norm(x, undefined, 1), [[2, 3]], positive],
      ['categoricalCrossentropy from logits', (x) => ops.categoricalCrossentropy(tensor([0.2, 0.8, 0, 0, 0.3, 0.7], [2, 3]), x, { fromLogits: true }), [[2, 3]]],
      ['categoricalCrossentropy from probabilities', (x) => ops.categoricalCrossentropy(tensor([0.2, 0.8, 0, 0, 0.3, 0.7], [2, 3]), x), [[2, 3]], { low: 0.2, high: 1 }],
      ['sparseCategoricalCrossentropy from logits', (x) => ops.sparseCategoricalCrossentropy(tensor([0, 2], [2], 'int32'), x, { fromLogits: true }), [[2, 3]]],
      ['mean squared error', (x) => ops.mean(ops.square(x.sub(tensor([1, 2, 3])))), [[3]]],
    ]);
  });

  it(
    'ops whose gradient is a kernel without a gradient throw on the second order, naming the op',
    onBothBackends(async () => {
      const x = tensor([0.5, 1.5, 2]);
      for (const [op, f] of [
        ['cumprod', (t: Tensor) => ops.cumprod(t)],
        ['sigmoidFocalLoss', (t: Tensor) => ops.sigmoidFocalLoss(tensor([1, 0, 1]), t)],
      ] as const) {
        const outer = new GradientTape();
        outer.watch(x);
        const inner = new GradientTape();
        inner.watch(x);
        const first = outer.record(() => {
          const y = inner.record(() => ops.sum(f(x)));
          return ops.sum(inner.gradient(y, x)!.square());
        });
        expect(() => outer.gradient(first, x)).toThrow(`second-order gradient of ${op} is not supported`);
      }
    }),
  );
});

describe('a WGAN-GP gradient penalty', () => {
  const inputShape = [3, 3, 1];
  /** A critic of every layer kind a gradient penalty meets: Conv2D, LeakyReLU, Flatten, Dense. */
  const makeCritic = () =>
    new Sequential([Input({ shape: inputShape }), new layers.Conv2D({ filters: 2, kernelSize: 2 }), new layers.LeakyReLU({ negativeSlope: 0.2 }), new layers.Flatten(), new layers.Dense({ units: 1 })]);
  const next = seededRandom(2024);
  const xHatValues = Array.from({ length: 2 * 9 }, () => next() * 2 - 1);
  const weightShapes = [[2, 2, 1, 2], [2], [8, 1], [1]];
  const weightValues = weightShapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => next() - 0.5));

  /** mean((||d critic(xHat) / d xHat||_2 - 1)^2) over the batch, the norm per sample. */
  function penalty(critic: Model, xHat: Tensor): Tensor {
    const inner = new GradientTape();
    inner.watch(xHat);
    const scores = inner.record(() => critic.apply(xHat) as Tensor);
    const slopes = ops.sqrt(ops.sum(ops.square(inner.gradient(scores, xHat)!), [1, 2, 3]));
    return ops.mean(ops.square(slopes.sub(1)));
  }

  function criticWith(values: number[][]): Sequential {
    const critic = makeCritic();
    critic.setWeights(values.map((v, i) => tensor(v, weightShapes[i])));
    return critic;
  }

  it(
    'its gradient with respect to the critic weights matches central finite differences',
    onBothBackends(async () => {
      const critic = criticWith(weightValues);
      const xHat = tensor(xHatValues, [2, ...inputShape]);
      const outer = new GradientTape();
      const value = outer.record(() => penalty(critic, xHat));
      const grads = outer.gradient(value, critic.trainableVariables);
      // The last bias moves the score, not its slope: no gradient (null, as TensorFlow's None).
      expect(grads[3]).toBeNull();
      const analytic = await Promise.all(grads.map((g, i) => (g ? valuesOf(g) : weightValues[i].map(() => 0))));

      // Central differences of the penalty, each evaluated on the CPU.
      setBackend('cpu');
      const at = async (values: number[][]) => (await valuesOf(penalty(criticWith(values), tensor(xHatValues, [2, ...inputShape]))))[0];
      const eps = 1e-3;
      for (let w = 0; w < weightValues.length; w++) {
        const numeric: number[] = [];
        for (let j = 0; j < weightValues[w].length; j++) {
          const shifted = (delta: number) => weightValues.map((v, i) => (i === w ? v.map((e, k) => (k === j ? e + delta : e)) : v));
          numeric.push(((await at(shifted(eps))) - (await at(shifted(-eps)))) / (2 * eps));
        }
        expectNumbersClose(analytic[w], numeric, 2e-2);
      }
    }),
  );

  it('trains in a custom trainStep under fit: replayed steps give the eager steps\' weights bit for bit', async () => {
    class PenalizedCritic extends Model {
      override trainStep([x, y]: [Tensor, Tensor]) {
        const tape = new GradientTape();
        const loss = tape.record(() => ops.mean(ops.square((this.apply(x) as Tensor).sub(y))).add(penalty(this, x).mul(10)));
        const variables = this.trainableVariables;
        this.optimizer!.applyGradients(tape.gradient(loss, variables).map((g, i) => [g ?? ops.zerosLike(variables[i]), variables[i]]));
        return { loss };
      }
    }
    const train = async (runEagerly: boolean) => {
      const input = Input({ shape: inputShape });
      const critic = makeCritic();
      const model = new PenalizedCritic({ inputs: input, outputs: critic.apply(input) });
      critic.setWeights(weightValues.map((v, i) => tensor(v, weightShapes[i])));
      model.compile({ optimizer: 'sgd', loss: 'mse', runEagerly });
      const x = tensor(Array.from({ length: 8 * 9 }, (_, i) => Math.sin(i)), [8, ...inputShape]);
      await model.fit(x, tensor([0.5, -0.2, 0.1, 0.9, -0.4, 0.3, 0, 0.7], [8, 1]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
      return Promise.all(model.getWeights().map(valuesOf));
    };
    const [replayed, eager] = [await train(false), await train(true)];
    expect(replayed).toEqual(eager);
  });

  it(
    'repeated penalty steps keep the number of live tensors flat',
    onBothBackends(async () => {
      const critic = criticWith(weightValues);
      const xHat = tensor(xHatValues, [2, ...inputShape]);
      const step = async () => {
        const grads = tidy(() => {
          const outer = new GradientTape();
          const value = outer.record(() => penalty(critic, xHat));
          return outer.gradient(value, critic.trainableVariables).filter((g): g is Tensor => g !== null);
        });
        await valuesOf(grads[0]);
        dispose(grads);
      };
      await step();
      const before = memory().liveTensors;
      for (let i = 0; i < 3; i++) await step();
      expect(memory().liveTensors).toBe(before);
    }),
  );
});

describe('ops.jvp', () => {
  it(
    'gives Keras docstring values for sin: the tangent is cos(x) * v',
    onBothBackends(async () => {
      const [primalOut, tangentOut] = ops.jvp((t: Tensor) => ops.sin(t), [tensor(0.1)], [tensor(0.2)]);
      // SwiftShader's sin is good to about 1e-5.
      expectNumbersClose(await valuesOf(primalOut), [0.09983342], 1e-4);
      expectNumbersClose(await valuesOf(tangentOut), [0.19900084], 1e-4);
      const x = tensor([-1, 0.5, 2]);
      const v = tensor([3, -2, 0.5]);
      const [, tangent] = ops.jvp((t: Tensor) => ops.sin(t), [x], [v]);
      expectNumbersClose(await valuesOf(tangent), [-1, 0.5, 2].map((e, i) => Math.cos(e) * [3, -2, 0.5][i]), 1e-4);
    }),
  );

  it(
    'of a product of two arguments is a·vb + va·b (hand values)',
    onBothBackends(async () => {
      const a = tensor([[1, 2], [3, 4]]);
      const b = tensor([[0.5, -1], [2, 0.25]]);
      const [out, tangent] = ops.jvp((p: Tensor, q: Tensor) => ops.matmul(p, q), [a, b], [tensor([[1, 1], [1, 1]]), tensor([[0, 1], [0, 0]])]);
      expectNumbersClose(await valuesOf(out), [4.5, -0.5, 9.5, -2]);
      // [[1,1],[1,1]]·b + a·[[0,1],[0,0]] = [[2.5, -0.75], [2.5, -0.75]] + [[0, 1], [0, 3]]
      expectNumbersClose(await valuesOf(tangent), [2.5, 0.25, 2.5, 2.25]);
    }),
  );

  it(
    'matches central finite differences through fused kernels, with nested structures and aux',
    onBothBackends(async () => {
      const w = tensor([[0.5, -1, 0.3], [2, 0.25, -0.7]]);
      const fn = (inputs: { x: Tensor; scale: Tensor }) => {
        const h = ops.dense(inputs.x, w, null, 'tanh').mul(inputs.scale);
        return [{ probabilities: ops.softmax(h), pooled: ops.maxPool2d(ops.reshape(h, [1, 2, 3, 1]), { poolSize: 2, strides: 1 }) }, ops.sum(h)] as const;
      };
      const x = [0.3, -0.8, 1.1, 0.4];
      const scale = [1.5];
      const vx = [0.2, 1, -0.5, 0.7];
      const vScale = [-0.3];
      const [out, tangent, aux] = ops.jvp(fn, [{ x: tensor(x, [2, 2]), scale: tensor(scale) }], [{ x: tensor(vx, [2, 2]), scale: tensor(vScale) }], true);
      expect(Object.keys(tangent)).toEqual(['probabilities', 'pooled']);
      expect(tangent.pooled.shape).toEqual(out.pooled.shape);
      expectNumbersClose(await valuesOf(aux), await valuesOf(ops.sum(ops.dense(tensor(x, [2, 2]), w, null, 'tanh').mul(1.5))), 1e-5);
      const eps = 1e-3;
      const shiftedOut = (sign: number) => fn({ x: tensor(x.map((e, i) => e + sign * eps * vx[i]), [2, 2]), scale: tensor([scale[0] + sign * eps * vScale[0]]) })[0];
      const [plus, minus] = [shiftedOut(1), shiftedOut(-1)];
      for (const key of ['probabilities', 'pooled'] as const) {
        const [p, m] = [await valuesOf(plus[key]), await valuesOf(minus[key])];
        expectNumbersClose(await valuesOf(tangent[key]), p.map((e, i) => (e - m[i]) / (2 * eps)), 1e-2);
      }
    }),
  );

  it(
    'gives zero tangents to outputs that do not depend on a float32 primal; int32 primals get none',
    onBothBackends(async () => {
      const x = tensor([1, 2]);
      const indices = tensor([1, 0], [2], 'int32');
      const [, tangents] = ops.jvp((t: Tensor, i: Tensor) => [ops.take(t, i).square(), ops.onesLike(t), ops.cast(i, 'float32')], [x, indices], [tensor([1, 1]), tensor([5, 5], [2], 'int32')]);
      expectNumbersClose(await valuesOf(tangents[0]), [4, 2]);
      expectNumbersClose(await valuesOf(tangents[1]), [0, 0]);
      expectNumbersClose(await valuesOf(tangents[2]), [0, 0]);
    }),
  );

  it('rejects tangents whose structure or shapes differ from the primals, and a non-function', () => {
    const x = tensor([1, 2]);
    expect(() => ops.jvp(ops.sin, [x], [tensor([1, 2, 3])])).toThrow('jvp: tangents must have the structure and shapes of primals: 1 argument(s) holding tensors of shapes ([2]); got 1 holding ([3]).');
    expect(() => ops.jvp(ops.sin, [x], [])).toThrow('tangents must have the structure and shapes of primals');
    expect(() => ops.jvp(ops.sin, x as never, [x] as never)).toThrow('jvp: primals and tangents must be arrays');
    expect(() => ops.jvp(null as never, [x], [x])).toThrow('jvp: fun must be a function, got null.');
    expect(() => ops.jvp((t: Tensor) => t as never, [x], [x], true)).toThrow('jvp: with hasAux, fun must return [output, aux]');
  });

  it('frees what it computes besides its results', async () => {
    const x = tensor([0.5, -1, 2]);
    const run = () => {
      const [out, tangent] = ops.jvp((t: Tensor) => ops.softmax(ops.tanh(t)), [x], [x]);
      out.dispose();
      tangent.dispose();
    };
    run();
    const before = memory().liveTensors;
    run();
    expect(memory().liveTensors).toBe(before);
  });
});
