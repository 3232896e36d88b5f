// ops.customGradient (keras.ops.custom_gradient): the value of the forward function, the user's
// gradient rule in GradientTape, fit and replayed fit steps; straight-through estimators and
// gradient clipping inside layers; finite differences where the rule is the true gradient; the
// tensors the forward function made kept alive for the rule and freed after; clear errors.

import { describe, expect, it } from 'vitest';
import { GradientTape, Input, Layer, Model, Variable, getBackend, layers, memory, ops, optimizers, tensor, tidy, type LayerArgs, type Tensor } from '../../src/node';
import { settleGarbage, useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

/** Rounds in the forward pass, passes the gradient through unchanged (a straight-through estimator). */
const roundStraightThrough = ops.customGradient((x: Tensor) => [ops.round(x), (upstream: Tensor) => upstream]);

/** The identity, with the gradient clipped to [-limit, limit]. */
const clipGradient = (limit: number) => ops.customGradient((x: Tensor) => [x, (upstream: Tensor) => ops.clip(upstream, -limit, limit)]);

/** Keras's docstring example: log(1 + e^x) with a stable gradient, 1 - 1 / (1 + e^x). */
const log1pexp = ops.customGradient((x: Tensor) => {
  const e = ops.exp(x);
  return [ops.log(e.add(1)), (upstream: Tensor) => upstream.mul(ops.sub(1, ops.div(1, e.add(1))))];
});

class QuantizeStraightThrough extends Layer {
  override call(x: Tensor): Tensor {
    return roundStraightThrough(x);
  }
}

class ClipGradient extends Layer {
  readonly limit: number;
  constructor(args: { limit: number } & LayerArgs) {
    const { limit, ...rest } = args;
    super(rest);
    this.limit = limit;
  }
  override call(x: Tensor): Tensor {
    return clipGradient(this.limit)(x);
  }
}

/** The straight-through estimator written with stopGradient, as Keras users do: x + stopGradient(round(x) - x). */
class QuantizeWithStopGradient extends Layer {
  override call(x: Tensor): Tensor {
    return x.add(ops.stopGradient(ops.round(x).sub(x)));
  }
}

function quantizedModel(quantize: Layer, seed: number): Model {
  const inputs = Input({ shape: [4] });
  const hidden = new layers.Dense({ units: 6, kernelInitializer: { className: 'GlorotUniform', config: { seed } } }).apply(inputs);
  const outputs = new layers.Dense({ units: 1, kernelInitializer: { className: 'GlorotUniform', config: { seed: seed + 1 } } }).apply(quantize.apply(new layers.Rescaling({ scale: 4 }).apply(hidden)));
  return new Model({ inputs, outputs });
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5) => {
  expect(actual.length).toBe(expected.length);
  Array.from(expected).forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(e)));
};

describe('customGradient', () => {
  it('returns the forward value and uses the rule for the gradient', async () => {
    expect(getBackend()).toBe('webgpu');
    const x = tensor([0.2, 1.7, -2.6, 3.5]);
    const weights = [1, 2, 3, -1];
    const tape = new GradientTape();
    tape.watch(x);
    const value = tape.record(() => roundStraightThrough(x));
    const loss = tape.record(() => value.mul(tensor(weights)).sum());
    const [dx] = tape.gradient(loss, [x]);
    expect(Array.from(await value.data())).toEqual([0, 2, -3, 4]);
    // The straight-through rule: d sum(w * round(x)) / dx = w (round's own gradient is 0).
    expect(Array.from(await dx!.data())).toEqual(weights);
  });

  it('matches finite differences where the rule is the true gradient (one and two inputs)', async () => {
    const product = ops.customGradient((x: Tensor, y: Tensor) => [
      x.mul(y).add(ops.sin(x)),
      (upstream: Tensor) => [upstream.mul(y.add(ops.cos(x))), upstream.mul(x)],
    ]);
    const two = await gradCheck(product, [[2, 3], [2, 3]]);
    expect(two.message).toBe('ok');
    const one = await gradCheck(log1pexp, [[5]], { low: -3, high: 3 });
    expect(one.message).toBe('ok');
  });

  it("keeps what the forward function made for the rule, through a tidy inside record, and frees it after", async () => {
    const x = tensor([-2, 0, 1.5]);
    await settleGarbage();
    const before = memory().liveTensors;
    const dx = tidy(() => {
      const tape = new GradientTape();
      tape.watch(x);
      const loss = tape.record(() => tidy(() => log1pexp(x).sum()));
      return tape.gradient(loss, [x])[0]!;
    });
    // The rule's e = exp(x) survived the inner tidy: the gradient is the sigmoid of x.
    close(await dx.data(), [-2, 0, 1.5].map((v) => 1 / (1 + Math.exp(-v))));
    dx.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('runs f without recording when no tape watches, and its rule is not called', async () => {
    let calls = 0;
    const f = ops.customGradient((x: Tensor) => [x.mul(2), (upstream: Tensor) => (calls++, upstream)]);
    const y = tidy(() => f(tensor([1, 2])));
    expect(Array.from(await y.data())).toEqual([2, 4]);
    expect(calls).toBe(0);
  });

  it('clips the gradient inside a layer (an identity forward)', async () => {
    const x = [[1, -2, 0.5], [3, 1, -1]];
    const kernel = [[0.5, -1], [1, 0.25], [-0.5, 2]];
    const upstream = [[2, -0.1], [-3, 0.4]];
    const inputs = Input({ shape: [3] });
    const dense = new layers.Dense({ units: 2, useBias: false });
    const model = new Model({ inputs, outputs: new ClipGradient({ limit: 0.5 }).apply(dense.apply(inputs)) });
    dense.setWeights([tensor(kernel)]);
    const tape = new GradientTape();
    const out = tape.record(() => model.apply(tensor(x)) as Tensor);
    const loss = tape.record(() => out.mul(tensor(upstream)).sum());
    const [dKernel] = tape.gradient(loss, [dense.trainableWeights[0]]);
    // Float64 reference: the forward is x @ kernel; d kernel[i][j] = sum_b x[b][i] * clip(upstream[b][j]).
    const clipped = upstream.map((row) => row.map((g) => Math.min(0.5, Math.max(-0.5, g))));
    const forward = x.map((row) => [0, 1].map((j) => row.reduce((s, v, i) => s + v * kernel[i][j], 0)));
    const expected = kernel.map((_, i) => [0, 1].map((j) => x.reduce((s, row, b) => s + row[i] * clipped[b][j], 0)));
    close(await out.data(), forward.flat());
    close(await dKernel!.data(), expected.flat());
  });

  it('a straight-through estimator gives the stopGradient formula\'s gradients and trains', async () => {
    const x = ops.randomUniform([32, 4], { minval: -1, maxval: 1, seed: 3 });
    const y = ops.randomUniform([32, 1], { minval: -1, maxval: 1, seed: 4 });
    const custom = quantizedModel(new QuantizeStraightThrough(), 10);
    const reference = quantizedModel(new QuantizeWithStopGradient(), 10);
    const gradients = (model: Model) => {
      const tape = new GradientTape();
      const loss = tape.record(() => ops.square((model.apply(x) as Tensor).sub(y)).mean());
      return tape.gradient(loss, model.trainableWeights);
    };
    const [ours, theirs] = [gradients(custom), gradients(reference)];
    for (let i = 0; i < ours.length; i++) close(await ours[i]!.data(), await theirs[i]!.data());
    // Round's own gradient is 0: through it the first layer would never train.
    expect(Math.max(...Array.from(await ours[0]!.data()).map(Math.abs))).toBeGreaterThan(1e-3);

    const firstKernel = await custom.trainableWeights[0].data();
    custom.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse' });
    const history = await custom.fit(x, y, { epochs: 12, batchSize: 8, verbose: 0, seed: 1 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const moved = Array.from(await custom.trainableWeights[0].data()).some((v, i) => Math.abs(v - firstKernel[i]) > 1e-4);
    expect(moved).toBe(true);
  });

  it('replayed fit steps give the weights of eager steps', async () => {
    const x = ops.randomUniform([32, 4], { minval: -1, maxval: 1, seed: 5 });
    const y = ops.randomUniform([32, 1], { minval: -1, maxval: 1, seed: 6 });
    const build = (runEagerly: boolean) => {
      const inputs = Input({ shape: [4] });
      const hidden = new layers.Dense({ units: 6, kernelInitializer: { className: 'GlorotUniform', config: { seed: 20 } } }).apply(inputs);
      const quantized = new QuantizeStraightThrough().apply(new layers.Rescaling({ scale: 4 }).apply(hidden));
      const clipped = new ClipGradient({ limit: 0.05 }).apply(new layers.Dense({ units: 1, kernelInitializer: { className: 'GlorotUniform', config: { seed: 21 } } }).apply(quantized));
      const model = new Model({ inputs, outputs: clipped });
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse', runEagerly });
      return model;
    };
    const eager = build(true);
    const replayed = build(false);
    await eager.fit(x, y, { epochs: 4, batchSize: 8, shuffle: false, verbose: 0 });
    await replayed.fit(x, y, { epochs: 4, batchSize: 8, shuffle: false, verbose: 0 });
    const [a, b] = [eager.getWeights(), replayed.getWeights()];
    for (let i = 0; i < a.length; i++) close(await b[i].data(), await a[i].data(), 1e-5);
  });

  it('refuses a function that reads a trainable variable it does not take as an input', () => {
    const kernel = new Variable(tensor([[1, 2], [3, 4]]), { name: 'captured/kernel' });
    const x = new Variable(tensor([[1, 1]]));
    const project = ops.customGradient((input: Tensor) => [ops.matmul(input, kernel), (dy: Tensor) => ops.matmul(dy, kernel, { transposeB: true })]);
    const tape = new GradientTape();
    expect(() => tape.record(() => project(x))).toThrow(
      "the function reads the trainable variable 'captured/kernel', which is not one of its inputs, so no gradient would reach it. Pass it as an input (f(x, kernel)) and return its gradient from grad.",
    );
    // Outside a tape nothing is differentiated: the function just runs.
    expect(project(x).shape).toEqual([1, 2]);
  });

  it('says what was wrong: a non-function, a bad result, a bad rule, symbolic inputs', () => {
    expect(() => ops.customGradient(3 as never)).toThrow('customGradient: expected a function (...inputs) => [value, grad], got number.');
    const noRule = ops.customGradient(function noRule(x: Tensor) {
      return x.mul(2) as never;
    });
    expect(() => tidy(() => noRule(tensor([1])))).toThrow('customGradient (noRule): the function must return [value, grad], a tensor and its gradient function; got a tensor of shape [1].');
    const twoGrads = ops.customGradient(function twoGrads(x: Tensor) {
      return [x.mul(2), (upstream: Tensor) => [upstream, upstream]];
    });
    const x = tensor([1, 2]);
    const tape = new GradientTape();
    tape.watch(x);
    const loss = tape.record(() => twoGrads(x).sum());
    expect(() => tape.gradient(loss, [x])).toThrow('customGradient (twoGrads): the gradient function must return one tensor (or null) per input, 1 in all; got a list of 2');
    const wrongShape = ops.customGradient((v: Tensor) => [v.mul(2), () => tensor([1, 2, 3])]);
    const tape2 = new GradientTape();
    tape2.watch(x);
    const loss2 = tape2.record(() => wrongShape(x).sum());
    expect(() => tape2.gradient(loss2, [x])).toThrow('returned shape [3] for an input of shape [2]');
    expect(() => roundStraightThrough(Input({ shape: [2] }) as never)).toThrow("input 0 is SymbolicTensor; the function takes tensors (on symbolic tensors of a functional model, call it in a custom layer's call())");
  });
});
