// The array construction and manipulation ops of keras.ops (src/ops/stacking.ts,
// array_extras.ts, array_construction.ts, array_math.ts, windows.ts, segment.ts,
// scatter_nd.ts) on both backends against values computed with Keras 3.16 (NumPy backend; the
// scatter_update values agree with the torch backend), their gradients by finite differences,
// memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { expectValuesClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const values = async (t: Tensor) => t.array();
const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');
const range = (n: number, shape: number[]) => tensor(Array.from({ length: n }, (_, i) => i), shape);

async function expectGradient(f: (...xs: Tensor[]) => Tensor, shapes: number[][], options: Parameters<typeof gradCheck>[2] = {}): Promise<void> {
  const result = await gradCheck(f, shapes, options);
  expect(result.message).toBe('ok');
}

describe('stacking and splitting', () => {
  it('append, hstack, vstack, dstack, columnStack follow NumPy', onBothBackends(async () => {
    // Keras 3.16: append([[1, 2]], [3., 4.]) is [1., 2., 3., 4.] (float).
    const appended = ops.append(int32([1, 2], [1, 2]), tensor([3, 4]));
    expect([appended.dtype, await values(appended)]).toEqual(['float32', [1, 2, 3, 4]]);
    expect(await values(ops.append(tensor([[1, 2]]), tensor([[3, 4]]), 0))).toEqual([[1, 2], [3, 4]]);
    expect(await values(ops.hstack([tensor([1, 2]), tensor([3])]))).toEqual([1, 2, 3]);
    expect(await values(ops.hstack([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])]))).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(await values(ops.vstack([tensor([1, 2]), tensor([[3, 4], [5, 6]])]))).toEqual([[1, 2], [3, 4], [5, 6]]);
    const depth = ops.dstack([tensor([1, 2]), tensor([3, 4])]);
    expect([depth.shape, await values(depth)]).toEqual([[1, 2, 2], [[[1, 3], [2, 4]]]]);
    expect(ops.dstack([tensor([[1, 2]]), tensor([[[3], [4]]]).reshape([1, 2, 1])]).shape).toEqual([1, 2, 2]);
    expect(await values(ops.columnStack([tensor([1, 2]), tensor([[3], [4]])]))).toEqual([[1, 3], [2, 4]]);
  }));

  it('arraySplit allows uneven parts; hsplit, vsplit, dsplit pick their axes; unstack drops the axis', onBothBackends(async () => {
    // Keras 3.16: array_split(arange(7), 3) is [0, 1, 2], [3, 4], [5, 6].
    const parts = ops.arraySplit(range(7, [7]), 3);
    expect(await Promise.all(parts.map(values))).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
    expect(ops.arraySplit(range(2, [2]), 4).map((t) => t.shape)).toEqual([[1], [1], [0], [0]]);
    expect(await Promise.all(ops.arraySplit(range(5, [5]), [1, 3]).map(values))).toEqual([[0], [1, 2], [3, 4]]);
    expect(await Promise.all(ops.hsplit(range(4, [4]), 2).map(values))).toEqual([[0, 1], [2, 3]]);
    expect(await Promise.all(ops.hsplit(range(4, [1, 4]), [1]).map(values))).toEqual([[[0]], [[1, 2, 3]]]);
    expect(await Promise.all(ops.vsplit(range(4, [2, 2]), 2).map(values))).toEqual([[[0, 1]], [[2, 3]]]);
    expect(ops.dsplit(range(8, [1, 2, 4]), 2).map((t) => t.shape)).toEqual([[1, 2, 2], [1, 2, 2]]);
    const columns = ops.unstack(range(6, [2, 3]), 3, 1);
    expect(await Promise.all(columns.map(values))).toEqual([[0, 3], [1, 4], [2, 5]]);
  }));

  it('gradients flow through the stacks and splits', async () => {
    await expectGradient((a, b) => ops.columnStack([a, ops.mul(b, 2)]), [[3], [3, 2]]);
    await expectGradient((a) => ops.mul(ops.unstack(a, undefined, 1)[1], ops.arraySplit(a, 3, 1)[0].reshape([2])), [[2, 3]]);
  });
});

describe('rearranging and describing', () => {
  it('fliplr, flipud, rot90 (Keras 3.16 values), ravel, copy, ndim, shape, size', onBothBackends(async () => {
    const x = range(24, [2, 3, 4]);
    expect(await values(ops.fliplr(tensor([[1, 2], [3, 4]])))).toEqual([[2, 1], [4, 3]]);
    expect(await values(ops.flipud(tensor([[1, 2], [3, 4]])))).toEqual([[3, 4], [1, 2]]);
    expect(await values(ops.rot90(range(6, [2, 3])))).toEqual([[2, 5], [1, 4], [0, 3]]);
    expect(await values(ops.rot90(range(6, [2, 3]), -1))).toEqual([[3, 0], [4, 1], [5, 2]]);
    expect(await values(ops.rot90(range(6, [2, 3]), 2))).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(await values(ops.rot90(x, 1, [1, 2]))).toEqual([
      [[3, 7, 11], [2, 6, 10], [1, 5, 9], [0, 4, 8]],
      [[15, 19, 23], [14, 18, 22], [13, 17, 21], [12, 16, 20]],
    ]);
    expect(await values(ops.rot90(x, -1, [2, 0]))).toEqual([
      [[3, 15], [7, 19], [11, 23]], [[2, 14], [6, 18], [10, 22]], [[1, 13], [5, 17], [9, 21]], [[0, 12], [4, 16], [8, 20]],
    ]);
    expect(await values(ops.ravel(tensor([[1, 2], [3, 4]])))).toEqual([1, 2, 3, 4]);
    const original = tensor([1, 2]);
    const copied = ops.copy(original);
    original.dispose();
    expect(await values(copied)).toEqual([1, 2]);
    expect([ops.ndim(x), ops.shape(x), ops.size(x)]).toEqual([3, [2, 3, 4], 24]);
  }));

  it('select takes the first condition that holds (Keras 3.16 values)', onBothBackends(async () => {
    const chosen = ops.select([int32([1, 0, 0, 1]), int32([0, 1, 0, 1])], [tensor([1, 2, 3, 4]), tensor([10, 20, 30, 40])], -1);
    expect(await values(chosen)).toEqual([1, 20, -1, 4]);
    const broadcast = ops.select([int32([1, 0], [2, 1])], [int32([5, 6, 7], [1, 3])]);
    expect([broadcast.dtype, await values(broadcast)]).toEqual(['int32', [[5, 6, 7], [0, 0, 0]]]);
  }));

  it('argpartition partitions around kth; unravelIndex (Keras 3.16 values)', onBothBackends(async () => {
    const x = [[5, 1, 4, 2], [0, 9, 3, 7]];
    const order = (await values(ops.argpartition(tensor(x), 1))) as number[][];
    order.forEach((row, r) => {
      const picked = row.map((i) => x[r][i]);
      const sorted = [...x[r]].sort((a, b) => a - b);
      expect(picked[1]).toBe(sorted[1]);
      expect(picked[0]).toBeLessThanOrEqual(picked[1]);
      expect(Math.min(...picked.slice(2))).toBeGreaterThanOrEqual(picked[1]);
    });
    const expected = [[0, 0, 1], [0, 1, 2], [0, 3, 2]];
    expect(await Promise.all(ops.unravelIndex(int32([0, 7, 22]), [2, 3, 4]).map(values))).toEqual(expected);
    expect(await Promise.all(ops.unravelIndex([0, 7, 22], [2, 3, 4]).map(values))).toEqual(expected);
  }));

  it('rot90 and select are differentiable', async () => {
    await expectGradient((a) => ops.rot90(a, 1, [1, 2]), [[2, 2, 3]]);
    await expectGradient((a, b) => ops.select([ops.greater(a, 0)], [ops.mul(a, b)], b), [[4], [4]], { values: [[-0.5, 0.3, 0.8, -0.9], [0.1, 0.2, 0.3, 0.4]] });
  });
});

describe('construction', () => {
  it('fullLike, empty, emptyLike keep Keras dtypes', onBothBackends(async () => {
    // Keras 3.16: full_like(int array, 2.7) is int [2, 2].
    const full = ops.fullLike(int32([1, 2]), 2.7);
    expect([full.dtype, await values(full)]).toEqual(['int32', [2, 2]]);
    expect(await values(ops.fullLike(tensor([[1, 2]]), tensor([3, 4])))).toEqual([[3, 4]]);
    expect(await values(ops.fullLike(tensor([1]), 0.5, 'float32'))).toEqual([0.5]);
    const blank = ops.empty([2]);
    expect([blank.dtype, await values(blank)]).toEqual(['float32', [0, 0]]);
    expect(ops.emptyLike(int32([1, 2])).dtype).toBe('int32');
  }));

  it('geomspace, vander, diagflat (Keras 3.16 values)', onBothBackends(async () => {
    expectValuesClose(await ops.geomspace(2, 162, 5).data(), [2, 6, 18, 54, 162]);
    expectValuesClose(await ops.geomspace(-3, -0.03, 3, { endpoint: false }).data(), [-3, -0.6463304162025452, -0.13924767076969147]);
    expect(await values(ops.geomspace(1, 1000, 4, { dtype: 'int32' }))).toEqual([1, 10, 100, 1000]);
    expect(await values(ops.vander(tensor([-2, 0.5, 3]), 4))).toEqual([[-8, 4, -2, 1], [0.125, 0.25, 0.5, 1], [27, 9, 3, 1]]);
    const increasing = ops.vander(int32([1, 2, 3]), 2, true);
    expect([increasing.dtype, await values(increasing)]).toEqual(['int32', [[1, 1], [1, 2], [1, 3]]]);
    expect(await values(ops.diagflat(tensor([[1, 2], [3, 4]]), 1))).toEqual([
      [0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 3, 0], [0, 0, 0, 0, 4], [0, 0, 0, 0, 0],
    ]);
  }));

  it('vander and diagflat are differentiable', async () => {
    await expectGradient((a) => ops.vander(a, 4), [[3]]);
    await expectGradient((a) => ops.diagflat(a, -1), [[2, 2]]);
  });
});

describe('differences and products', () => {
  it('diff, cross, kron (Keras 3.16 values)', onBothBackends(async () => {
    const second = ops.diff(int32([1, 3, 6, 10, 0, 5, 2, 1], [2, 4]), 2);
    expect([second.dtype, await values(second)]).toEqual(['int32', [[1, 1], [-8, 2]]]);
    expect(await values(ops.diff(tensor([[1, 3], [6, 10], [0, 5]]), 1, 0))).toEqual([[5, 7], [-6, -5]]);
    expect(ops.diff(tensor([1, 2]), 3).shape).toEqual([0]);
    expect(await values(ops.diff(tensor([1, 2]), 0))).toEqual([1, 2]);
    expect(await values(ops.cross(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[0, 1, 2], [3, -1, 2]])))).toEqual([[1, -2, 1], [16, 10, -19]]);
    const alongRows = ops.cross(tensor([[1, 4], [2, 5], [3, 6]]), tensor([[0, 3], [1, -1], [2, 2]]), { axisa: 0, axisb: 0, axisc: 0 });
    expect(await values(alongRows)).toEqual([[1, 16], [-2, 10], [1, -19]]);
    expect(await values(ops.cross(tensor([[1, 4], [2, 5], [3, 6]]), tensor([[0, 3], [1, -1], [2, 2]]), { axis: 0 }))).toEqual([[1, 16], [-2, 10], [1, -19]]);
    expect(await values(ops.cross(tensor([[1, 2], [3, 4]]), tensor([5, 6, 7])))).toEqual([[14, -7, -4], [28, -21, -2]]);
    expect(await values(ops.cross(tensor([[1, 2], [3, 4]]), tensor([5, 6])))).toEqual([-4, -2]);
    const product = ops.kron(int32([1, 2, 3, 4], [2, 2]), int32([0, 5, 6, 7], [2, 2]));
    expect([product.dtype, await values(product)]).toEqual(['int32', [[0, 5, 0, 10], [6, 7, 12, 14], [0, 15, 0, 20], [18, 21, 24, 28]]]);
    expect(await values(ops.kron(tensor([[1, 2], [3, 4]]), tensor([1, 10])))).toEqual([[1, 10, 2, 20], [3, 30, 4, 40]]);
  }));

  it('diff, cross and kron are differentiable', async () => {
    await expectGradient((a) => ops.diff(a, 2, 0), [[4, 2]]);
    await expectGradient((a, b) => ops.cross(a, b), [[2, 3], [3]]);
    await expectGradient((a, b) => ops.cross(a, b, { axisa: 0 }), [[2, 2], [2, 2]]);
    await expectGradient((a, b) => ops.kron(a, b), [[2, 2], [2]]);
  });
});

describe('window functions', () => {
  it('match Keras 3.16 (float32 cosines allow a few ulps)', onBothBackends(async () => {
    expectValuesClose(await ops.hamming(7).data(), [0.08, 0.31, 0.77, 1, 0.77, 0.31, 0.08], 1e-5, 1e-6);
    expectValuesClose(await ops.hanning(7).data(), [0, 0.25, 0.75, 1, 0.75, 0.25, 0], 1e-5, 1e-6);
    expectValuesClose(await ops.blackman(7).data(), [0, 0.13, 0.63, 1, 0.63, 0.13, 0], 1e-5, 1e-6);
    expectValuesClose(await ops.bartlett(6).data(), [0, 0.4, 0.8, 0.8, 0.4, 0], 1e-6, 1e-7);
    expectValuesClose(await ops.kaiser(6, 3).data(), [0.20488475263118744, 0.6247462034225464, 0.9522218704223633, 0.9522218704223633, 0.6247462034225464, 0.20488475263118744]);
    expectValuesClose(await ops.kaiser(5, 14).data(), [7.726866897428408e-6, 0.16493219137191772, 1, 0.16493219137191772, 7.726866897428408e-6], 1e-4, 1e-9);
    expectValuesClose(await ops.kaiser(4, 60).data(), [1.6966184330388687e-25, 0.033310484141111374, 0.033310484141111374, 1.6966184330388687e-25], 1e-4, 1e-30);
    for (const window of [ops.hamming(1), ops.bartlett(1), ops.kaiser(1, 5)]) expect(await values(window)).toEqual([1]);
    expect(ops.hanning(0).shape).toEqual([0]);
  }));
});

describe('segment reductions', () => {
  // Keras 3.16 with data [[1, 2], [3, -4], [5, 6], [0, 8], [-1, 2]], ids [0, 2, 0, 2, -1], 4 segments.
  const data = [[1, 2], [3, -4], [5, 6], [0, 8], [-1, 2]];
  const ids = [0, 2, 0, 2, -1];
  const expected: Record<string, number[][]> = {
    segmentSum: [[6, 8], [0, 0], [3, 4], [0, 0]],
    segmentMax: [[5, 6], [-Infinity, -Infinity], [3, 8], [-Infinity, -Infinity]],
    segmentMin: [[1, 2], [Infinity, Infinity], [0, -4], [Infinity, Infinity]],
    segmentProd: [[5, 12], [1, 1], [0, -32], [1, 1]],
  };
  const reductions = { segmentSum: ops.segmentSum, segmentMax: ops.segmentMax, segmentMin: ops.segmentMin, segmentProd: ops.segmentProd };

  it('match Keras with listed ids and with int32 id tensors, -1 dropped', onBothBackends(async () => {
    for (const [name, reduce] of Object.entries(reductions)) {
      expect(await values(reduce(tensor(data), ids, 4)), name).toEqual(expected[name]);
      expect(await values(reduce(tensor(data), int32(ids), 4, true)), name).toEqual(expected[name]);
    }
  }));

  it('keep int32 (empty segments: the int32 extremes, as TensorFlow) and take 2-D ids', onBothBackends(async () => {
    const x = int32([1, 5, 2, 3]);
    expect(await values(ops.segmentMax(x, [0, 0, 2, 2], 3))).toEqual([5, -2147483648, 3]);
    expect(await values(ops.segmentMin(x, [0, 0, 2, 2], 3))).toEqual([1, 2147483647, 2]);
    expect(await values(ops.segmentProd(x, int32([1, 1, 1, 7]), 2))).toEqual([1, 10]);
    expect(await values(ops.segmentMax(tensor([[1, 7], [4, 2]]), int32([1, 0, 1, 1], [2, 2]), 2))).toEqual([7, 4]);
  }));

  it('are differentiable: max and min share among ties, prod handles zeros', async () => {
    await expectGradient((a) => ops.segmentMax(a, [0, 1, 0, 1, -1], 2), [[5, 2]]);
    await expectGradient((a) => ops.segmentMin(a, int32([1, 0, 1, 1, 5]), 2), [[5, 2]]);
    await expectGradient((a) => ops.segmentProd(a, [0, 1, 0, 1, 1], 2), [[5]], { values: [[0, 0.5, 0.7, 0, -0.9]] });
    await expectGradient((a) => ops.segmentProd(a, int32([0, 1, 0, 1, 0]), 2), [[5, 2]]);
    await expectGradient((a) => ops.segmentSum(a, [1, -1, 1], 2), [[3, 2]]);
    // Tied maxima share the gradient: d/da sum(segmentMax) is 1/2 for each of two equal maxima.
    const a = tensor([2, 2, 1]);
    const tape = new GradientTape();
    tape.watch([a]);
    const y = tape.record(() => ops.sum(ops.segmentMax(a, [0, 0, 0], 1)));
    expect(await values(tape.gradient(y, [a])[0]!)).toEqual([0.5, 0.5, 0]);
  });
});

describe('scatter, scatterUpdate, sliceUpdate', () => {
  const inputs = () => range(6, [3, 2]);

  it('scatter adds at index tuples (Keras 3.16 values)', onBothBackends(async () => {
    const expected = [[0, 4, 0], [0, 0, 2]];
    expect(await values(ops.scatter([[0, 1], [1, 2], [0, 1]], tensor([1, 2, 3]), [2, 3]))).toEqual(expected);
    expect(await values(ops.scatter(int32([0, 1, 1, 2, 0, 1], [3, 2]), tensor([1, 2, 3]), [2, 3]))).toEqual(expected);
    expect(await values(ops.scatter([[1], [0], [1]], tensor([[1, 2], [3, 4], [5, 6]]), [3, 2]))).toEqual([[3, 4], [6, 8], [0, 0]]);
    expect(await values(ops.scatter(int32([-1, 9], [2, 1]), int32([4, 5]), [3]))).toEqual([0, 0, 4]);
  }));

  it('scatterUpdate replaces (the last write wins) or reduces (Keras 3.16 values)', onBothBackends(async () => {
    const rows = tensor([[10, 20], [30, 40], [50, 60]]);
    expect(await values(ops.scatterUpdate(inputs(), [[1], [0], [1]], rows))).toEqual([[30, 40], [50, 60], [4, 5]]);
    expect(await values(ops.scatterUpdate(inputs(), int32([1, 0, 1], [3, 1]), rows))).toEqual([[30, 40], [50, 60], [4, 5]]);
    expect(await values(ops.scatterUpdate(inputs(), [[2, 1], [0, 0]], tensor([-1, -2])))).toEqual([[-2, 1], [2, 3], [4, -1]]);
    const mixed = tensor([[10, -20], [30, 40], [-50, 60]]);
    const expected: Record<string, number[][]> = {
      add: [[30, 41], [-38, 43], [4, 5]],
      max: [[30, 40], [10, 60], [4, 5]],
      min: [[0, 1], [-50, -20], [4, 5]],
      mul: [[0, 40], [-1000, -3600], [4, 5]],
    };
    for (const reduction of ['add', 'max', 'min', 'mul'] as const) {
      expect(await values(ops.scatterUpdate(inputs(), [[1], [0], [1]], mixed, reduction)), reduction).toEqual(expected[reduction]);
    }
    const ints = ops.scatterUpdate(int32([1, 2, 3]), [[2]], tensor([7.9]));
    expect([ints.dtype, await values(ints)]).toEqual(['int32', [1, 2, 7]]);
  }));

  it('sliceUpdate writes a block (Keras 3.16 values)', onBothBackends(async () => {
    expect(await values(ops.sliceUpdate(ops.zeros([3, 4]), [1, 2], tensor([[1, 2], [3, 4]])))).toEqual([[0, 0, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]);
    expect(await values(ops.sliceUpdate(int32([1, 2, 3]), [0], int32([9])))).toEqual([9, 2, 3]);
  }));

  it('are differentiable in the values and the inputs', async () => {
    await expectGradient((v) => ops.scatter([[0, 1], [1, 0], [0, 1]], v, [2, 2]), [[3]]);
    await expectGradient((v) => ops.scatter(int32([1, 0, 1], [3, 1]), v, [2, 2]), [[3, 2]]);
    await expectGradient((x, u) => ops.scatterUpdate(x, [[1], [0], [1]], u), [[3, 2], [3, 2]]);
    await expectGradient((x, u) => ops.scatterUpdate(x, int32([1, 2], [2, 1]), u, 'max'), [[3, 2], [2, 2]]);
    await expectGradient((x, u) => ops.scatterUpdate(x, [[1], [2]], u, 'mul'), [[3, 2], [2, 2]]);
    await expectGradient((x, u) => ops.sliceUpdate(x, [1, 0], u), [[3, 2], [1, 2]]);
  });
});

describe('memory and errors', () => {
  it('frees every intermediate', onBothBackends(async () => {
    const x = range(12, [3, 4]);
    const [vectors, flat, rows, row, block, index, ids] = [x.reshape([4, 3]), ops.ravel(x), x.slice([0], [2]), x.slice([0], [1]), ops.ones([1, 2]), int32([2, 0], [2, 1]), int32([2, 0])];
    const inputs = [x, vectors, flat, rows, row, block, index, ids];
    const before = memory().liveTensors;
    const results = [
      ops.hstack([x, x]), ops.rot90(x), ops.diff(x, 2), ops.cross(vectors, vectors), ops.kron(x, x), ops.vander(flat, 3),
      ops.geomspace(1, 8, 4), ops.kaiser(4, 2), ops.segmentProd(x, [0, -1, 1], 2), ops.segmentMax(rows, ids, 3),
      ops.scatterUpdate(x, index, rows), ops.scatter([[1]], row, [2, 4]), ops.sliceUpdate(x, [1, 1], block), ops.select([x], [x], 1),
      ...ops.unstack(x), ...ops.arraySplit(x, 2), ...ops.unravelIndex([3, 5], [2, 4]),
    ];
    expect(memory().liveTensors - before).toBe(results.length);
    results.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before);
    inputs.forEach((t) => t.dispose());
  }));

  it('reject bad arguments before any GPU work, naming the op', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => ops.vsplit(tensor([1, 2]), 2)).toThrow('vsplit: expected a tensor of rank 2 or more, got shape [2].');
    expect(() => ops.unstack(x, 3)).toThrow('unstack: num is 3 but dimension 0 of shape [2,2] has size 2.');
    expect(() => ops.hstack([])).toThrow('hstack: expected a non-empty array of tensors.');
    expect(() => ops.rot90(x, 1, [1, 1])).toThrow('rot90: axes [1,1] name the same axis twice.');
    expect(() => ops.rot90(x, 1, [0, 2])).toThrow('rot90: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.cross(tensor([1, 2, 3, 4]), tensor([1, 2, 3]))).toThrow('cross: incompatible vector sizes: axis 0 of shape [4] has 4 and axis 0 of shape [3] has 3 components (expected 2 or 3).');
    expect(() => ops.kron(ops.zeros([1, 1, 1, 1, 1]), x)).toThrow('kron: shapes [1,1,1,1,1] and [2,2] have rank 5; at most 4 is supported');
    expect(() => ops.diff(x, -1)).toThrow('diff: n must be a non-negative integer, got -1.');
    expect(() => ops.geomspace(0, 10)).toThrow('geomspace: Invalid value for argument start. Expected a finite nonzero number. Received: start=0.');
    expect(() => ops.geomspace(-1, 10)).toThrow('geomspace: start -1 and stop 10 have different signs');
    expect(() => ops.geomspace(1, 10, -2)).toThrow('geomspace: Invalid value for argument num. Expected a non-negative integer. Received: num=-2.');
    expect(() => ops.vander(x)).toThrow('vander: expected a 1-D tensor, got shape [2,2].');
    expect(() => ops.kaiser(5, 800)).toThrow('kaiser: beta must be a finite number with |beta| <= 700');
    expect(() => ops.hamming(2.5)).toThrow('hamming: the window length must be an integer, got 2.5.');
    expect(() => ops.select([x], [])).toThrow('select: condlist and choicelist must be non-empty arrays of one length, got 1 conditions and 0 choices.');
    expect(() => ops.argpartition(tensor([1, 2]), 2)).toThrow('argpartition: kth 2 is out of range for dimension 0 of shape [2] (expected an integer in [-2, 1]).');
    expect(() => ops.unravelIndex([8], [2, 4])).toThrow('unravelIndex: index 8 (position 0) is out of range for shape [2,4] (expected an integer in [0, 7]).');
    expect(() => ops.segmentMax(x, [0, 1], 1)).toThrow('segmentMax: segment id 1 (position 1) is out of range (expected an integer below numSegments = 1; negative ids are dropped).');
    expect(() => ops.segmentSum(x, [0], 1)).toThrow('segmentSum: segmentIds has 1 ids but data of shape [2,2] has 2 rows; give one id per row.');
    expect(() => ops.segmentMin(x, int32([0, 0, 0]), 1)).toThrow('segmentMin: segmentIds of shape [3] must be a prefix of the shape of data, [2,2].');
    expect(() => ops.segmentProd(x, [0, 0], undefined as unknown as number)).toThrow('segmentProd: numSegments must be a non-negative integer, got undefined');
    expect(() => ops.scatter([[0, 2]], tensor([1]), [2, 2])).toThrow('scatter: index [0,2] (row 0) is out of range for shape [2,2] (coordinate 1 must be an integer in [-2, 1]).');
    expect(() => ops.scatter([[0]], tensor([1]), [2, 2])).toThrow('scatter: values of shape [1] do not fit 1 index tuples of length 1 into shape [2,2] (expected values of shape [1,2]).');
    expect(() => ops.scatterUpdate(x, [[0, 0]], tensor([1]), 'sum' as 'add')).toThrow(`scatterUpdate: Invalid reduction: "sum". Expected undefined (replace) or one of 'add', 'max', 'min', 'mul'.`);
    expect(() => ops.scatterUpdate(x, tensor([[0, 0]]), tensor([1]))).toThrow("scatterUpdate: indices must be int32, got float32 (use ops.cast(indices, 'int32')).");
    expect(() => ops.sliceUpdate(x, [1, 1], ops.ones([2, 1]))).toThrow('sliceUpdate: updates of shape [2,1] at start [1,1] do not fit in inputs of shape [2,2] (dimension 0: 1 + 2 > 2).');
    expect(() => ops.sliceUpdate(x, [1], ops.ones([1, 1]))).toThrow('sliceUpdate: startIndices must be 2 non-negative integers, one per dimension of inputs of shape [2,2]; got [1].');
    x.dispose();
  });
});
