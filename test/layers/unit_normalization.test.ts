// UnitNormalization (normalization.ts): L2 norm 1 over the given axes, hand-computed values on
// both backends, all-zero inputs, the GPU against the CPU, gradients by finite differences, shapes
// and argument errors.

import { describe, expect, it } from 'vitest';
import { GradientTape, tensor, zeros } from '../../src/node';
import { Input, UnitNormalization } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

describe('UnitNormalization', () => {
  it(
    'divides by the L2 norm over the last axis',
    onBothBackends(async () => {
      // Rows (3, 4, 0) and (1, 2, 2): norms 5 and 3.
      expectClose(await new UnitNormalization().apply(tensor([[3, 4, 0], [1, 2, 2]])).data(), [0.6, 0.8, 0, 1 / 3, 2 / 3, 2 / 3]);
    }),
  );

  it(
    'divides by the norm over several axes, and by axis 1 alone',
    onBothBackends(async () => {
      // One sample [[1, 1], [1, 1]] (norm 2 over axes 1 and 2) and one [[0, 3], [0, 4]] (norm 5).
      const x = tensor([1, 1, 1, 1, 0, 3, 0, 4], [2, 2, 2]);
      expectClose(await new UnitNormalization({ axis: [1, 2] }).apply(x).data(), [0.5, 0.5, 0.5, 0.5, 0, 0.6, 0, 0.8]);
      // Over axis 1: columns (1, 1) -> norm sqrt(2); (0, 0) stays 0; (3, 4) -> (0.6, 0.8).
      const r = Math.SQRT1_2;
      expectClose(await new UnitNormalization({ axis: 1 }).apply(x).data(), [r, r, r, r, 0, 0.6, 0, 0.8]);
    }),
  );

  it('keeps an all-zero input at zero with a finite gradient', async () => {
    const x = zeros([2, 3]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => new UnitNormalization().apply(x));
    const total = tape.record(() => y.sum());
    expect(Array.from(await y.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(await tape.gradient(total, x)!.data()).every(Number.isFinite)).toBe(true);
  });

  it('has finite-difference gradients', async () => {
    expect(await layerGradCheck(() => new UnitNormalization(), [2, 3], seededValues(6, 11, 0.5, 2))).toBe('ok');
    expect(await layerGradCheck(() => new UnitNormalization({ axis: [1, 2] }), [2, 2, 2], seededValues(8, 12, -2, 2))).toBe('ok');
  });

  it('keeps the shape and checks its axes against the input rank', () => {
    expect(new UnitNormalization({ axis: [1, 2] }).apply(Input({ shape: [null, 4] })).shape).toEqual([null, null, 4]);
    expect(() => new UnitNormalization({ axis: 2, name: 'unit_rank' }).apply(Input({ shape: [4] }))).toThrow('Invalid axis for layer "unit_rank": 2. Expected an integer in [-2, 2) for an input of shape (None, 4).');
    expect(() => new UnitNormalization({ axis: 'last' as never })).toThrow('Invalid value for argument axis. Expected an integer or a non-empty list of integers. Received: axis="last"');
  });
});

const cases: OpCase[] = [
  { name: 'UnitNormalization last axis [3,5]', run: () => new UnitNormalization().apply(rand([3, 5])) },
  { name: 'UnitNormalization axes [1,2] [2,3,4]', run: () => new UnitNormalization({ axis: [1, 2] }).apply(rand([2, 3, 4])) },
];

describe('UnitNormalization on the GPU matches the CPU', () => {
  checkCases(cases);
});
