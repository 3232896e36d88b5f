// Gradients of moments, softmax, logSoftmax and the sigmoid focal loss on the GPU against central
// finite differences on the CPU, and the instance-normalization pattern built from them.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';
import { gradCheck } from './gradcheck';

useWebGPU();

describe('moments gradient', () => {
  const cases: Array<[string, number[], number | number[], boolean]> = [
    ['axes [0, 2] of [2, 3, 4]', [2, 3, 4], [0, 2], false],
    ['axis -1 of [2, 3, 4], keepDims', [2, 3, 4], -1, true],
    ['axis 1 of [3, 4]', [3, 4], 1, false],
    ['all axes of [2, 3, 2]', [2, 3, 2], [0, 1, 2], false],
  ];
  for (const [name, shape, axes, keepDims] of cases) {
    it(`${name}: mean only`, async () => {
      expect((await gradCheck((x) => ops.moments(x, axes, { keepDims }).mean, [shape])).message).toBe('ok');
    });
    it(`${name}: variance only`, async () => {
      expect((await gradCheck((x) => ops.moments(x, axes, { keepDims }).variance, [shape])).message).toBe('ok');
    });
    it(`${name}: both`, async () => {
      const f = (x: Tensor) => {
        const { mean, variance } = ops.moments(x, axes, { keepDims });
        return mean.add(variance.mul(2));
      };
      expect((await gradCheck(f, [shape])).message).toBe('ok');
    });
  }

  it('records nothing for int32 inputs', () => {
    const x = tensor([1, 2, 3, 4], undefined, 'int32');
    const tape = new GradientTape();
    tape.watch(x);
    const { variance } = tape.record(() => ops.moments(x, 0));
    expect(tape.gradient(variance, x)).toBeNull();
  });
});

describe('softmax and logSoftmax gradients', () => {
  for (const axis of [-1, 0, 1]) {
    it(`softmax axis ${axis}`, async () => {
      expect((await gradCheck((x) => ops.softmax(x, axis), [[2, 3, 4]], { low: -2, high: 2 })).message).toBe('ok');
    });
    it(`logSoftmax axis ${axis}`, async () => {
      expect((await gradCheck((x) => ops.logSoftmax(x, axis), [[2, 3, 4]], { low: -2, high: 2 })).message).toBe('ok');
    });
  }

  it('cross-entropy through logSoftmax of a matrix', async () => {
    const labels = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    const f = (x: Tensor) => ops.logSoftmax(x).mul(tensor(labels, [3, 4])).sum().neg();
    expect((await gradCheck(f, [[3, 4]], { low: -3, high: 3 })).message).toBe('ok');
  });
});

describe('sigmoid focal loss gradient', () => {
  const next = seededRandom(7);
  const labels = Array.from({ length: 12 }, () => (next() < 0.5 ? 1 : 0));
  for (const gamma of [0, 2, 3]) {
    it(`gamma ${gamma}`, async () => {
      const f = (logits: Tensor) => ops.sigmoidFocalLoss(tensor(labels, [3, 4]), logits, { alpha: 0.25, gamma });
      expect((await gradCheck(f, [[3, 4]], { low: -3, high: 3 })).message).toBe('ok');
    });
  }

  it('gives the labels no gradient', async () => {
    const y = tensor(labels, [3, 4]);
    const logits = tensor(labels.map((z, i) => (z ? 1 : -1) * (i % 3)), [3, 4]);
    const tape = new GradientTape();
    tape.watch(y, logits);
    const loss = tape.record(() => ops.sigmoidFocalLoss(y, logits).sum());
    const [dLabels, dLogits] = tape.gradient(loss, [y, logits]);
    expect(dLabels).toBeNull();
    expect(Array.from(await dLogits!.data())).toEqual(Array.from(await ops.sigmoidFocalLossGrad(y, logits).data()));
  });
});

describe('composite', () => {
  it('instance normalization over axes [1, 2] of [2, 3, 4, 2]', async () => {
    const f = (x: Tensor) => {
      const { mean, variance } = ops.moments(x, [1, 2], { keepDims: true });
      return x.sub(mean).div(variance.add(1e-3).sqrt());
    };
    expect((await gradCheck(f, [[2, 3, 4, 2]], { low: -2, high: 2 })).message).toBe('ok');
  });

  it('softmax along axis 0 of rows standardized along axis -1', async () => {
    const f = (x: Tensor) => {
      const { mean, variance } = ops.moments(x, -1, { keepDims: true });
      return ops.softmax(x.sub(mean).mul(variance.add(1).rsqrt()), 0);
    };
    expect((await gradCheck(f, [[3, 4]])).message).toBe('ok');
  });
});
