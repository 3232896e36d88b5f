// RMSNormalization and ops.rmsNormalization: values against a float64 plain-loop reference on both
// backends (one axis, several axes, an axis that is not the last, a learned scale), the GPU
// against the CPU, gradients by finite differences (the op with its scale, the layer with its
// weight), the scale weight, the config round trip and saving, and argument errors.

import { beforeEach, describe, expect, it } from 'vitest';
import { Input, Model, getBackend, layers, loadModel, memoryHandler, ops, tensor, type Tensor } from '../../src/node';
import { RMSNormalization, deserializeLayer, getLayerClass } from '../../src/layers/index';
import { gradCheck } from '../autograd/gradcheck';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

/**
 * float64 reference: x * 1/sqrt(mean(x^2 over axes) + epsilon) * scale, where scale(index) gives
 * the scale at a multi-index of x (1 when absent).
 */
function reference(values: number[], shape: number[], axes: number[], epsilon: number, scale: (index: number[]) => number = () => 1): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const indexOf = (flat: number) => shape.map((_, i) => Math.floor(flat / strides[i]) % shape[i]);
  // Elements share a mean square when they agree on every axis that is not normalized.
  const groupOf = (index: number[]) => index.map((v, i) => (axes.includes(i) ? 0 : v)).join(',');
  const sums = new Map<string, number>();
  values.forEach((v, k) => {
    const g = groupOf(indexOf(k));
    sums.set(g, (sums.get(g) ?? 0) + v * v);
  });
  const count = axes.reduce((n, a) => n * shape[a], 1);
  return values.map((v, k) => {
    const index = indexOf(k);
    return (v / Math.sqrt(sums.get(groupOf(index))! / count + epsilon)) * scale(index);
  });
}

describe('ops.rmsNormalization', () => {
  it(
    'matches the float64 reference over one axis and over several, with a broadcast scale',
    onBothBackends(async () => {
      const values = seededValues(24, 31, -2, 2);
      const x = tensor(values, [2, 3, 4]);
      expectClose(await ops.rmsNormalization(x).data(), reference(values, [2, 3, 4], [2], 1e-7));
      expectClose(await ops.rmsNormalization(x, null, [1, 2], 1e-3).data(), reference(values, [2, 3, 4], [1, 2], 1e-3));
      expectClose(await ops.rmsNormalization(x, null, 1, 0.5).data(), reference(values, [2, 3, 4], [1], 0.5));
      const gamma = [0.5, -1, 2, 3];
      expectClose(await ops.rmsNormalization(x, tensor(gamma), -1, 1e-6).data(), reference(values, [2, 3, 4], [2], 1e-6, (i) => gamma[i[2]]));
      expectClose(await ops.rmsNormalization(x, 2, -1).data(), reference(values, [2, 3, 4], [2], 1e-7, () => 2));
    }),
  );

  it('follows the Keras definition on a hand example, a scalar as a vector of one', async () => {
    // [3, 4]: mean square 12.5, so x / sqrt(12.5).
    expectClose(await ops.rmsNormalization(tensor([[3, 4]])).data(), [3 / Math.sqrt(12.5 + 1e-7), 4 / Math.sqrt(12.5 + 1e-7)]);
    const scalar = ops.rmsNormalization(tensor(-2));
    expect(scalar.shape).toEqual([1]);
    expectClose(await scalar.data(), [-1]);
    const ints = ops.rmsNormalization(tensor([[0, 2]], undefined, 'int32'), null, -1, 0);
    expect(ints.dtype).toBe('float32');
    expectClose(await ints.data(), [0, Math.SQRT2]);
  });

  it('has finite-difference gradients with respect to x and the scale', async () => {
    expect((await gradCheck((x) => ops.rmsNormalization(x, null, -1, 1e-3), [[3, 4]])).message).toBe('ok');
    expect((await gradCheck((x, g) => ops.rmsNormalization(x, g, [1, 2], 1e-3), [[2, 3, 4], [3, 4]])).message).toBe('ok');
    expect((await gradCheck((x, g) => ops.rmsNormalization(x, g, 1, 1e-3), [[2, 3, 2], [3, 1]])).message).toBe('ok');
  });

  it('checks its arguments before any GPU work', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => ops.rmsNormalization(x, tensor([1, 2]))).toThrow("rmsNormalization: scale of shape [2] does not broadcast to x's shape [2,3]; expected the sizes of the normalized axes (e.g. [3] when they are the last ones).");
    expect(() => ops.rmsNormalization(x, null, 2)).toThrow('rmsNormalization: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.rmsNormalization(x, null, -1, -1)).toThrow('rmsNormalization: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=-1.');
    expect(() => ops.rmsNormalization([1, 2] as never)).toThrow('rmsNormalization: expected a Tensor, got an array');
  });
});

describe('RMSNormalization', () => {
  it(
    'normalizes with its scale weight, over the last axis by default (epsilon 1e-6)',
    onBothBackends(async () => {
      const values = seededValues(12, 41, -3, 3);
      const layer = new RMSNormalization();
      const out = layer.apply(tensor(values, [3, 4]));
      expect(layer.scale.shape).toEqual([4]);
      expect(layer.scale.name).toMatch(/\/scale$/);
      expect(Array.from(await layer.scale.data())).toEqual([1, 1, 1, 1]);
      expectClose(await out.data(), reference(values, [3, 4], [1], 1e-6));
      const gamma = [2, 0.5, -1, 1.5];
      layer.setWeights([tensor(gamma)]);
      expectClose(await layer.apply(tensor(values, [3, 4])).data(), reference(values, [3, 4], [1], 1e-6, (i) => gamma[i[1]]));
    }),
  );

  it(
    'normalizes over an axis that is not the last, and over several, its scale along them',
    onBothBackends(async () => {
      const values = seededValues(24, 42, -2, 2);
      const middle = new RMSNormalization({ axis: 1, epsilon: 1e-3 });
      middle.apply(Input({ shape: [3, 4] }));
      const gamma = [0.5, 2, -1];
      middle.setWeights([tensor(gamma)]);
      expectClose(await middle.apply(tensor(values, [2, 3, 4])).data(), reference(values, [2, 3, 4], [1], 1e-3, (i) => gamma[i[1]]));
      const both = new RMSNormalization({ axis: [-1, 1] });
      both.apply(Input({ shape: [3, 4] }));
      expect(both.scale.shape).toEqual([3, 4]);
      const grid = seededValues(12, 43, 0.5, 1.5);
      both.setWeights([tensor(grid, [3, 4])]);
      expectClose(await both.apply(tensor(values, [2, 3, 4])).data(), reference(values, [2, 3, 4], [1, 2], 1e-6, (i) => grid[i[1] * 4 + i[2]]));
    }),
  );

  it('has finite-difference gradients for its input and scale', async () => {
    expect(await layerGradCheck(() => new RMSNormalization({ epsilon: 1e-3 }), [2, 3], seededValues(6, 44, -2, 2))).toBe('ok');
    expect(await layerGradCheck(() => new RMSNormalization({ axis: 1 }), [2, 3, 2], seededValues(12, 45, -2, 2))).toBe('ok');
  });

  it('keeps the shape, checks its axes, and needs the normalized sizes known', () => {
    expect(new RMSNormalization().apply(Input({ shape: [null, 8] })).shape).toEqual([null, null, 8]);
    expect(() => new RMSNormalization({ axis: 3, name: 'rms_rank' }).apply(Input({ shape: [4] }))).toThrow('Invalid axis for layer "rms_rank": 3. Expected an integer in [-2, 2) for an input of shape (None, 4).');
    expect(() => new RMSNormalization({ axis: 1 }).apply(Input({ shape: [null, 4] }))).toThrow('Axis 1 of input tensor should have a defined dimension but the layer received an input with shape (None, None, 4).');
    expect(() => new RMSNormalization({ epsilon: -1 })).toThrow('Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=-1');
    expect(() => new RMSNormalization({ axis: 'last' as never })).toThrow('Invalid value for argument axis.');
    const built = new RMSNormalization({ name: 'rms_built' });
    built.apply(Input({ shape: [4] }));
    expect(() => built.apply(tensor([1, 2, 3], [1, 3]))).toThrow('Input 0 of layer "rms_built" is incompatible with the layer: expected axis 1 of input shape to have value 4');
  });

  it('is registered and rebuilds from its config; a model with it saves and loads', async () => {
    const layer = new RMSNormalization({ axis: [1, 2], epsilon: 1e-4 });
    const config = layer.getConfig();
    expect(config).toMatchObject({ axis: [1, 2], epsilon: 1e-4 });
    expect(getLayerClass('RMSNormalization')).toBe(RMSNormalization);
    expect(deserializeLayer({ className: 'RMSNormalization', config: JSON.parse(JSON.stringify(config)) }).getConfig()).toEqual(config);

    const inputs = Input({ shape: [5] });
    const outputs = new layers.Dense({ units: 1 }).apply(new RMSNormalization().apply(new layers.Dense({ units: 4 }).apply(inputs)));
    const model = new Model({ inputs, outputs });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = rand([16, 5], { seed: 46 });
    const y = x.sum(1, true);
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.some((l) => l instanceof RMSNormalization)).toBe(true);
    expectClose(await ((await restored.predict(x)) as Tensor).data(), await ((await model.predict(x)) as Tensor).data());
  });
});

const cases: OpCase[] = [
  { name: 'rmsNormalization last axis [4,7]', run: () => ops.rmsNormalization(rand([4, 7])) },
  { name: 'rmsNormalization axes [1,2] with scale [2,3,5]', run: () => ops.rmsNormalization(rand([2, 3, 5]), rand([3, 5]), [1, 2], 1e-6) },
  { name: 'RMSNormalization axis 1 [2,3,4]', run: () => new RMSNormalization({ axis: 1 }).apply(rand([2, 3, 4])) },
];

describe('rmsNormalization on the GPU matches the CPU', () => {
  checkCases(cases);
});
