// The fused categorical cross-entropy ops: the kernels (loss and gradient) against the CPU backend,
// Keras's values, the clip's effect on values and gradients, agreement with the composed ops the
// fused kernel replaces, one dispatch forward and one backward, and the errors users meet.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { GradientTape, Input, Sequential, getBackend, layers, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { softmaxActivation } from '../../src/ops/softmax';
import { fusedCases } from '../cases/fused';
import { rand } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

afterEach(() => vi.restoreAllMocks());

describe('GPU matches CPU', () => checkCases(fusedCases.filter((c) => /^sparseCategoricalCrossentropy|^categoricalCrossentropy/.test(c.name))));

const EPSILON = 1e-7;

/** The composed form of the loss: Keras's formulas written with separate ops. */
function composed(labels: Tensor, predictions: Tensor, fromLogits: boolean): Tensor {
  const logP = fromLogits ? ops.logSoftmax(predictions) : ops.log(ops.clip(predictions.div(predictions.sum(-1, true)), EPSILON, 1 - EPSILON));
  return labels.mul(logP).sum(-1).neg();
}

/** Values and gradient (weights r on the per-sample losses) of `loss` at `predictions`. */
async function valueAndGradient(loss: (p: Tensor) => Tensor, predictions: Tensor): Promise<[Float32Array, Float32Array]> {
  const weights = tensor(Array.from({ length: predictions.size / predictions.shape[predictions.rank - 1] }, (_, i) => 0.5 + (i % 5) / 4), predictions.shape.slice(0, -1));
  const tape = new GradientTape();
  tape.watch(predictions);
  const [values, target] = tape.record(() => {
    const perSample = loss(predictions);
    return [perSample, perSample.mul(weights)];
  });
  const [grad] = tape.gradient(target, [predictions]);
  return [(await values.data()) as Float32Array, (await grad!.data()) as Float32Array];
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + 1e-5 * Math.abs(expected[i]))) throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('values', () => {
  it('gives the Keras docstring values', async () => {
    const labels = tensor([[0, 1, 0], [0, 0, 1]]);
    const probabilities = tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    expectClose(await ops.categoricalCrossentropy(labels, probabilities).data(), [0.0513, 2.3026], 1e-4);
    expectClose(await ops.sparseCategoricalCrossentropy(tensor([1, 2], [2], 'int32'), probabilities).data(), [0.0513, 2.3026], 1e-4);
  });

  it('clips probabilities: a zero probability of the true class costs -log(1e-7)', async () => {
    const loss = await ops.categoricalCrossentropy(tensor([[1, 0]]), tensor([[0, 1]])).data();
    expect(loss[0]).toBeCloseTo(-Math.log(EPSILON), 4);
  });

  it('is stable for large logits', async () => {
    const loss = await ops.categoricalCrossentropy(tensor([[0, 1]]), tensor([[1000, -1000]]), { fromLogits: true }).data();
    expect(loss[0]).toBeCloseTo(2000, 3);
  });

  it('equals the composed ops, values and gradients, including rows that hit the clip', async () => {
    const rows = 24;
    const classes = 6;
    const soft = rand([rows, classes], { low: 0, high: 1 });
    const peaked = tensor(Array.from({ length: rows * classes }, (_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : Math.floor(i / classes) % 2 ? 1e-9 : 0.3)), [rows, classes]);
    for (const fromLogits of [false, true]) {
      const predictions = fromLogits ? rand([rows, classes], { low: -6, high: 6 }) : peaked;
      const [fusedValues, fusedGrad] = await valueAndGradient((p) => ops.categoricalCrossentropy(soft, p, { fromLogits }), predictions);
      const [values, grad] = await valueAndGradient((p) => composed(soft, p, fromLogits), predictions);
      expectClose(fusedValues, values, 1e-5);
      expectClose(fusedGrad, grad, 1e-4);
    }
  });

  it("scores the softmax activation's output from its logits, as Keras's TensorFlow backend: exact beyond the clip", async () => {
    expect(getBackend()).toBe('webgpu');
    const logits = tensor([[0, 30], [2, 1]]);
    const labels = tensor([[1, 0], [0, 1]]);
    const probabilities = softmaxActivation(logits);
    // ops.softmax's output, like any other tensor, is scored as probabilities: clipped at 1e-7.
    const detached = ops.softmax(logits);
    const fromSoftmax = await ops.categoricalCrossentropy(labels, probabilities).data();
    const fromProbabilities = await ops.categoricalCrossentropy(labels, detached).data();
    const logSumExp = (a: number, b: number) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
    expect(fromSoftmax[0]).toBeCloseTo(logSumExp(0, 30), 4);
    expect(fromProbabilities[0]).toBeCloseTo(-Math.log(EPSILON), 4);
    expect(fromSoftmax[1]).toBeCloseTo(logSumExp(2, 1) - 1, 5);
    expect(fromProbabilities[1]).toBeCloseTo(fromSoftmax[1], 5);
    // The gradient reaches the logits in one fused dispatch: softmax(z) - labels.
    const tape = new GradientTape();
    tape.watch(logits);
    const loss = tape.record(() => ops.categoricalCrossentropy(labels, softmaxActivation(logits)).sum());
    const spy = vi.spyOn(currentGpu()!, 'dispatch');
    const [dz] = tape.gradient(loss, [logits]);
    const softmaxGradients = spy.mock.calls.filter(([spec]) => spec.shader.includes('Softmax and log-softmax along one axis'));
    spy.mockRestore();
    expect(softmaxGradients).toHaveLength(0);
    const p = await probabilities.data();
    expectClose(await dz!.data(), Float32Array.from([p[0] - 1, p[1], p[2], p[3] - 1]), 1e-6);
  });

  it('a Dense softmax layer keeps its logits with its output, so evaluate scores beyond the clip as fit does', async () => {
    // Logits [40, -40] for the wrong class: the exact loss is 80, the clipped one -log(1e-7) = 16.1.
    const model = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 2, activation: 'softmax' })]);
    model.layers[0].setWeights([tensor([[40, -40], [0, 0]]), tensor([0, 0])]);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const [x, y] = [tensor([[1, 0]]), tensor([[0, 1]])];
    const eager = model.apply(x) as Tensor;
    expect((await ops.categoricalCrossentropy(y, eager).data())[0]).toBeCloseTo(80, 3);
    expect((await model.evaluate(x, y, { verbose: 0 })).loss).toBeCloseTo(80, 3);
    const live = memory().liveTensors;
    eager.dispose();
    // The output and the view of its logits go together.
    expect(memory().liveTensors).toBe(live - 2);
    model.dispose();
  });

  it('sparse labels equal one-hot labels; out-of-range indices give NaN rows (as TensorFlow on a GPU)', async () => {
    const indices = tensor([0, 3, 5, -1, 6, 2], [6], 'int32');
    const logits = rand([6, 6], { low: -3, high: 3 });
    const valid = [0, 1, 2, 5];
    const rows = (values: ArrayLike<number>, width: number, keep: number[]) => keep.flatMap((r) => Array.from(values).slice(r * width, (r + 1) * width));
    for (const fromLogits of [false, true]) {
      const predictions = fromLogits ? logits : ops.softmax(logits);
      const [sparseValues, sparseGrad] = await valueAndGradient((p) => ops.sparseCategoricalCrossentropy(indices, p, { fromLogits }), predictions);
      const [values, grad] = await valueAndGradient((p) => ops.categoricalCrossentropy(ops.oneHot(indices, 6), p, { fromLogits }), predictions);
      expectClose(rows(sparseValues, 1, valid), rows(values, 1, valid), 1e-6);
      expectClose(rows(sparseGrad, 6, valid), rows(grad, 6, valid), 1e-6);
      expect([sparseValues[3], sparseValues[4]]).toEqual([NaN, NaN]);
      expect(rows(sparseGrad, 6, [3, 4]).every(Number.isNaN)).toBe(true);
    }
  });
});

describe('dispatches', () => {
  it('one for the loss and one for its gradient', () => {
    const [labels, logits] = [ops.oneHot(tensor([1, 2, 0], [3], 'int32'), 4), rand([3, 4])];
    for (const fromLogits of [false, true]) {
      tidy(() => {
        const spy = vi.spyOn(currentGpu()!, 'dispatch');
        const tape = new GradientTape();
        tape.watch(logits);
        const loss = tape.record(() => ops.categoricalCrossentropy(labels, logits, { fromLogits }));
        expect(spy.mock.calls.length).toBe(1);
        tape.gradient(loss, [logits]);
        // onesLike(loss) seeds the gradient.
        expect(spy.mock.calls.length).toBe(1 + 1 + 1);
        spy.mockRestore();
      });
    }
  });
});

describe('errors', () => {
  it('names the op and the shapes', () => {
    expect(() => ops.categoricalCrossentropy(rand([2, 3]), rand([2, 4]))).toThrow(/categoricalCrossentropy: labels of shape \[2,3\] and predictions of shape \[2,4\] must have the same shape/);
    expect(() => ops.categoricalCrossentropy(rand([2, 3]), rand([2, 3]), { axis: 2 })).toThrow(/categoricalCrossentropy: axis 2 is out of range/);
    expect(() => ops.categoricalCrossentropy(rand([2, 3], { int: true }), rand([2, 3], { int: true }))).toThrow(/predictions are int32 .* must be float32/);
    expect(() => ops.sparseCategoricalCrossentropy(rand([2, 1]), rand([2, 3]))).toThrow(/sparseCategoricalCrossentropy: labels of shape \[2,1\] must have the shape of the predictions \[2,3\] without their last \(class\) axis, \[2\]/);
    expect(() => ops.categoricalCrossentropy([1] as never, rand([2]))).toThrow(/categoricalCrossentropy: expected a Tensor, got an array/);
  });
});
