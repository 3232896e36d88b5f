// The Normalization preprocessing layer: Keras's docstring examples, adapt against NumPy-style
// mean and variance references (one tensor and several batches, several kept axes) on both
// backends, given statistics, invert, the error before adapt, and save/load of adapted statistics.

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, tensor, type Tensor } from '../../src/node';
import { Dense, Normalization, deserializeLayer } from '../../src/layers/index';
import { loadModel, removeModel } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

/** np.mean and np.var of x (row-major `shape`) over every axis not in `kept`, in the kept axes' order. */
function statisticsReference(x: number[], shape: number[], kept: number[]): { mean: number[]; variance: number[] } {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const keptStrides = kept.map((_, k) => kept.slice(k + 1).reduce((a, d) => a * shape[d], 1));
  const size = kept.reduce((a, d) => a * shape[d], 1);
  const groups: number[][] = Array.from({ length: size }, () => []);
  x.forEach((v, i) => groups[kept.reduce((at, d, k) => at + (Math.floor(i / strides[d]) % shape[d]) * keptStrides[k], 0)].push(v));
  const mean = groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
  return { mean, variance: groups.map((g, k) => g.reduce((a, b) => a + (b - mean[k]) ** 2, 0) / g.length) };
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('Normalization', () => {
  it("reproduces Keras's docstring examples", async () => {
    const global = new Normalization({ axis: null });
    await global.adapt(tensor([1, 2, 3, 4, 5]));
    expectClose(await values(global.apply(tensor([1, 2, 3]))), [-1.4142135, -0.70710677, 0]);

    const adaptData = tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]);
    const perFeature = new Normalization({ axis: -1 });
    await perFeature.adapt(adaptData);
    expectClose(await values(perFeature.apply(tensor([[0, 7, 4]]))), [-1, -1, -1]);

    expectClose(await values(new Normalization({ mean: 3, variance: 2 }).apply(tensor([[1], [2], [3]]))), [-1.4142135, -0.70710677, 0]);

    const inverse = new Normalization({ axis: -1, invert: true });
    await inverse.adapt(adaptData);
    expectClose(await values(inverse.apply(tensor([[1, 2, 3]]))), [2, 10, 8]);
  });

  it('adapts per kept axes to the NumPy mean and variance over the others, and normalizes with them, on both backends', async () => {
    const shape = [4, 3, 2];
    const x = seededValues(24, 1, -3, 5);
    for (const [axis, kept] of [[-1, [2]], [[1, 2], [1, 2]], [1, [1]]] as const) {
      const { mean, variance } = statisticsReference(x, shape, [...kept]);
      await onBothBackends(async () => {
        const norm = new Normalization({ axis: axis as number | number[] });
        await norm.adapt(tensor(x, shape));
        expect(norm.weights.map((w) => [w.name.split('/')[1], [...w.shape], w.trainable])).toEqual([
          ['mean', kept.map((d) => shape[d]), false],
          ['variance', kept.map((d) => shape[d]), false],
        ]);
        expectClose(await values(norm.adaptMean!), mean, { atol: 1e-5 });
        expectClose(await values(norm.adaptVariance!), variance, { atol: 1e-5 });
        const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
        const statIndex = (i: number) => kept.reduce((at, d) => at * shape[d] + (Math.floor(i / strides[d]) % shape[d]), 0);
        const expected = x.map((v, i) => (v - mean[statIndex(i)]) / Math.sqrt(variance[statIndex(i)]));
        expectClose(await values(norm.apply(tensor(x, shape))), expected, { atol: 1e-5 });
      })();
    }
  });

  it('adapts to a list of batches as to their concatenation', async () => {
    const x = seededValues(30, 2, -1, 4);
    const { mean, variance } = statisticsReference(x, [10, 3], [1]);
    const norm = new Normalization();
    await norm.adapt([tensor(x.slice(0, 6), [2, 3]), tensor(x.slice(6, 21), [5, 3]), tensor(x.slice(21), [3, 3])]);
    expectClose(await values(norm.adaptMean!), mean, { atol: 1e-5 });
    expectClose(await values(norm.adaptVariance!), variance, { atol: 1e-5 });
  });

  it('broadcasts given statistics to the kept axes and divides by at least 1e-7', async () => {
    const norm = new Normalization({ axis: [1, 2], mean: [1, 2], variance: [4, 0] });
    const y = norm.apply(tensor([3, 2, 5, 2], [1, 2, 2]));
    expect(norm.weights).toHaveLength(0);
    expectClose(await values(y), [1, 0, 2, 0]);
    const constant = new Normalization();
    await constant.adapt(tensor([[5, 1], [5, 3]]));
    expectClose(await values(constant.apply(tensor([[5, 2]]))), [0, 0]);
  });

  it('is an error to use before adapt, and adapt checks the data against the built shape', async () => {
    const norm = new Normalization();
    expect(norm.apply(Input({ shape: [3] })).shape).toEqual([null, 3]);
    expect(norm.isAdapted).toBe(false);
    expect(() => norm.apply(tensor([[1, 2, 3]]))).toThrow('has no mean and variance yet: call `await layer.adapt(data)` before using it');
    await expect(norm.adapt(tensor([[1, 2]]))).rejects.toThrow('adapt() received data with an incompatible shape [1,2]');
    await expect(norm.adapt([] as never)).rejects.toThrow('Expected a tensor or a non-empty list of tensors');
    await norm.adapt(tensor([[1, 2, 3], [3, 4, 5]]));
    expect(norm.isAdapted).toBe(true);
    await expect(new Normalization({ mean: 1, variance: 1 }).adapt(tensor([1]))).rejects.toThrow('cannot be adapted');
    expect(() => new Normalization({ mean: 1 })).toThrow('both `mean` and `variance` must be set');
    expect(() => new Normalization({ mean: [1, 2], variance: [1] })).toThrow('must have the same shape');
    expect(() => new Normalization({ mean: [[1]], variance: [[1]] })).toThrow('The rank of `mean` must be less than or equal to the number of axes (1)');
    expect(() => new Normalization({ mean: [1, 2], variance: [1, 2] }).apply(tensor([[1, 2, 3]]))).toThrow('cannot be broadcast');
  });

  it('round-trips its config through the registry', () => {
    const config = new Normalization({ axis: [1, 2], mean: [1, 2], variance: [3, 4], invert: true }).getConfig();
    expect(config).toMatchObject({ axis: [1, 2], mean: [1, 2], variance: [3, 4], invert: true });
    expect(deserializeLayer({ className: 'Normalization', config }).getConfig()).toEqual(config);
    expect(new Normalization().getConfig()).toMatchObject({ axis: -1, mean: null, variance: null, invert: false });
  });

  it('saves and loads its adapted statistics in a model', async () => {
    const x = tensor(seededValues(24, 3, 10, 20), [8, 3]);
    const norm = new Normalization({ name: 'norm' });
    await norm.adapt(x);
    const inputs = Input({ shape: [3] });
    const model = new Model({ inputs, outputs: new Dense({ units: 2 }).apply(norm.apply(inputs)) });
    await model.save('memory://normalized');
    const restored = await loadModel('memory://normalized');
    const restoredNorm = restored.layers.find((l) => l.name === 'norm') as Normalization;
    expect(restoredNorm.isAdapted).toBe(true);
    expect(await values(restoredNorm.adaptMean!)).toEqual(await values(norm.adaptMean!));
    expect(await values((await restored.predict(x)) as Tensor)).toEqual(await values((await model.predict(x)) as Tensor));
    await removeModel('memory://normalized');

    const sequential = new Sequential([Input({ shape: [3] }), new Normalization(), new Dense({ units: 1 })]);
    expect(() => sequential.apply(x)).toThrow('has no mean and variance yet');
  });
});
