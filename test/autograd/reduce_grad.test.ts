// Gradients of the reductions on the GPU against central finite differences on the CPU, over
// several axes on a rank-3 input, keepDims both ways; plus max/min ties, prod at zeros, and the
// reductions that are not differentiable.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';
import { gradCheck, type GradCheckOptions } from './gradcheck';

useWebGPU();

type Axis = number | number[] | undefined;

const SHAPE = [2, 3, 4];
const AXES: Axis[] = [0, 1, -1, [0, 2], [-3, -2], undefined];

/** 24 distinct values spaced 0.1 apart in a shuffled order: no near-ties for max/min. */
const DISTINCT = [[0.3, -1.1, 0.9, -0.2, 1.2, -0.7, 0.1, -1.0, 0.6, -0.4, 1.1, -0.9, 0.0, 0.8, -0.5, 0.4, -1.2, 0.7, -0.1, 1.0, -0.6, 0.2, -0.8, 0.5]];

const REDUCTIONS: Array<[string, (x: Tensor, axis: Axis, keepDims: boolean) => Tensor, GradCheckOptions?]> = [
  ['sum', (x, axis, keepDims) => ops.sum(x, axis, keepDims)],
  ['mean', (x, axis, keepDims) => ops.mean(x, axis, keepDims)],
  ['prod', (x, axis, keepDims) => ops.prod(x, axis, keepDims), { low: 0.5, high: 1.5 }],
  ['max', (x, axis, keepDims) => ops.max(x, axis, keepDims), { values: DISTINCT }],
  ['min', (x, axis, keepDims) => ops.min(x, axis, keepDims), { values: DISTINCT }],
  ['logSumExp', (x, axis, keepDims) => ops.logSumExp(x, axis, keepDims)],
];

for (const [name, reduce, options] of REDUCTIONS) {
  describe(`${name} gradient`, () => {
    for (const axis of AXES) {
      for (const keepDims of [false, true]) {
        it(`axis ${JSON.stringify(axis) ?? 'all'}, keepDims ${keepDims}`, async () => {
          const result = await gradCheck((x) => reduce(x, axis, keepDims), [SHAPE], options);
          expect(result.message).toBe('ok');
        });
      }
    }
  });
}

describe('reduction gradients, special cases', () => {
  it('var and std (through moments, whose mean output they drop)', async () => {
    expect((await gradCheck((x) => ops.var(x, 1), [[3, 4]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.std(x), [[3, 4]], { low: 0.5, high: 2 })).message).toBe('ok');
  });

  it('max and min split the gradient evenly among ties', async () => {
    const x = tensor([[1, 3, 3], [2, 2, 2]]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(x);
    const [largest, smallest] = tape.record(() => [ops.max(x, 1), ops.min(x, 1)]);
    expect(Array.from(await tape.gradient(largest, x)!.data())).toEqual([0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    expect(Array.from(await tape.gradient(smallest, x)!.data())).toEqual([1, 0, 0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    tape.dispose();
  });

  it('prod is exact at zeros (none, one and two zeros per reduction)', async () => {
    // Rows of axis 1: [0.5, 2, -1.5], [0, 1.5, -2], [0, 3, 0]; prod is linear in each element, so
    // central differences are exact at 0.
    const values = [[0.5, 2, -1.5, 0, 1.5, -2, 0, 3, 0]];
    for (const keepDims of [false, true]) {
      expect((await gradCheck((x) => ops.prod(x, 1, keepDims), [[3, 3]], { values })).message).toBe('ok');
      expect((await gradCheck((x) => ops.prod(x, 0, keepDims), [[3, 3]], { values })).message).toBe('ok');
    }
    expect((await gradCheck((x) => ops.prod(x), [[3, 3]], { values: [[0.5, 2, -1.5, 0, 1.5, -2, 1, 3, 1]] })).message).toBe('ok');
  });

  it('a composite of reductions: mean - logSumExp + max of exp', async () => {
    const f = (x: Tensor) => ops.mean(x.mul(2), [1, 2]).sub(ops.logSumExp(x, -1).sum(-1)).add(ops.max(x.exp(), 1).sum(-1));
    expect((await gradCheck(f, [SHAPE], { values: DISTINCT })).message).toBe('ok');
  });

  it('records nothing for int32 inputs or for all, any, argMax and argMin', () => {
    const ints = tensor([[1, 2], [3, 4]], undefined, 'int32');
    const x = tensor([[1, 2], [3, 4]]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(ints, x);
    const [intSum, intMax, anyPositive, allPositive, argMax, argMin] = tape.record(() => [
      ops.sum(ints),
      ops.max(ints, 0),
      ops.any(x.greater(2)),
      ops.all(x),
      ops.argMax(x, 1),
      ops.argMin(x),
    ]);
    expect(tape.gradient(intSum, ints)).toBeNull();
    expect(tape.gradient(intMax, ints)).toBeNull();
    expect(tape.gradient(anyPositive, x)).toBeNull();
    expect(tape.gradient(allPositive, x)).toBeNull();
    expect(tape.gradient(argMax, x)).toBeNull();
    expect(tape.gradient(argMin, x)).toBeNull();
    tape.dispose();
  });
});
