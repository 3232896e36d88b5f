// scatterAddAlongAxis, takeAlongAxis's adjoint and gradient (each lane with indices of its own):
// hand-computed values on both backends, negative and out-of-range indices, its own gradient, and
// takeAlongAxis's gradient through it against finite differences (the masked-autoencoder pattern:
// picking patches along axis 1 of [batch, patches, features] with per-sample argsort indices).

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { scatterAddAlongAxis } from '../../src/ops/scatter';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

const ints = (values: number[][], shape: number[]) => tensor(values.flat(), shape, 'int32');

describe('scatterAddAlongAxis', () => {
  it('adds each lane\'s updates at its own indices, wrapping negatives and dropping the rest', onBothBackends(async () => {
    const y = scatterAddAlongAxis(tensor([[1, 2], [3, 4]]), ints([[2, 2], [0, -1]], [2, 2]), [2, 3], 1);
    expect(await valuesOf(y)).toEqual([0, 0, 3, 3, 0, 4]);
    // Along axis 0 of [3, 2]: column 0 picks rows 1, 1 (and 5, dropped); column 1 rows -3 (0) and 2.
    const z = scatterAddAlongAxis(tensor([[1, 10], [2, 20], [4, 40]]), ints([[1, -3], [1, 2], [5, 2]], [3, 2]), [3, 2], 0);
    expect(await valuesOf(z)).toEqual([0, 10, 3, 0, 0, 60]);
    expect(() => scatterAddAlongAxis(tensor([1, 2]), ints([[0, 1]], [1, 2]), [3], 0)).toThrow(/must share one shape/);
  }));

  it('differentiates to takeAlongAxis, and is takeAlongAxis\'s gradient', onBothBackends(async () => {
    const indices = ints([[2, 0], [1, 1]], [2, 2]);
    const updates = tensor([[1, 2], [3, 4]]);
    const tape = new GradientTape();
    tape.watch(updates);
    const y = tape.record(() => ops.sum(ops.multiply(scatterAddAlongAxis(updates, indices, [2, 3], 1), tensor([[1, 2, 3], [4, 5, 6]]))));
    expect(await valuesOf(tape.gradient(y, updates) as Tensor)).toEqual([3, 1, 5, 5]);

    const picks = () => ops.argsort(tensor([[0.3, 0.1, 0.9, 0.5], [0.2, 0.8, 0.4, 0.6]]), -1).slice([0, 1], [-1, 3]);
    expect((await gradCheck((x: Tensor) => ops.takeAlongAxis(x, ops.expandDims(picks(), -1), 1), [[2, 4, 3]])).message).toBe('ok');
  }));
});
