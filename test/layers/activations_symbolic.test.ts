// The public activations on symbolic tensors, as Keras's `keras.activations.sigmoid(x)` between
// layers (keras.io's memory-efficient embeddings example: `sigmoid(logits) * 5`): they record their
// ops in the graph, the model computes what the activations compute on tensors, saves and loads,
// and the functions keep their identity, so a layer given one still saves its name.

import { describe, expect, it } from 'vitest';
import { Input, Model, activations, layers, loadModel, ops, tensor, type Tensor } from '../../src/node';
import { Operation } from '../../src/layers/operation';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

async function expectClose(actual: Tensor, expected: Tensor, tolerance = 1e-6): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const [x, y] = [await actual.data(), await expected.data()];
  x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(tolerance));
}

const sample = () => tensor([[-3, -0.5, 0, 2], [1, 4, -2, 0.25]]);

/** Each activation called with Keras's arguments, on a symbolic tensor and then on a tensor. */
const cases: [string, (t: never) => unknown][] = [
  ['sigmoid', (t) => activations.sigmoid(t)],
  ['relu with options', (t) => activations.relu(t, { negativeSlope: 0.5, maxValue: 3, threshold: 0.5 })],
  ['softmax over the last axis', (t) => activations.softmax(t)],
  ['softmax over axis 0', (t) => activations.softmax(t, 0)],
  ['gelu, exact', (t) => activations.gelu(t)],
  ['elu with alpha', (t) => activations.elu(t, 0.5)],
  ['linear', (t) => activations.linear(t)],
];

describe('activations on symbolic tensors', () => {
  for (const [name, activation] of cases) {
    it(
      `${name}: the model computes what the activation computes on tensors`,
      onBothBackends(async () => {
        const input = Input({ shape: [4] });
        const model = new Model({ inputs: input, outputs: activation(input as never) as never });
        const x = sample();
        await expectClose((await model.predict(x)) as Tensor, activation(x as never) as Tensor);
      }),
    );
  }

  it('record op nodes that save and load (sigmoid(logits) * 5 after a Dot)', async () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const logits = new layers.Dot({ axes: 1 }).apply([a, b]);
    const model = new Model({ inputs: [a, b], outputs: ops.multiply(activations.sigmoid(logits), 5) });
    expect(model.layers.filter((l) => l instanceof Operation).map((l) => (l as Operation).op)).toEqual(['sigmoid', 'multiply']);
    const data = [tensor([[1, 2, 0], [0, -1, 1]]), tensor([[0.5, 0, 1], [1, 1, 1]])];
    const expected = [5 / (1 + Math.exp(-0.5)), 5 / (1 + Math.exp(0))];
    expect(Array.from(await ((await model.predict(data)) as Tensor).data())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    await model.save('memory://activations-symbolic');
    const restored = await loadModel('memory://activations-symbolic');
    await expectClose((await restored.predict(data)) as Tensor, (await model.predict(data)) as Tensor, 0);
  });

  it('stay the functions that layer options resolve to, saved by name', () => {
    expect(activations.get('sigmoid')).toBe(activations.sigmoid);
    expect(new layers.Dense({ units: 2, activation: activations.sigmoid }).getConfig().activation).toBe('sigmoid');
    expect(activations.serialize(activations.relu)).toBe('relu');
  });
});
