// Shape ops: each GPU kernel against the CPU backend, known values on both backends, views, and
// the errors users meet.

import { describe, expect, it } from 'vitest';
import { grad, ops, tensor, type Tensor } from '../../src/node';
import { shapeCases } from '../cases/shape';
import { gradCheck } from '../autograd/gradcheck';
import { checkCases, onBothBackends, useWebGPU, withKernelTuning } from '../helpers';

type PadMode = ops.PadMode;

useWebGPU();

describe('GPU matches CPU', () => checkCases(shapeCases));
// SwiftShader gathers one word an invocation; a GPU gets rows spread across wider workgroups.
describe('gather with the workgroups of a hardware adapter', () => withKernelTuning('hardware', 0, () => checkCases(shapeCases.filter((c) => c.name.startsWith('gather')))));

const values = async (t: Tensor) => t.array();

describe('reference values', () => {
  const m = () => tensor([[1, 2, 3], [4, 5, 6]]);

  it('transpose', onBothBackends(async () => {
    expect(await values(ops.transpose(m()))).toEqual([[1, 4], [2, 5], [3, 6]]);
    const x = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);
    expect(await values(ops.transpose(x, [1, 2, 0]))).toEqual([[[0, 6], [1, 7]], [[2, 8], [3, 9]], [[4, 10], [5, 11]]]);
  }));

  it('slice and stridedSlice', onBothBackends(async () => {
    expect(await values(ops.slice(m(), [0, 1], [2, -1]))).toEqual([[2, 3], [5, 6]]);
    expect(await values(ops.slice(m(), [1]))).toEqual([[4, 5, 6]]);
    const r = tensor([0, 1, 2, 3, 4, 5]);
    expect(await values(ops.stridedSlice(r, [-1], [0], [-2]))).toEqual([5, 3, 1]);
    expect(await values(ops.stridedSlice(r, [1], [-1], [2]))).toEqual([1, 3]);
    expect(await values(ops.stridedSlice(r, [0], [0], [-1], { beginMask: 1, endMask: 1 }))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(await values(ops.stridedSlice(m(), [0, 1], [0, 0], [1, 1], { beginMask: 1, endMask: 3 }))).toEqual([[2, 3], [5, 6]]);
    expect(await values(ops.stridedSlice(r, [-100], [100]))).toEqual([0, 1, 2, 3, 4, 5]);
  }));

  it('pad, tile and broadcastTo', onBothBackends(async () => {
    expect(await values(ops.pad(tensor([[1, 2]]), [[1, 0], [0, 1]]))).toEqual([[0, 0, 0], [1, 2, 0]]);
    expect(await values(ops.pad(tensor([3], [1], 'int32'), [[2, 1]], 9.7))).toEqual([9, 9, 3, 9]);
    expect(await values(ops.tile(tensor([[1, 2]]), [2, 2]))).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(await values(ops.tile(tensor([1, 2]), [2, 1]))).toEqual([[1, 2], [1, 2]]);
    expect(await values(ops.broadcastTo(tensor([1, 2, 3]), [2, 3]))).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(await values(ops.broadcastTo(tensor([[1], [2]]), [2, 2]))).toEqual([[1, 1], [2, 2]]);
  }));

  it('concat, stack and split', onBothBackends(async () => {
    expect(await values(ops.concat([tensor([[1, 2]]), tensor([[3, 4]])]))).toEqual([[1, 2], [3, 4]]);
    expect(await values(ops.concat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], -1))).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(await values(ops.stack([tensor([1, 2]), tensor([3, 4])]))).toEqual([[1, 2], [3, 4]]);
    expect(await values(ops.stack([tensor([1, 2]), tensor([3, 4])], 1))).toEqual([[1, 3], [2, 4]]);
    const parts = ops.split(tensor([1, 2, 3, 4, 5]), [2]);
    expect(await Promise.all(parts.map(values))).toEqual([[1, 2], [3, 4, 5]]);
    const halves = ops.split(m(), 3, 1);
    expect(await Promise.all(halves.map(values))).toEqual([[[1], [4]], [[2], [5]], [[3], [6]]]);
  }));

  // Values printed by NumPy 2.4: np.pad(np.array([1, 2, 3]), (2, 1) or (5, 7), mode).
  const NUMPY_PAD = {
    reflect: [[3, 2, 1, 2, 3, 2], [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2]],
    symmetric: [[2, 1, 1, 2, 3, 3], [2, 3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2, 3, 3]],
    edge: [[1, 1, 1, 2, 3, 3], [1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3]],
    wrap: [[2, 3, 1, 2, 3, 1], [2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]],
  } as const;

  it('pad modes give NumPy\'s values, widths past the size included (keras.ops.pad)', onBothBackends(async () => {
    for (const [mode, [short, long]] of Object.entries(NUMPY_PAD)) {
      expect(await values(ops.pad(tensor([1, 2, 3]), [2, 1], mode as PadMode))).toEqual(short);
      expect(await values(ops.pad(tensor([1, 2, 3], [3], 'int32'), [[5, 7]], mode as PadMode))).toEqual(long);
    }
    const m2 = tensor([[1, 2], [3, 4]]);
    expect(await values(ops.pad(m2, [[1, 0], [2, 1]], 'reflect'))).toEqual([[3, 4, 3, 4, 3], [1, 2, 1, 2, 1], [3, 4, 3, 4, 3]]);
    expect(await values(ops.pad(m2, [[1, 0], [2, 1]], 'symmetric'))).toEqual([[2, 1, 1, 2, 2], [2, 1, 1, 2, 2], [4, 3, 3, 4, 4]]);
    expect(await values(ops.pad(tensor([7]), 2, 'reflect'))).toEqual([7, 7, 7, 7, 7]);
  }));

  it('pad modes of a rank-3 tensor match a plain-loop reference', onBothBackends(async () => {
    const shape = [2, 3, 4];
    const widths: Array<[number, number]> = [[3, 1], [0, 7], [5, 2]];
    const data = Array.from({ length: 24 }, (_, i) => i * 1.5 - 7);
    for (const mode of ['reflect', 'symmetric', 'edge', 'wrap'] as const) {
      const got = await ops.pad(tensor(data, shape), widths, mode).data();
      expect(Array.from(got)).toEqual(padReference(data, shape, widths, mode));
    }
  }));

  it('pad keeps a number as third argument the constant value, and takes constantValues', onBothBackends(async () => {
    expect(await values(ops.pad(tensor([1, 2]), [1, 2], 4))).toEqual([4, 1, 2, 4, 4]);
    expect(await values(ops.pad(tensor([1, 2]), 1, 'constant', -1))).toEqual([-1, 1, 2, -1]);
    expect(await values(ops.pad(tensor([[1, 2]]), [[1]]))).toEqual([[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]);
  }));

  it('split cuts at indices as keras.ops.split and numpy.split', onBothBackends(async () => {
    // np.split(np.arange(7), [2, 5]) and np.split(np.arange(6).reshape(2, 3), [1], axis=1).
    const parts = ops.split(tensor([0, 1, 2, 3, 4, 5, 6]), [2, 5]);
    expect(await Promise.all(parts.map(values))).toEqual([[0, 1], [2, 3, 4], [5, 6]]);
    const columns = ops.split(tensor([[0, 1, 2], [3, 4, 5]]), [1], 1);
    expect(await Promise.all(columns.map(values))).toEqual([[[0], [3]], [[1, 2], [4, 5]]]);
    const edges = ops.split(tensor([1, 2, 3]), [0, 3]);
    expect(edges.map((t) => t.shape)).toEqual([[0], [3], [0]]);
    expect(ops.split(tensor([1, 2, 3]), []).map((t) => t.shape)).toEqual([[3]]);
  }));

  it('gather', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(await values(ops.gather(x, [2, 0]))).toEqual([[5, 6], [1, 2]]);
    expect(await values(ops.gather(x, [-1], 1))).toEqual([[2], [4], [6]]);
    const idx = tensor([[0, 2], [1, 1]], undefined, 'int32');
    expect(await values(ops.gather(x, idx))).toEqual([[[1, 2], [5, 6]], [[3, 4], [3, 4]]]);
    expect(await values(ops.gather(x, tensor([3, -4, 1], undefined, 'int32')))).toEqual([[0, 0], [0, 0], [3, 4]]);
    const ints = tensor([7, 8, 9], undefined, 'int32');
    const picked = ops.gather(ints, [1]);
    expect(picked.dtype).toBe('int32');
    expect(await values(picked)).toEqual([8]);
  }));

  it('take flattens without an axis (keras.ops.take)', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(await values(ops.take(x, [3, 0, -1]))).toEqual([4, 1, 4]);
    expect(await values(ops.take(x, tensor([[1, 2]], [1, 2], 'int32')))).toEqual([[2, 3]]);
    expect(await values(ops.take(x, [1], 1))).toEqual([[2], [4]]);
    // A single index drops its axis, as NumPy: x[:, 0], x[-1], and the last element of the flat x.
    expect(await values(ops.take(x, 0, 1))).toEqual([1, 3]);
    expect(await values(ops.take(x, -1, 0))).toEqual([3, 4]);
    expect(ops.take(x, -1).shape).toEqual([]);
    expect(await values(ops.take(x, -1))).toEqual(4);
    expect(() => ops.take(x, 0.5, 0)).toThrow('take: an index must be an integer, got 0.5.');
  }));

  it('concat promotes int32 and float32 inputs to float32 (keras.ops.concatenate\'s result_type)', onBothBackends(async () => {
    // keras.ops.concatenate([int32 [[-1, -2], [5, 3]], float32 [[0.5, 1, 2], [3, 4, 5]]], 1) on Keras 3.16.
    const ints = tensor([[-1, -2], [5, 3]], undefined, 'int32');
    const joined = ops.concatenate([ints, tensor([[0.5, 1, 2], [3, 4, 5]])], 1);
    expect(joined.dtype).toBe('float32');
    expect(await values(joined)).toEqual([[-1, -2, 0.5, 1, 2], [5, 3, 3, 4, 5]]);
    expect(ops.concat([ints, ints], 0).dtype).toBe('int32');
    // The float input gets its part of the gradient; the int32 one none.
    const [dx] = grad((t: Tensor) => ops.sum(ops.concat([t, ints, t], 1).mul(tensor([1, 2, 3, 4]))))(tensor([[1], [2]]));
    expect(await values(dx)).toEqual([[5], [5]]);
  }));

  it('take and gather accept nested lists of indices, as keras.ops.take', onBothBackends(async () => {
    const x = ops.reshape(ops.arange(24, undefined, undefined, 'float32'), [2, 3, 4]);
    // keras.ops.take(np.arange(24.).reshape(2, 3, 4), [[1, 0], [-1, 2]], -1) on Keras 3.16's NumPy backend.
    const taken = ops.take(x, [[1, 0], [-1, 2]], -1);
    expect(taken.shape).toEqual([2, 3, 2, 2]);
    expect(await values(taken)).toEqual([
      [[[1, 0], [3, 2]], [[5, 4], [7, 6]], [[9, 8], [11, 10]]],
      [[[13, 12], [15, 14]], [[17, 16], [19, 18]], [[21, 20], [23, 22]]],
    ]);
    // The same as the indices in an int32 tensor, and without an axis (the flattened x).
    const asTensor = ops.take(x, tensor([[1, 0], [-1, 2]], [2, 2], 'int32'), -1);
    expect(await values(asTensor)).toEqual(await values(taken));
    expect(await values(ops.take(x, [[23], [0]]))).toEqual([[23], [0]]);
    expect(await values(ops.gather(tensor([[1, 2], [3, 4], [5, 6]]), [[2], [0]]))).toEqual([[[5, 6]], [[1, 2]]]);
    expect(ops.take(x, [[], []], 0).shape).toEqual([2, 0, 3, 4]);
    // Gradient: each element of x once per time it is taken.
    const [dx] = grad((t: Tensor) => ops.sum(ops.take(t, [[0, 0], [-1, 1]], 0)))(tensor([1, 2, 3]));
    expect(await values(dx)).toEqual([2, 1, 1]);
  }));

  it('swapaxes and moveaxis', onBothBackends(async () => {
    const x = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);
    // NumPy: np.arange(12).reshape(2, 3, 2).swapaxes(0, 2) and np.moveaxis(..., 0, -1).
    expect(await values(ops.swapaxes(x, 0, -1))).toEqual([[[0, 6], [2, 8], [4, 10]], [[1, 7], [3, 9], [5, 11]]]);
    expect(await values(ops.moveaxis(x, 0, -1))).toEqual([[[0, 6], [1, 7]], [[2, 8], [3, 9]], [[4, 10], [5, 11]]]);
    expect(ops.moveaxis(ops.zeros([2, 3, 4, 5]), [0, 1], [-1, 0]).shape).toEqual([3, 4, 5, 2]);
  }));

  it('stopGradient has the same values', onBothBackends(async () => {
    expect(await values(ops.stopGradient(tensor([[1, 2]])))).toEqual([[1, 2]]);
  }));

  it('concatenate is concat', () => {
    expect(ops.concatenate).toBe(ops.concat);
  });
});

describe('gradients', () => {
  for (const mode of ['constant', 'reflect', 'symmetric', 'edge', 'wrap'] as const) {
    it(`pad mode '${mode}' against finite differences`, async () => {
      const f = (x: Tensor) => ops.pad(x, [[2, 4], [1, 3]], mode);
      expect((await gradCheck(f, [[3, 2]])).message).toBe('ok');
    });
  }

  it('split at indices and concat against finite differences', async () => {
    const f = (x: Tensor) => ops.concat(ops.split(x, [1, 3], 1).map((part, i) => part.mul(i + 1)), 1);
    expect((await gradCheck(f, [[2, 5]])).message).toBe('ok');
  });
});

describe('views', () => {
  it('returns a tensor sharing storage when nothing moves', () => {
    const x = tensor([[1, 2], [3, 4]]);
    for (const y of [ops.transpose(x, [0, 1]), ops.slice(x, [0, 0]), ops.pad(x, [[0, 0], [0, 0]]), ops.tile(x, [1, 1]), ops.broadcastTo(x, [2, 2]), ops.concat([x])]) {
      expect(y.storage).toBe(x.storage);
      expect(y.shape).toEqual([2, 2]);
    }
  });

  it('keeps the input alive when a view is disposed', async () => {
    const x = tensor([1, 2]);
    ops.transpose(x).dispose();
    expect(await x.data()).toEqual(new Float32Array([1, 2]));
  });
});

describe('errors', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);

  it('rejects a perm that is not a permutation', () => {
    expect(() => ops.transpose(x(), [0, 0])).toThrow('transpose: perm [0,0] is not a permutation of the axes of shape [2,3] (expected each of 0..1 exactly once).');
    expect(() => ops.transpose(x(), [0])).toThrow('transpose: perm [0] is not a permutation');
  });

  it('rejects a slice out of bounds', () => {
    expect(() => ops.slice(x(), [1, 2], [2, 1])).toThrow('slice: begin [1,2] with size [2,1] exceeds shape [2,3] in dimension 0 (1 + 2 > 2).');
    expect(() => ops.slice(x(), [-1, 0])).toThrow('slice: begin [-1,0] must hold non-negative integers.');
  });

  it('rejects a zero stride', () => {
    expect(() => ops.stridedSlice(x(), [0], [2], [0])).toThrow('stridedSlice: strides [0] has a 0 in dimension 0; strides must be nonzero.');
  });

  it('rejects bad paddings', () => {
    expect(() => ops.pad(x(), [[1, 1], [1, 1], [1, 1]])).toThrow('pad: padWidth [[1,1],[1,1],[1,1]] must be a width, a [before, after] pair, or one [before, after] pair per dimension of shape [2,3], with non-negative integers.');
    expect(() => ops.pad(x(), [[1, -1], [0, 0]])).toThrow('pad: padWidth [[1,-1],[0,0]] must be a width');
    expect(() => ops.pad(x(), 1.5)).toThrow('pad: padWidth 1.5 must be a width');
  });

  it('rejects pad modes it does not have and constantValues outside mode constant', () => {
    expect(() => ops.pad(x(), 1, 'reflekt' as PadMode)).toThrow(`pad: unknown mode "reflekt". Expected one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap' (or a number, the constant value).`);
    expect(() => ops.pad(x(), 1, 'mean' as PadMode)).toThrow('pad: unknown mode "mean"');
    expect(() => ops.pad(x(), 1, 'reflect', 0)).toThrow("pad: constantValues applies to mode 'constant' only, got 0 with mode 'reflect'.");
    expect(() => ops.pad(x(), 1, 5, 6)).toThrow("pad: got both a constant value 5 as mode and constantValues 6; pass pad(x, padWidth, 'constant', value).");
    expect(() => ops.pad(tensor([], [0, 2]), [[1, 0], [0, 0]], 'edge')).toThrow("pad: cannot extend dimension 0 of shape [0,2], which is empty, with mode 'edge' (only 'constant' pads an empty dimension).");
  });

  it('names both shapes when concat inputs differ', () => {
    expect(() => ops.concat([x(), tensor([[1, 2, 3, 4], [5, 6, 7, 8]])], 0)).toThrow('concat: shapes [2,3] and [2,4] differ in dimension 1 (axis 0 is the concat axis).');
    expect(() => ops.concat([x(), tensor([1, 2, 3])])).toThrow('concat: shapes [2,3] and [3] have different ranks (2 and 1).');
  });

  it('rejects stack inputs of different shapes', () => {
    expect(() => ops.stack([x(), tensor([[1, 2], [3, 4]])])).toThrow('stack: shapes [2,3] and [2,2] differ; all tensors must have the same shape.');
  });

  it('rejects a split that does not divide', () => {
    expect(() => ops.split(x(), 2, 1)).toThrow('split: dimension 1 of shape [2,3] has size 3, which does not split into 2 equal sections.');
    expect(() => ops.split(x(), 0)).toThrow('split: the number of sections must be a positive integer, got 0.');
  });

  it('rejects split indices that are unsorted, negative or past the end', () => {
    const message = (indices: string) => `split: indices ${indices} must be sorted integers in [0, 3], the points at which dimension 1 of shape [2,3] is cut (keras.ops.split; for parts of given sizes pass their running sums: sizes [2, 3, 2] are indices [2, 5]).`;
    expect(() => ops.split(x(), [2, 1], 1)).toThrow(message('[2,1]'));
    expect(() => ops.split(x(), [-1], 1)).toThrow(message('[-1]'));
    expect(() => ops.split(x(), [1, 4], 1)).toThrow(message('[1,4]'));
    expect(() => ops.split(x(), [1.5], 1)).toThrow(message('[1.5]'));
  });

  it('rejects gather indices that are not int32 or out of range', () => {
    expect(() => ops.gather(x(), tensor([0, 1]))).toThrow("gather: indices must be int32, got float32 (use ops.cast(indices, 'int32')).");
    expect(() => ops.gather(x(), [0, 3], 1)).toThrow('gather: index 3 (position 1) is out of range for dimension 1 of shape [2,3] (expected an integer in [-3, 2]).');
    expect(() => ops.take(x(), [[0, 1], [3, 0]], 1)).toThrow('gather: index 3 (position [1,0]) is out of range for dimension 1 of shape [2,3] (expected an integer in [-3, 2]).');
    expect(() => ops.take(x(), [[0, 1], [2]], 1)).toThrow('gather: indices [[0,1],[2]] are ragged: every list at one depth must have the same length.');
  });

  it('rejects a broadcast that cannot happen', () => {
    expect(() => ops.broadcastTo(x(), [4, 3])).toThrow('broadcastTo: cannot broadcast shape [2,3] to [4,3]: dimension 0 has size 2, expected 4 or 1.');
    expect(() => ops.broadcastTo(x(), [3])).toThrow('broadcastTo: cannot broadcast shape [2,3] to [3], which has fewer dimensions.');
  });

  it('rejects a reshape with two -1', () => {
    expect(() => ops.reshape(x(), [-1, -1])).toThrow('reshape: invalid target shape [-1,-1]: use non-negative integers and at most one -1.');
  });

  it('rejects moveaxis lists of different lengths or with a repeated axis', () => {
    expect(() => ops.moveaxis(ops.zeros([2, 3]), [0, 1], [1])).toThrow('moveaxis: source and destination must have the same number of axes, got [0,1] and [1].');
    expect(() => ops.moveaxis(ops.zeros([2, 3]), [0, -2], [0, 1])).toThrow('moveaxis: repeated axis in source [0,-2].');
  });

  it('rejects a tensor used after dispose', () => {
    const y = x();
    y.dispose();
    expect(() => ops.transpose(y)).toThrow('transpose: a tensor of shape [2,3] was used after it was disposed.');
    expect(() => ops.concat([x(), y])).toThrow('concat: a tensor of shape [2,3] was used after it was disposed.');
  });
});

/**
 * NumPy's non-constant pad modes as plain loops: each padded position walks outward from the
 * nearest edge one step at a time, turning at the ends (reflect turns without repeating the end
 * element, symmetric repeats it), or stays at the edge, or continues from the other end (wrap).
 */
function padReference(data: number[], shape: number[], widths: Array<[number, number]>, mode: 'reflect' | 'symmetric' | 'edge' | 'wrap'): number[] {
  const sourceOf = (j: number, n: number): number => {
    if (j >= 0 && j < n) return j;
    if (mode === 'edge') return j < 0 ? 0 : n - 1;
    if (mode === 'wrap') {
      let i = j;
      while (i < 0) i += n;
      while (i >= n) i -= n;
      return i;
    }
    let [position, direction] = j < 0 ? [0, -1] : [n - 1, 1];
    for (let steps = j < 0 ? -j : j - (n - 1); steps > 0; steps--) {
      let next = position + direction;
      if (next < 0 || next >= n) {
        direction = -direction;
        next = mode === 'symmetric' || n === 1 ? position : position + direction;
      }
      position = next;
    }
    return position;
  };
  const outShape = shape.map((n, d) => widths[d][0] + n + widths[d][1]);
  const out: number[] = [];
  const total = outShape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let source = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const coordinate = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      source += sourceOf(coordinate - widths[d][0], shape[d]) * stride;
      stride *= shape[d];
    }
    out.push(data[source]);
  }
  return out;
}
