// Gradients of shape ops on the GPU against central finite differences on the CPU: the views,
// the copying ops (with negative strides, middle axes and identity cases), gather with repeated,
// negative and out-of-range indices, its adjoint scatterAdd, and a chain of several ops.

import { describe, expect, it } from 'vitest';
import { GradientTape, ops, tensor, type Tensor } from '../../src/node';
import { scatterAdd, unsortedSegmentSum } from '../../src/ops/scatter';
import { useWebGPU } from '../helpers';
import { gradCheck, type GradCheckOptions } from './gradcheck';

useWebGPU();

type Case = [string, (...xs: Tensor[]) => Tensor, number[][], GradCheckOptions?];

function checkAll(cases: Case[]): void {
  for (const [name, f, shapes, options] of cases) {
    it(name, async () => {
      const result = await gradCheck(f, shapes, options);
      expect(result.message).toBe('ok');
    });
  }
}

const int32 = (values: number[], shape: number[] = [values.length]) => tensor(values, shape, 'int32');

describe('views', () => {
  checkAll([
    ['reshape [2,3] to [3,-1]', (x) => ops.reshape(x, [3, -1]).square(), [[2, 3]]],
    ['expandDims axis -1', (x) => ops.expandDims(x, -1).mul(ops.expandDims(x, 0)), [[3]]],
    ['squeeze one axis', (x) => ops.squeeze(x, 1).square(), [[2, 1, 3]]],
    ['squeeze all unit axes', (x) => ops.squeeze(x).sin(), [[1, 3, 1, 2]]],
  ]);
});

describe('copying ops', () => {
  checkAll([
    ['transpose default', (x) => ops.transpose(x).square(), [[2, 3]]],
    ['transpose perm [1,2,0]', (x) => ops.transpose(x, [1, 2, 0]).square(), [[2, 3, 2]]],
    ['transpose negative perm [-1,0,1]', (x) => ops.transpose(x, [-1, 0, 1]).sin(), [[2, 2, 3]]],
    ['slice', (x) => ops.slice(x, [1, 1], [2, -1]).square(), [[3, 4]]],
    ['slice with a short begin', (x) => ops.slice(x, [1]).exp(), [[3, 2, 2]]],
    ['stridedSlice reverse', (x) => ops.stridedSlice(x, [-1], [-8], [-1]).square(), [[6]]],
    ['stridedSlice step -2 and negative begin', (x) => ops.stridedSlice(x, [-1, 0], [0, 4], [-2, 1]).square(), [[5, 4]]],
    ['stridedSlice step 3 with clamped end', (x) => ops.stridedSlice(x, [1, -100], [100, 100], [3, 2]).square(), [[7, 5]]],
    ['stridedSlice masks and step -1', (x) => ops.stridedSlice(x, [2, 1, 9], [0, -1, 9], [1, 1, -1], { beginMask: 5, endMask: 5 }).sin(), [[3, 4, 2]]],
    ['stridedSlice all axes reversed, step -2', (x) => ops.stridedSlice(x, [0, 0, 0], [0, 0, 0], [-1, -2, -1], { beginMask: 7, endMask: 7 }).square(), [[2, 3, 2]]],
    ['stridedSlice empty range (zero gradient)', (x) => ops.concat([ops.stridedSlice(x, [3, 0], [1, 4], [1, 1]).reshape([0]), x.reshape([-1])]), [[4, 2]]],
    ['pad', (x) => ops.pad(x, [[1, 0], [2, 1]], 0.5).square(), [[2, 3]]],
    ['tile [2,3] by [2,1,3] (new leading axis)', (x) => ops.tile(x, [2, 1, 3]).square(), [[2, 3]]],
    ['tile [1,2] by [3,2]', (x) => ops.tile(x, [3, 2]).sin(), [[1, 2]]],
    ['tile [2,1,2] by [1,3,2] with repeats inside', (x) => ops.tile(x, [1, 3, 2]).square(), [[2, 1, 2]]],
    ['broadcastTo [3,1] to [2,3,4]', (x) => ops.broadcastTo(x, [2, 3, 4]).square(), [[3, 1]]],
    ['broadcastTo [2] to [3,2]', (x) => ops.broadcastTo(x, [3, 2]).sin(), [[2]]],
    ['concat along a middle axis', (a, b, c) => ops.concat([a, b, c.square()], 1).square(), [[2, 1, 3], [2, 2, 3], [2, 3, 3]]],
    ['concat axis -1 of one tensor twice', (a, b) => ops.concat([a, b, a], -1).square(), [[2, 2], [2, 3]]],
    ['stack axis 1', (a, b, c) => ops.stack([a, b, c], 1).square(), [[2, 3], [2, 3], [2, 3]]],
    ['stack axis -1 of one tensor twice', (a) => ops.stack([a, a.sin()], -1).square(), [[3, 2]]],
    ['split with an unused part', (x) => {
      const [a, , c] = ops.split(x, [1, 4], 1);
      return a.mul(c);
    }, [[2, 6]]],
    ['split into equal parts along axis 0', (x) => {
      const parts = ops.split(x, 3, 0);
      return parts[0].mul(parts[2]).add(parts[1].square());
    }, [[6, 2]]],
  ]);
});

describe('identity cases (views of the input)', () => {
  checkAll([
    ['transpose identity perm', (x) => ops.transpose(x, [0, 1]).square(), [[2, 3]]],
    ['slice of everything', (x) => ops.slice(x, [0, 0]).square(), [[2, 3]]],
    ['stridedSlice of everything', (x) => ops.stridedSlice(x, [0], [3], [1]).square(), [[3, 2]]],
    ['pad by zeros', (x) => ops.pad(x, [[0, 0], [0, 0]]).square(), [[2, 3]]],
    ['tile by ones with a new axis', (x) => ops.tile(x, [1, 1, 1]).square(), [[2, 3]]],
    ['broadcastTo the same shape', (x) => ops.broadcastTo(x, [2, 3]).square(), [[2, 3]]],
    ['concat of one tensor', (x) => ops.concat([x], 1).square(), [[2, 3]]],
    ['stack of one tensor', (x) => ops.stack([x], 1).square(), [[2, 3]]],
    ['split into one part', (x) => ops.split(x, 1, 0)[0].square(), [[2, 3]]],
  ]);
});

describe('gather', () => {
  checkAll([
    ['axis 0, repeated and negative number indices', (x) => ops.gather(x, [0, -1, 2, 0, 3, -1]).square(), [[4, 3]]],
    ['axis 1, 2-D int32 indices with repeats and negatives', (x) => ops.gather(x, int32([1, -2, 1, 4, 0, 1], [2, 3]), 1).square(), [[2, 5, 2]]],
    ['axis -1, every index the same', (x) => ops.gather(x, [2, 2, -1, 2], -1).sin(), [[2, 3]]],
    ['scalar index', (x) => ops.gather(x, int32([1], []), 0).square(), [[3, 2]]],
    ['out-of-range tensor indices (zero rows, zero gradient)', (x) => ops.gather(x, int32([5, -4, 1, 1])).square(), [[3, 2]]],
    ['empty indices', (x) => ops.concat([ops.gather(x, int32([], [0])), x]), [[3, 2]]],
  ]);

  it('gives the indices no gradient', async () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const indices = int32([2, 2, 0]);
    const tape = new GradientTape();
    tape.watch([x, indices]);
    const y = tape.record(() => ops.gather(x, indices).sum());
    const [dx, dIndices] = tape.gradient(y, [x, indices]);
    expect(await dx!.array()).toEqual([[1, 1], [0, 0], [2, 2]]);
    expect(dIndices).toBeNull();
  });
});

describe('scatter ops', () => {
  checkAll([
    ['scatterAdd axis 0 with repeats', (u) => scatterAdd(u, [1, -1, 1, 0], [3, 2]).square(), [[4, 2]]],
    ['scatterAdd axis 1 with int32 indices', (u) => scatterAdd(u, int32([0, 3, 0]), [2, 4], 1).square(), [[2, 3]]],
    ['unsortedSegmentSum with negative and out-of-range ids', (d) => unsortedSegmentSum(d, int32([2, -1, 0, 2, 7]), 3).square(), [[5, 2]]],
    ['unsortedSegmentSum with 2-D ids', (d) => unsortedSegmentSum(d, int32([0, 1, 1, 1], [2, 2]), 2).square(), [[2, 2, 3]]],
  ]);
});

describe('chains', () => {
  checkAll([
    ['transpose → slice → concat → reshape', (x, w) => {
      const t = ops.transpose(x, [1, 0, 2]);
      const s = ops.slice(t, [1, 0, 0], [2, -1, 2]);
      const joined = ops.concat([s, s.mul(w), t.slice([0, 0, 1], [2, -1, 2])], 2);
      return ops.reshape(joined, [-1]).square();
    }, [[2, 3, 3], [2, 2, 2]]],
    ['gather → tile → stridedSlice → pad → split', (x) => {
      const g = ops.gather(x, [2, 0, 2], 1);
      const strided = ops.stridedSlice(ops.tile(g, [2, 1]), [-1, 0], [0, 3], [-3, 2]);
      const [left, right] = ops.split(ops.pad(strided, [[0, 0], [1, 1]]), 2, 1);
      return left.mul(right);
    }, [[2, 3]]],
  ]);

  it('differentiates a slice gradient again (second order)', async () => {
    // d/dv of sum(r * d/dx sum(v * stridedSlice(x))) runs the gradient of the slice's gradient
    // (a non-scalar target is summed by the tape).
    const result = await gradCheck((v) => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const inner = new GradientTape();
      inner.watch(x);
      const y = inner.record(() => ops.stridedSlice(x, [1, -1], [-3, 0], [-1, -2]).mul(v));
      return inner.gradient(y, x)!.square();
    }, [[2, 1]]);
    expect(result.message).toBe('ok');
  });
});
