// optimizer.excludeFromWeightDecay({ varList, varNames }), as Keras 3's exclude_from_weight_decay:
// the variables listed, and those whose name a pattern of varNames matches, take no weight decay;
// the others decay as before. Checked against a float64 AdamW, in a replayed and an eager fit.

import { beforeEach, describe, expect, it } from 'vitest';
import { Variable, getBackend, optimizers, tensor, tidy } from '../../src/node';
import { useWebGPU } from '../helpers';
import { data, expectClose, fitTwins, gradients, paramsOf, twins, type Params } from './linear_reference';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

const LR = 0.05;
const DECAY = 0.5;

describe('excludeFromWeightDecay', () => {
  it("AdamW with varNames ['bias']: the kernel decays, the bias does not", async () => {
    const make = () => {
      const optimizer = new optimizers.AdamW({ learningRate: LR, weightDecay: DECAY });
      optimizer.excludeFromWeightDecay({ varNames: ['bias'] });
      return optimizer;
    };
    const [compiled, eager] = twins(make);
    expect(compiled.trainableWeights.map((w) => w.name)).toEqual([expect.stringMatching(/kernel$/), expect.stringMatching(/bias$/)]);
    const initial = await paramsOf(compiled);
    await fitTwins(compiled, eager, 2);
    const weights = await paramsOf(compiled);
    expect(weights).toEqual(await paramsOf(eager));
    const params: Params = [[...initial[0]], [...initial[1]]];
    const m: Params = [new Array(6).fill(0), [0, 0]];
    const v: Params = [new Array(6).fill(0), [0, 0]];
    for (let t = 1; t <= 12; t++) {
      const g = gradients(params, (t - 1) % 6);
      params.forEach((p, k) => p.forEach((_, i) => {
        if (k === 0) p[i] -= p[i] * DECAY * LR;
        m[k][i] = 0.9 * m[k][i] + 0.1 * g[k][i];
        v[k][i] = 0.999 * v[k][i] + 0.001 * g[k][i] ** 2;
        p[i] -= ((LR * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t)) * m[k][i] / (Math.sqrt(v[k][i]) + 1e-7);
      }));
    }
    expectClose(weights, params);
  });

  it('SGD with varList: the listed variable keeps its value under a zero gradient, the other decays', async () => {
    const kept = new Variable(tensor([1, -2]), { name: 'kept' });
    const decayed = new Variable(tensor([1, -2]), { name: 'decayed' });
    const optimizer = new optimizers.SGD({ learningRate: 0.1, weightDecay: 0.5 });
    optimizer.excludeFromWeightDecay({ varList: [kept] });
    tidy(() => optimizer.applyGradients([[tensor([0, 0]), kept], [tensor([0, 0]), decayed]]));
    expect(Array.from(await kept.data())).toEqual([1, -2]);
    const [a, b] = await decayed.data();
    expect(a).toBeCloseTo(1 - 0.05, 6);
    expect(b).toBeCloseTo(-2 * 0.95, 6);
    // A later call replaces the exclusions: now the name pattern excludes 'decayed' only.
    optimizer.excludeFromWeightDecay({ varNames: ['^dec'] });
    tidy(() => optimizer.applyGradients([[tensor([0, 0]), kept], [tensor([0, 0]), decayed]]));
    expect((await kept.data())[0]).toBeCloseTo(0.95, 6);
    expect((await decayed.data())[0]).toBeCloseTo(0.95, 6);
  });

  it('a compiled fit follows exclusions set between fits', async () => {
    const [compiled, eager] = twins(() => new optimizers.AdamW({ learningRate: LR, weightDecay: DECAY }));
    await fitTwins(compiled, eager, 1);
    for (const model of [compiled, eager]) model.optimizer.excludeFromWeightDecay({ varNames: ['kernel'] });
    const { x, y } = data();
    const options = { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 as const };
    await compiled.fit(x, y, options);
    await eager.fit(x, y, options);
    expect(await paramsOf(compiled)).toEqual(await paramsOf(eager));
  });

  it('checks its arguments', () => {
    const optimizer = new optimizers.AdamW();
    expect(() => optimizer.excludeFromWeightDecay({ var_names: ['bias'] } as never)).toThrow(/did you mean 'varNames'/);
    expect(() => optimizer.excludeFromWeightDecay({ varNames: ['('] })).toThrow(/`varNames` must be regular expressions/);
    expect(() => optimizer.excludeFromWeightDecay({ varList: [tensor([1])] as never })).toThrow(/`varList` must be an array of Variables/);
  });
});
