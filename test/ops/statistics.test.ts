// The statistics ops of src/ops/statistics.ts on both backends, against values computed by Keras
// 3.16 (NumPy backend unless noted) and float64 loops written here; their gradients by finite
// differences; memory; and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectTensorClose, onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');

describe('statistics ops (Keras 3.16 values)', () => {
  it('corrcoef', onBothBackends(async () => {
    const x = tensor([[1, 2, 3, 4], [2, 1, 0, 5], [0.5, 3, 1, 1]]);
    const r01 = 0.47809144854545593, r02 = -0.058222249150276184, r12 = -0.27835559844970703;
    await expectTensorClose(ops.corrcoef(x), [1, r01, r02, r01, 1, r12, r02, r12, 1], 1e-5, 1e-6);
    const single = ops.corrcoef(tensor([1, 2, 4]));
    expect(single.shape).toEqual([]);
    await expectTensorClose(single, [1]);
  }));

  it('correlate in every mode, either input the longer', onBothBackends(async () => {
    const a = tensor([1, 2, 3, 4, 5]);
    const v = tensor([0.5, 1, -1]);
    const expected: Record<string, number[]> = { valid: [-0.5, 0, 0.5], same: [-1, -0.5, 0, 0.5, 7], full: [-1, -1, -0.5, 0, 0.5, 7, 2.5] };
    for (const mode of ['valid', 'same', 'full'] as const) {
      await expectTensorClose(ops.correlate(a, v, mode), expected[mode]);
      await expectTensorClose(ops.correlate(v, a, mode), [...expected[mode]].reverse());
    }
    await expectTensorClose(ops.correlate(tensor([1, 2, 3, 4]), tensor([1, -2]), 'same'), [-2, -3, -4, -5]);
    await expectTensorClose(ops.correlate(tensor([1, -2]), tensor([1, 2, 3, 4]), 'same'), [-5, -4, -3, -2]);
    await expectTensorClose(ops.correlate(a, tensor([1, -2, 3, 5]), 'same'), [13, 19, 26, 33, 10]);
    const fromInts = ops.correlate(int32([1, 2, 3]), int32([1, 1]));
    expect(fromInts.dtype).toBe('float32');
    expect(await fromInts.array()).toEqual([3, 5]);
  }));

  it('cdist: Euclidean as Keras, other orders against float64 loops', onBothBackends(async () => {
    const xs = [[0, 0], [1, 1], [2, -1]];
    const ys = [[1, 0], [0, 1]];
    const [x, y] = [tensor(xs), tensor(ys)];
    await expectTensorClose(ops.cdist(x, y), [1, 1, 1, 1, 1.4142135381698608, 2.8284270763397217]);
    const minkowski = (p: number) => xs.flatMap((a) => ys.map((b) => {
      const d = a.map((ai, k) => Math.abs(ai - b[k]));
      return p === Infinity ? Math.max(...d) : d.reduce((s, di) => s + di ** p, 0) ** (1 / p);
    }));
    for (const p of [1, 3, Infinity]) await expectTensorClose(ops.cdist(x, y, { p }), minkowski(p));
    const batched = ops.cdist(tensor([xs, xs]), tensor([ys]));
    expect(batched.shape).toEqual([2, 3, 2]);
  }));

  it('trapezoid (values from Keras 3.16, torch backend)', onBothBackends(async () => {
    const y = tensor([[1, 2, 4], [0, 3, 1]]);
    await expectTensorClose(ops.trapezoid(y), [4.5, 3.5]);
    await expectTensorClose(ops.trapezoid(y, undefined, 0.5, 0), [0.25, 1.25, 1.25]);
    await expectTensorClose(ops.trapezoid(tensor([1, 2, 4]), tensor([0, 1, 3])), [7.5]);
    await expectTensorClose(ops.trapezoid(y, tensor([[0, 1, 3], [0, 2, 3]])), [7.5, 5]);
    expect(ops.trapezoid(int32([1, 2, 4])).dtype).toBe('float32');
  }));

  it('histogram over the data range, a given range and constant data', onBothBackends(async () => {
    const h = tensor([0.1, 0.5, 0.5, 0.9, 1.0, 0.3, 0.0]);
    let [counts, edges] = ops.histogram(h, 4);
    expect(counts.dtype).toBe('int32');
    expect(await counts.array()).toEqual([2, 1, 2, 2]);
    await expectTensorClose(edges, [0, 0.25, 0.5, 0.75, 1]);
    [counts, edges] = ops.histogram(h, 3, [0.2, 0.8]);
    expect(await counts.array()).toEqual([1, 2, 0]);
    await expectTensorClose(edges, [0.2, 0.4, 0.6, 0.8]);
    // Values outside the range and NaN are not counted; the upper edge closes the last bin.
    [counts] = ops.histogram(tensor([-1, 0, 0.5, 2, NaN, 2.5]), 2, [0, 2]);
    expect(await counts.array()).toEqual([2, 1]);
    [counts, edges] = ops.histogram(tensor([2, 2, 2]), 4);
    expect(await counts.array()).toEqual([0, 0, 3, 0]);
    await expectTensorClose(edges, [1.5, 1.75, 2, 2.25, 2.5]);
    [counts, edges] = ops.histogram(int32([1, 5, 3, 3]), 2);
    expect(await counts.array()).toEqual([1, 3]);
    await expectTensorClose(edges, [1, 3, 5]);
  }));

  it('bincount with minlength, weights and rows', onBothBackends(async () => {
    const b = int32([1, 2, 2, 3, 0, 2]);
    const counts = ops.bincount(b, undefined, 6);
    expect(counts.dtype).toBe('int32');
    expect(await counts.array()).toEqual([1, 1, 3, 1, 0, 0]);
    const weighted = ops.bincount(b, tensor([0.5, 1, 1, 1.5, 2, 3]), 4);
    expect(weighted.dtype).toBe('float32');
    expect(await weighted.array()).toEqual([2, 0.5, 5, 1.5]);
    expect(await ops.bincount(int32([0, 1, 1, 2, 2, 0], [2, 3]), undefined, 4).array()).toEqual([[1, 2, 0, 0], [1, 0, 2, 0]]);
    // Outside [0, minlength): not counted (the documented departure from Keras).
    expect(await ops.bincount(int32([-1, 0, 5]), undefined, 2).array()).toEqual([1, 0]);
    expect(await ops.bincount(int32([0, 2, 1, 1], [2, 2]), int32([5, 6, 7, 8], [2, 2]), 2).array()).toEqual([[5, 0], [0, 15]]);
  }));

  it('digitize with increasing and decreasing bins', onBothBackends(async () => {
    const x = tensor([-1, 0, 0.5, 1, 2.5, 3, 4, 5, NaN]);
    const up = ops.digitize(x, [0, 1, 2.5, 4]);
    expect(up.dtype).toBe('int32');
    expect(await up.array()).toEqual([0, 1, 1, 2, 3, 3, 4, 4, 4]);
    expect(await ops.digitize(x, tensor([0, 1, 2.5, 4])).array()).toEqual([0, 1, 1, 2, 3, 3, 4, 4, 4]);
    expect(await ops.digitize(x, tensor([4, 2.5, 1, 0])).array()).toEqual([4, 3, 3, 2, 1, 1, 0, 0, 0]);
    expect(await ops.digitize(int32([0, 1, 2]), [1]).array()).toEqual([0, 1, 1]);
    expect(await ops.digitize(tensor([0, 1]), []).array()).toEqual([0, 0]);
  }));

  it('searchsorted on both sides, NaN sorted last', onBothBackends(async () => {
    const s = tensor([1, 2, 2, 3, 5]);
    const values = tensor([[0, 2, 2.5], [5, 6, NaN]]);
    const left = ops.searchsorted(s, values);
    expect(left.dtype).toBe('int32');
    expect(await left.array()).toEqual([[0, 1, 3], [4, 5, 5]]);
    expect(await ops.searchsorted(s, values, 'right').array()).toEqual([[0, 3, 3], [5, 5, 5]]);
    const withNaNs = tensor([1, 3, NaN]);
    expect(await ops.searchsorted(withNaNs, tensor([2, NaN, 4])).array()).toEqual([1, 2, 2]);
    expect(await ops.searchsorted(withNaNs, tensor([2, NaN, 4]), 'right').array()).toEqual([1, 3, 2]);
    expect(await ops.searchsorted(int32([1, 3, 3]), int32([3, 4]), 'right').array()).toEqual([3, 3]);
    expect(await ops.searchsorted(int32([1, 3, 3]), tensor([2.5, 3])).array()).toEqual([1, 1]);
  }));

  it('searchsorted bisects a longer sequence as a float64 count does', onBothBackends(async () => {
    const next = seededRandom(7);
    const sequence = Array.from({ length: 37 }, () => Math.round(next() * 20) / 2).sort((a, b) => a - b);
    const probes = [...Array.from({ length: 40 }, () => Math.round(next() * 24 - 2) / 2), -Infinity, Infinity];
    for (const side of ['left', 'right'] as const) {
      const expected = probes.map((v) => sequence.filter((a) => (side === 'left' ? a < v : a <= v)).length);
      expect(await ops.searchsorted(tensor(sequence), tensor(probes), side).array()).toEqual(expected);
    }
  }));

  it('isin and allclose', onBothBackends(async () => {
    expect(await ops.isin(int32([1, 2, 3, 4], [2, 2]), int32([2, 4, 6])).array()).toEqual([[0, 1], [0, 1]]);
    expect(await ops.isin(tensor([1, NaN, 3]), tensor([NaN, 3]), { invert: true }).array()).toEqual([1, 1, 0]);
    expect(await ops.isin(int32([5, 1, 7, 2]), tensor([[7, 2.5], [1, 9]])).array()).toEqual([0, 1, 1, 0]);
    expect(await ops.isin(tensor([2.5, 3]), int32([3, 2])).array()).toEqual([0, 1]);
    expect(await ops.isin(tensor([1, 2]), tensor([], [0]), { invert: true }).array()).toEqual([1, 1]);
    expect(await ops.isin(int32([4], []), int32([4, 4])).array()).toBe(1);
    expect(await ops.allclose(tensor([1, 2]), tensor([1.000001, 2])).array()).toBe(1);
    expect(await ops.allclose(tensor([1, NaN]), tensor([1, NaN])).array()).toBe(0);
    expect(await ops.allclose(tensor([1, NaN]), tensor([1, NaN]), { equalNan: true }).array()).toBe(1);
  }));

  it('gradients of corrcoef, correlate, cdist, trapezoid and weighted bincount', async () => {
    const checks: Array<[(...xs: Tensor[]) => Tensor, number[][]]> = [
      [(x) => ops.corrcoef(x), [[3, 4]]],
      [(a, v) => ops.correlate(a, v, 'full'), [[4], [2]]],
      [(a, v) => ops.correlate(a, v, 'same'), [[2], [3]]],
      [(x, y) => ops.cdist(x, y), [[2, 3], [3, 3]]],
      [(x, y) => ops.cdist(x, y, { p: 3 }), [[2, 2], [2, 2]]],
      [(y, x) => ops.trapezoid(y, x), [[2, 3], [3]]],
      [(w) => ops.bincount(int32([0, 2, 2, 1]), w, 3), [[4]]],
    ];
    for (const [f, shapes] of checks) {
      const result = await gradCheck(f, shapes);
      expect(result.message).toBe('ok');
    }
  });

  it('leaves no intermediate tensors behind', async () => {
    const x = tensor([1, NaN, 3, -2, 0.5, 4], [2, 3]);
    const ints = int32([1, 2, 2]);
    const flat = tensor([0.1, 0.5, 0.3, 0.9]);
    await settleGarbage();
    const before = memory().liveTensors;
    const results = [
      ops.corrcoef(x), ops.correlate(flat, ints), ops.cdist(x, x), ops.trapezoid(x), ...ops.histogram(flat, 3),
      ops.bincount(ints, undefined, 4), ops.digitize(x, [0, 1]), ops.searchsorted(ints, x), ops.isin(x, ints), ops.allclose(x, x),
    ];
    expect(memory().liveTensors).toBe(before + results.length);
    results.forEach((t) => t.dispose());
  });
});

describe('errors name the op and what was expected', () => {
  it('rejects bad arguments before any GPU work', () => {
    const x = tensor([1, NaN, 3, -2, NaN, NaN, NaN, NaN, 4, 0.5, NaN, 7], [3, 4]);
    expect(() => ops.corrcoef(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]))).toThrow(/corrcoef: .*Received: x.shape=\[2,2,2\]/);
    expect(() => ops.correlate(x, tensor([1]))).toThrow(/correlate: Expected two non-empty 1-D tensors. Received: x1.shape=\[3,4\]/);
    expect(() => ops.correlate(tensor([1]), tensor([1]), 'wide' as 'valid')).toThrow(/correlate: Invalid value for argument mode/);
    expect(() => ops.cdist(x, tensor([1, 2, 3], [1, 3]))).toThrow(/cdist: .*last dimensions match. Received: x.shape=\[3,4\], y.shape=\[1,3\]/);
    expect(() => ops.cdist(x, x, { p: 0 })).toThrow(/cdist: Invalid value for argument p/);
    expect(() => ops.trapezoid(x, tensor([1, 2]))).toThrow(/trapezoid: Invalid value for argument x. Expected a 1-D tensor of 4 sample points/);
    expect(() => ops.histogram(x)).toThrow(/histogram: Input tensor must be 1-dimensional. Received: input.shape=\[3,4\]/);
    expect(() => ops.histogram(tensor([1, 2]), 0)).toThrow(/histogram: Invalid value for argument bins/);
    expect(() => ops.histogram(tensor([1, 2]), 2, [3, 1])).toThrow(/histogram: Invalid value for argument range/);
    expect(() => ops.bincount(int32([1, 2]))).toThrow(/bincount: Invalid value for argument minlength. Expected a positive integer, the output length/);
    expect(() => ops.bincount(tensor([1, 2]), undefined, 3)).toThrow(/bincount: Expected a 1-D or 2-D int32 tensor/);
    expect(() => ops.bincount(int32([1, 2]), tensor([1]), 3)).toThrow(/bincount: Invalid value for argument weights/);
    expect(() => ops.digitize(x, [0, 2, 1])).toThrow(/digitize: bins must be monotonically increasing or decreasing/);
    expect(() => ops.searchsorted(x, x)).toThrow(/searchsorted: only supports 1-D sorted sequences/);
    expect(() => ops.searchsorted(tensor([1]), x, 'middle' as 'left')).toThrow(/searchsorted: Invalid value for argument side/);
    expect(() => ops.isin(x, x, { inverted: true } as never)).toThrow(/isin: unknown option 'inverted'/);
  });
});
