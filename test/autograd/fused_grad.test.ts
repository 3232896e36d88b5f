// Gradients of the fused ops on the GPU against central finite differences on the CPU: ops.dense
// for each fused activation, with and without bias, on rank-1, rank-2 and rank-3 inputs, and the
// categorical cross-entropy ops from logits and from probabilities (away from the clip, where the
// loss is differentiable; the clip's zero gradient is checked against the composed ops in
// test/ops/cross_entropy.test.ts).

import { describe, expect, it } from 'vitest';
import { ops, tensor } from '../../src/node';
import type { FusedActivation } from '../../src/ops/matmul';
import { useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

describe('dense gradients', () => {
  const activations: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
  for (const activation of activations) {
    it(`${activation}: x [5,4], kernel [4,3], bias [3]`, async () => {
      // A smaller step for relu: with the default one, a pre-activation of these inputs crosses the kink.
      const result = await gradCheck((x, kernel, bias) => ops.dense(x, kernel, bias, activation), [[5, 4], [4, 3], [3]], activation === 'relu' ? { eps: 1e-3 } : {});
      expect(result.message).toBe('ok');
    });
  }
  it('tanh without bias on a rank-3 input [2,3,4]', async () => {
    const result = await gradCheck((x, kernel) => ops.dense(x, kernel, null, 'tanh'), [[2, 3, 4], [4, 5]]);
    expect(result.message).toBe('ok');
  });
  it('sigmoid on a vector input [4]', async () => {
    const result = await gradCheck((x, kernel, bias) => ops.dense(x, kernel, bias, 'sigmoid'), [[4], [4, 2], [2]]);
    expect(result.message).toBe('ok');
  });
});

describe('categorical cross-entropy gradients', () => {
  /** Soft labels: rows of positive weights that need not sum to 1. */
  const softLabels = () => tensor([0.1, 0.6, 0.3, 0, 0, 1, 0, 0, 0.5, 0.2, 0.2, 0.1], [3, 4]);

  it('from logits', async () => {
    const result = await gradCheck((logits) => ops.categoricalCrossentropy(softLabels(), logits, { fromLogits: true }), [[3, 4]], { low: -3, high: 3 });
    expect(result.message).toBe('ok');
  });
  it('from probabilities (the normalization p / sum(p) included)', async () => {
    const result = await gradCheck((p) => ops.categoricalCrossentropy(softLabels(), p), [[3, 4]], { low: 0.2, high: 1 });
    expect(result.message).toBe('ok');
  });
  it('over a class axis that is not the last', async () => {
    const result = await gradCheck((logits) => ops.categoricalCrossentropy(softLabels().reshape([3, 2, 2]), logits, { fromLogits: true, axis: 1 }), [[3, 2, 2]]);
    expect(result.message).toBe('ok');
  });
  it('sparse labels, from logits and from probabilities', async () => {
    const labels = () => tensor([2, 0, 3], [3], 'int32');
    for (const fromLogits of [true, false]) {
      const result = await gradCheck((p) => ops.sparseCategoricalCrossentropy(labels(), p, { fromLogits }), [[3, 4]], { low: 0.2, high: 1 });
      expect(result.message, `fromLogits ${fromLogits}`).toBe('ok');
    }
  });
});
