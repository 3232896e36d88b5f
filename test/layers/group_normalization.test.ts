// GroupNormalization against a plain-loop float64 reference on both backends: channels-last and
// channels-first groups, its relation to InstanceNormalization and LayerNormalization, errors,
// config round trip and gradients.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { GroupNormalization, Input, InstanceNormalization, LayerNormalization, deserializeLayer } from '../../src/layers/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/**
 * Group normalization of x (row-major `shape`, batch first) with channels on `axis`: each sample's
 * group of `channels / groups` consecutive channels, over all other non-batch axes.
 */
function groupNormReference(x: number[], shape: number[], axis: number, groups: number, epsilon: number, gamma: number[], beta: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const perGroup = shape[axis] / groups;
  const groupOf = (i: number) => {
    const sample = Math.floor(i / strides[0]);
    const channel = Math.floor(i / strides[axis]) % shape[axis];
    return { key: sample * groups + Math.floor(channel / perGroup), channel };
  };
  const members = new Map<number, number[]>();
  x.forEach((v, i) => members.set(groupOf(i).key, [...(members.get(groupOf(i).key) ?? []), v]));
  return x.map((v, i) => {
    const { key, channel } = groupOf(i);
    const group = members.get(key)!;
    const mean = group.reduce((a, b) => a + b, 0) / group.length;
    const variance = group.reduce((a, b) => a + (b - mean) ** 2, 0) / group.length;
    return ((v - mean) / Math.sqrt(variance + epsilon)) * gamma[channel] + beta[channel];
  });
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('GroupNormalization', () => {
  it('normalizes each sample and group of channels (channels-last) with gamma and beta, on both backends', async () => {
    const shape = [2, 3, 6];
    const x = seededValues(36, 1, -2, 3);
    const gamma = seededValues(6, 2, 0.5, 1.5);
    const beta = seededValues(6, 3);
    const expected = groupNormReference(x, shape, 2, 3, 1e-3, gamma, beta);
    await onBothBackends(async () => {
      const norm = new GroupNormalization({ groups: 3 });
      norm.apply(tensor(x, shape));
      expect(norm.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['gamma', [6]], ['beta', [6]]]);
      norm.setWeights([tensor(gamma), tensor(beta)]);
      expectClose(await values(norm.apply(tensor(x, shape))), expected, { atol: 1e-5 });
    })();
  });

  it('groups channels on another axis (channels-first)', async () => {
    const shape = [2, 4, 3];
    const x = seededValues(24, 4, -1, 2);
    const norm = new GroupNormalization({ groups: 2, axis: 1, epsilon: 1e-5, center: false, scale: false });
    const y = norm.apply(tensor(x, shape));
    expect(norm.weights).toHaveLength(0);
    expectClose(await values(y), groupNormReference(x, shape, 1, 2, 1e-5, [1, 1, 1, 1], [0, 0, 0, 0]), { atol: 1e-5 });
  });

  it('with groups -1 is InstanceNormalization, with one group LayerNormalization over all features', async () => {
    const images = tensor(seededValues(2 * 2 * 3 * 4, 5), [2, 2, 3, 4]);
    expectClose(await values(new GroupNormalization({ groups: -1 }).apply(images)), await values(new InstanceNormalization().apply(images)), { atol: 1e-5 });
    const rows = tensor(seededValues(12, 6), [2, 6]);
    expectClose(await values(new GroupNormalization({ groups: 1 }).apply(rows)), await values(new LayerNormalization().apply(rows)), { atol: 1e-5 });
  });

  it('keeps the shape on symbolic inputs and counts parameters', () => {
    const norm = new GroupNormalization({ groups: 4 });
    expect(norm.apply(Input({ shape: [5, 5, 8] })).shape).toEqual([null, 5, 5, 8]);
    expect(norm.countParams()).toBe(16);
  });

  it('rejects groups that do not divide the channels, too many groups, the batch axis and bad options', () => {
    expect(() => new GroupNormalization({ groups: 4 }).apply(Input({ shape: [6] }))).toThrow('Number of groups (4) must divide the number of channels (6).');
    expect(() => new GroupNormalization().apply(Input({ shape: [8] }))).toThrow('Number of groups (32) cannot be more than the number of channels (8).');
    expect(() => new GroupNormalization({ groups: 1, axis: 0 }).apply(Input({ shape: [8] }))).toThrow('is the batch axis');
    expect(() => new GroupNormalization({ groups: 0 })).toThrow('Invalid value for argument groups');
    expect(() => new GroupNormalization({ groups: 2 }).apply(Input({ shape: [null] }))).toThrow('should have a defined dimension');
  });

  it('round-trips its config through the registry', () => {
    const norm = new GroupNormalization({ groups: 2, axis: 1, epsilon: 1e-5, center: false, gammaInitializer: 'zeros', gammaRegularizer: 'l2' });
    const config = norm.getConfig();
    expect(config).toMatchObject({ groups: 2, axis: 1, epsilon: 1e-5, center: false, scale: true });
    expect(deserializeLayer({ className: 'GroupNormalization', config }).getConfig()).toEqual(config);
  });

  it('has tape gradients matching finite differences', async () => {
    const make = () => new GroupNormalization({ groups: 2, gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5, seed: 1 } }, betaInitializer: { className: 'RandomUniform', config: { seed: 2 } } });
    expect(await layerGradCheck(make, [2, 2, 4], seededValues(16, 7, -2, 2))).toBe('ok');
  });
});
