// BatchNormalization, LayerNormalization and InstanceNormalization against float64 references:
// training vs inference, moving statistics after a step, axes, weights, shapes and gradients.

import { describe, expect, it } from 'vitest';
import { memory, tensor } from '../../src/node';
import { BatchNormalization, Input, InstanceNormalization, LayerNormalization } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/**
 * Normalizes x (row-major, `shape`) over the axes where `reduced` is true, then applies per-element
 * gamma/beta given as functions of the coordinate. Statistics from `stats` when given.
 */
function normalizeReference(
  x: number[],
  shape: number[],
  reduced: boolean[],
  epsilon: number,
  gamma: (c: number[]) => number,
  beta: (c: number[]) => number,
  stats?: (c: number[]) => { mean: number; variance: number },
): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const coords = (i: number) => shape.map((d, k) => Math.floor(i / strides[k]) % d);
  const key = (c: number[]) => c.map((v, k) => (reduced[k] ? 0 : v)).join(',');
  const groups = new Map<string, number[]>();
  x.forEach((v, i) => {
    const k = key(coords(i));
    groups.set(k, [...(groups.get(k) ?? []), v]);
  });
  return x.map((v, i) => {
    const c = coords(i);
    let mean: number;
    let variance: number;
    if (stats) ({ mean, variance } = stats(c));
    else {
      const g = groups.get(key(c))!;
      mean = g.reduce((a, b) => a + b, 0) / g.length;
      variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length;
    }
    return ((v - mean) / Math.sqrt(variance + epsilon)) * gamma(c) + beta(c);
  });
}

describe('LayerNormalization', () => {
  const shape = [3, 5];
  const x = seededValues(15, 1, -2, 3);

  it('normalizes each sample over the last axis with gamma and beta', async () => {
    const gamma = seededValues(5, 2, 0.5, 1.5);
    const beta = seededValues(5, 3);
    const ln = new LayerNormalization();
    ln.apply(tensor(x, shape));
    expect(ln.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['gamma', [5]], ['beta', [5]]]);
    ln.setWeights([tensor(gamma), tensor(beta)]);
    const expected = normalizeReference(x, shape, [false, true], 1e-3, (c) => gamma[c[1]], (c) => beta[c[1]]);
    expectClose(await ln.apply(tensor(x, shape)).data(), expected, { atol: 1e-5 });
  });

  it('normalizes over several axes, with parameters of their shape', async () => {
    const shape3 = [2, 3, 4];
    const x3 = seededValues(24, 4);
    const ln = new LayerNormalization({ axis: [1, 2], epsilon: 1e-5 });
    ln.apply(tensor(x3, shape3));
    expect(ln.weights.map((w) => [...w.shape])).toEqual([[3, 4], [3, 4]]);
    const gamma = seededValues(12, 5, 0.5, 1.5);
    ln.setWeights([tensor(gamma, [3, 4]), tensor(seededValues(12, 6), [3, 4])]);
    const beta = (await ln.weights[1].data()) as Float32Array;
    const expected = normalizeReference(x3, shape3, [false, true, true], 1e-5, (c) => gamma[c[1] * 4 + c[2]], (c) => beta[c[1] * 4 + c[2]]);
    expectClose(await ln.apply(tensor(x3, shape3)).data(), expected, { atol: 1e-5 });
  });

  it('without center and scale has no weights and gives the plain normalization', async () => {
    const ln = new LayerNormalization({ center: false, scale: false });
    const y = ln.apply(tensor(x, shape));
    expect(ln.weights).toHaveLength(0);
    expectClose(await y.data(), normalizeReference(x, shape, [false, true], 1e-3, () => 1, () => 0), { atol: 1e-5 });
  });

  it('keeps the shape on symbolic inputs and counts Keras parameters', () => {
    const ln = new LayerNormalization();
    expect(ln.apply(Input({ shape: [7, 16] })).shape).toEqual([null, 7, 16]);
    expect(ln.countParams()).toBe(32);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new LayerNormalization({ gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5, seed: 1 } }, betaInitializer: { className: 'RandomUniform', config: { seed: 2 } } });
    expect(await layerGradCheck(make, [2, 4], seededValues(8, 7, -2, 2))).toBe('ok');
  });
});

describe('BatchNormalization', () => {
  const shape = [4, 3];
  const x = seededValues(12, 11, -2, 4);
  const columnStats = (values: number[], rows: number, cols: number) =>
    Array.from({ length: cols }, (_, j) => {
      const col = Array.from({ length: rows }, (_, i) => values[i * cols + j]);
      const mean = col.reduce((a, b) => a + b, 0) / rows;
      return { mean, variance: col.reduce((a, b) => a + (b - mean) ** 2, 0) / rows };
    });

  it('makes gamma, beta (trainable), movingMean and movingVariance (non-trainable)', () => {
    const bn = new BatchNormalization();
    bn.apply(Input({ shape: [64] }));
    expect(bn.weights.map((w) => w.name.split('/')[1])).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(bn.trainableWeights).toHaveLength(2);
    expect(bn.nonTrainableWeights).toHaveLength(2);
    expect(bn.countParams()).toBe(256);
  });

  it('in training normalizes with the batch statistics and updates the moving statistics', async () => {
    const gamma = [0.5, 1, 2];
    const beta = [0.1, -0.2, 0.3];
    const bn = new BatchNormalization({ momentum: 0.9 });
    bn.apply(Input({ shape: [3] }));
    bn.setWeights([tensor(gamma), tensor(beta), tensor([0.5, 0, -1]), tensor([1, 2, 3])]);
    const y = bn.apply(tensor(x, shape), { training: true });
    const expected = normalizeReference(x, shape, [true, false], 1e-3, (c) => gamma[c[1]], (c) => beta[c[1]]);
    expectClose(await y.data(), expected, { atol: 1e-5 });
    const stats = columnStats(x, 4, 3);
    expectClose(await bn.movingMean.data(), stats.map((s, j) => [0.5, 0, -1][j] * 0.9 + s.mean * 0.1));
    expectClose(await bn.movingVariance.data(), stats.map((s, j) => [1, 2, 3][j] * 0.9 + s.variance * 0.1));
  });

  it('at inference uses the moving statistics and changes nothing', async () => {
    const bn = new BatchNormalization({ epsilon: 0.01 });
    bn.apply(Input({ shape: [3] }));
    const movingMean = [0.5, 0, -1];
    const movingVariance = [1, 2, 3];
    bn.setWeights([tensor([0.5, 1, 2]), tensor([0.1, -0.2, 0.3]), tensor(movingMean), tensor(movingVariance)]);
    const y = bn.apply(tensor(x, shape));
    const expected = normalizeReference(x, shape, [true, false], 0.01, (c) => [0.5, 1, 2][c[1]], (c) => [0.1, -0.2, 0.3][c[1]], (c) => ({ mean: movingMean[c[1]], variance: movingVariance[c[1]] }));
    expectClose(await y.data(), expected, { atol: 1e-5 });
    expectClose(await bn.movingMean.data(), movingMean);
  });

  it('runs in inference mode when frozen, even with training: true (Keras 3)', async () => {
    const bn = new BatchNormalization();
    bn.apply(Input({ shape: [3] }));
    bn.trainable = false;
    const y = bn.apply(tensor(x, shape), { training: true });
    expectClose(await y.data(), x.map((v) => v / Math.sqrt(1 + 1e-3)), { atol: 1e-5 });
    expectClose(await bn.movingMean.data(), [0, 0, 0]);
  });

  it('normalizes over every axis but `axis` (axis 1 of a rank-4 input)', async () => {
    const shape4 = [2, 3, 2, 2];
    const x4 = seededValues(24, 12);
    const bn = new BatchNormalization({ axis: 1, center: false, scale: false });
    const y = bn.apply(tensor(x4, shape4), { training: true });
    expect(bn.weights.map((w) => [...w.shape])).toEqual([[3], [3]]);
    expectClose(await y.data(), normalizeReference(x4, shape4, [true, false, true, true], 1e-3, () => 1, () => 0), { atol: 1e-5 });
  });

  it('rejects an input whose feature dimension differs from the built one', () => {
    const bn = new BatchNormalization({ name: 'bn_axis' });
    bn.apply(Input({ shape: [3] }));
    expect(() => bn.apply(Input({ shape: [4] }))).toThrow('Input 0 of layer "bn_axis" is incompatible with the layer: expected axis 1 of input shape to have value 3, but received input with shape (None, 4)');
    expect(() => new BatchNormalization().apply(Input({ shape: [null] }))).toThrow(/should have a defined dimension/);
  });

  it('keeps memory flat across training steps', () => {
    const bn = new BatchNormalization();
    const input = tensor(x, shape);
    bn.apply(input, { training: true }).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) bn.apply(input, { training: true }).dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('has tape gradients matching finite differences, in training and at inference', async () => {
    const make = () =>
      new BatchNormalization({
        gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5, seed: 3 } },
        betaInitializer: { className: 'RandomUniform', config: { seed: 4 } },
        movingVarianceInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 2, seed: 5 } },
      });
    expect(await layerGradCheck(make, [4, 3], seededValues(12, 13, -2, 2), { training: true })).toBe('ok');
    expect(await layerGradCheck(make, [4, 3], seededValues(12, 13, -2, 2))).toBe('ok');
  });
});

describe('InstanceNormalization', () => {
  const shape = [2, 2, 2, 3];
  const x = seededValues(24, 21, -1, 3);

  it('normalizes each sample and channel over the spatial axes', async () => {
    const gamma = [0.5, 1, 2];
    const beta = [0, 1, -1];
    const norm = new InstanceNormalization();
    norm.apply(tensor(x, shape));
    norm.setWeights([tensor(gamma), tensor(beta)]);
    const expected = normalizeReference(x, shape, [false, true, true, false], 1e-3, (c) => gamma[c[3]], (c) => beta[c[3]]);
    expectClose(await norm.apply(tensor(x, shape)).data(), expected, { atol: 1e-5 });
  });

  it('accepts a rank-3 (sequence) input and rejects rank 2', () => {
    expect(new InstanceNormalization().apply(Input({ shape: [10, 4] })).shape).toEqual([null, 10, 4]);
    expect(() => new InstanceNormalization({ name: 'in_rank' }).apply(Input({ shape: [4] }))).toThrow('Input 0 of layer "in_rank" is incompatible with the layer: expected min_ndim=3, found ndim=2');
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new InstanceNormalization({ gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5, seed: 6 } } });
    expect(await layerGradCheck(make, [2, 3, 2], seededValues(12, 22, -2, 2))).toBe('ok');
  });
});
