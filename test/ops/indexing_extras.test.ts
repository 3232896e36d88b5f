// keras.ops.rearrange (src/ops/rearrange_einops.ts), get_item (src/ops/get_item.ts), nonzero and
// unique (src/ops/data_dependent.ts) and vectorize (src/ops/vectorize.ts) on both backends,
// against values computed with Keras 3.16 (NumPy backend, NumPy 1.24) unless said otherwise;
// gradients by finite differences, memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { Input, Model, memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const values = async (t: Tensor) => t.array();
const shapeAndValues = async (t: Tensor) => [t.shape, await t.array()];
const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');
const range = (n: number, shape: number[]) => tensor(Array.from({ length: n }, (_, i) => i), shape);

async function expectGradient(f: (...xs: Tensor[]) => Tensor, shapes: number[][]): Promise<void> {
  const result = await gradCheck(f, shapes);
  expect(result.message).toBe('ok');
}

describe('rearrange', () => {
  it('merges, splits and reorders axes as Keras 3.16', onBothBackends(async () => {
    const x = range(24, [2, 3, 4]);
    // Keras 3.16: rearrange(arange(24).reshape(2, 3, 4), pattern).
    expect(await shapeAndValues(ops.rearrange(x, 'b h w -> b (h w)'))).toEqual([[2, 12], [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
    ]]);
    expect(await values(ops.rearrange(x, 'b h w -> w b h'))).toEqual([
      [[0, 4, 8], [12, 16, 20]], [[1, 5, 9], [13, 17, 21]], [[2, 6, 10], [14, 18, 22]], [[3, 7, 11], [15, 19, 23]],
    ]);
    expect(await values(ops.rearrange(range(12, [6, 2]), '(b p) c -> b p c', { p: 2 }))).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]);
    expect(ops.rearrange(x, 'b (h p) w -> (b p) h w', { p: 3 }).shape).toEqual([6, 1, 4]);
    expect(await values(ops.rearrange(range(24, [2, 3, 2, 2]), 'b c h w -> b h w c'))).toEqual([
      [[[0, 4, 8], [1, 5, 9]], [[2, 6, 10], [3, 7, 11]]], [[[12, 16, 20], [13, 17, 21]], [[14, 18, 22], [15, 19, 23]]],
    ]);
    expect(await values(ops.rearrange(x, 'b h (w q) -> q (b h) w', { q: 2 }))).toEqual([
      [[0, 2], [4, 6], [8, 10], [12, 14], [16, 18], [20, 22]], [[1, 3], [5, 7], [9, 11], [13, 15], [17, 19], [21, 23]],
    ]);
  }));

  it("accepts einops's ellipsis, anonymous axes and empty groups (beyond Keras 3.16)", onBothBackends(async () => {
    const x = range(24, [2, 3, 4]);
    // NumPy: moveaxis(x, -1, 0).
    expect(await values(ops.rearrange(x, '... c -> c ...'))).toEqual(await values(ops.moveaxis(x, -1, 0)));
    expect(ops.rearrange(x, 'b ... -> b (...)').shape).toEqual([2, 12]);
    expect(ops.rearrange(range(6, [6]), 'n ... -> ... n').shape).toEqual([6]);
    expect(await values(ops.rearrange(range(6, [2, 1, 3]), 'b 1 c -> b c'))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(ops.rearrange(x, 'b h w -> b () h 1 w').shape).toEqual([2, 1, 3, 1, 4]);
    expect(ops.rearrange(int32([1, 2, 3, 4], [2, 2]), 'a b -> b a').dtype).toBe('int32');
  }));

  it('is differentiable', async () => {
    await expectGradient((a) => ops.rearrange(a, 'b (h p) w -> w (b p) h', { p: 2 }), [[2, 4, 3]]);
  });

  it('names the pattern and the shape in its errors', () => {
    const x = range(24, [2, 3, 4]);
    expect(() => ops.rearrange(x, 'b h w')).toThrow("rearrange: pattern 'b h w' with input shape [2,3,4]: expected exactly one '->'");
    expect(() => ops.rearrange(x, 'b h -> b h')).toThrow('the left side has 2 axes, but the input has rank 3');
    expect(() => ops.rearrange(x, 'b h w -> b h')).toThrow("axis 'w' is on the left only");
    expect(() => ops.rearrange(x, 'b h w -> b h w c')).toThrow("axis 'c' is on the right only");
    expect(() => ops.rearrange(x, 'b h w -> b h h')).toThrow("axis 'h' appears twice on the right side");
    expect(() => ops.rearrange(range(12, [6, 2]), '(b p) c -> b p c', { p: 4 })).toThrow('input dimension 0 has size 6, which is not a multiple of the product 4');
    expect(() => ops.rearrange(range(12, [6, 2]), '(b p) c -> b p c')).toThrow("cannot infer the sizes of 'b' and 'p'");
    expect(() => ops.rearrange(x, '... c -> c')).toThrow("'...' must appear on both sides");
    expect(() => ops.rearrange(x, 'b 1 c -> b c')).toThrow('input dimension 1 has size 3, but the pattern gives it size 1');
    expect(() => ops.rearrange(x, 'b h w -> b (h w')).toThrow("unclosed '(' on the right side");
    expect(() => ops.rearrange(x, 'b h w -> b h w', { q: 2 })).toThrow("axesLengths names 'q'");
    expect(() => ops.rearrange(x, 'b h w -> b h 2 w')).toThrow("'2' on the right side is not an axis name");
  });
});

describe('getItem', () => {
  it('indexes with integers, slices, new axes and the ellipsis as NumPy', onBothBackends(async () => {
    const a = range(24, [2, 3, 4]);
    // Keras 3.16: get_item(arange(24).reshape(2, 3, 4), key), the key in Python written after //.
    expect(await shapeAndValues(ops.getItem(a, 1))).toEqual([[3, 4], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]); // a[1]
    expect(await values(ops.getItem(a, [-1, '::2']))).toEqual([[12, 13, 14, 15], [20, 21, 22, 23]]); // a[-1, ::2]
    expect(await values(ops.getItem(a, [-1, { step: 2 }]))).toEqual([[12, 13, 14, 15], [20, 21, 22, 23]]);
    expect(await shapeAndValues(ops.getItem(a, ['...', null, { stop: 3 }]))).toEqual([[2, 3, 1, 3], [ // a[..., None, :3]
      [[[0, 1, 2]], [[4, 5, 6]], [[8, 9, 10]]], [[[12, 13, 14]], [[16, 17, 18]], [[20, 21, 22]]],
    ]]);
    expect(await values(ops.getItem(a, [':', '::-1', 1]))).toEqual([[9, 5, 1], [21, 17, 13]]); // a[:, ::-1, 1]
    expect(await shapeAndValues(ops.getItem(a, ['1:', '-2:', '3:0:-2']))).toEqual([[1, 2, 2], [[[19, 17], [23, 21]]]]); // a[1:, -2:, 3:0:-2]
    expect(await shapeAndValues(ops.getItem(a, [null, 1, '...', -1]))).toEqual([[1, 3], [[15, 19, 23]]]); // a[None, 1, ..., -1]
    expect(await values(ops.getItem(tensor(5), null))).toEqual([5]);
    expect(ops.getItem(a, []).shape).toEqual([2, 3, 4]);
  }));

  it('gathers along one axis with a number list or an int32 tensor', onBothBackends(async () => {
    const a = range(24, [2, 3, 4]);
    expect(await values(ops.getItem(a, [':', [2, 0]]))).toEqual([ // a[:, [2, 0]]
      [[8, 9, 10, 11], [0, 1, 2, 3]], [[20, 21, 22, 23], [12, 13, 14, 15]],
    ]);
    // a[0, :, [3, 1]]: an integer and an array apart put the array's dimension first.
    expect(await shapeAndValues(ops.getItem(a, [0, ':', [3, 1]]))).toEqual([[2, 3], [[3, 7, 11], [1, 5, 9]]]);
    const picked = ops.getItem(a, int32([1, 0], [1, 2])); // a[np.array([[1, 0]])]
    expect(picked.shape).toEqual([1, 2, 3, 4]);
    expect(await values(picked)).toEqual([[await values(ops.getItem(a, 1)), await values(ops.getItem(a, 0))]]);
    // NumPy 1.24: a[:, 0, [1, 2]] is (2, 2); a[0, None, [1, 2]] is (2, 1, 4); a[None, 0, [1, 2]] is (1, 2, 4).
    expect(ops.getItem(a, [':', 0, [1, 2]]).shape).toEqual([2, 2]);
    expect(ops.getItem(a, [0, null, [1, 2]]).shape).toEqual([2, 1, 4]);
    expect(ops.getItem(a, [null, 0, [1, 2]]).shape).toEqual([1, 2, 4]);
  }));

  it('is differentiable', async () => {
    await expectGradient((x) => ops.getItem(x, [':', '::-2', null, 1]), [[2, 4, 3]]);
    await expectGradient((x) => ops.getItem(x, [1, ':', [2, 0, 2]]), [[2, 3, 4]]);
  });

  it('names the key and the shape in its errors', () => {
    const a = range(24, [2, 3, 4]);
    expect(() => ops.getItem(a, 2)).toThrow('getItem: key 2 on shape [2,3,4]: index 2 is out of range for axis 0 of size 2.');
    expect(() => ops.getItem(a, [0, 0, 0, 0])).toThrow('too many indices: the key indexes 4 axes, the tensor has 3');
    expect(() => ops.getItem(a, ['...', '...'])).toThrow("'...' may appear only once");
    expect(() => ops.getItem(a, [[0], [1]])).toThrow('only one array index is supported');
    expect(() => ops.getItem(a, '1-2')).toThrow("'1-2' is neither a slice");
    expect(() => ops.getItem(a, '::0')).toThrow('the step of slice ::0 must be nonzero');
    expect(() => ops.getItem(a, { begin: 1 } as never)).toThrow("a slice has only start, stop and step, got 'begin'");
    expect(() => ops.getItem(a, tensor([0, 1]))).toThrow('an index tensor must be int32, got float32');
    expect(() => ops.getItem(a, [':', [5]])).toThrow('gather: index 5');
  });
});

describe('nonzero and unique (async)', () => {
  it('nonzero lists the coordinates per axis', onBothBackends(async () => {
    // Keras 3.16: nonzero([[[0, 1.5], [2, 0]], [[0, 0], [-3, 0]]]).
    const coordinates = await ops.nonzero(tensor([[[0, 1.5], [2, 0]], [[0, 0], [-3, 0]]]));
    expect(coordinates.map((c) => c.dtype)).toEqual(['int32', 'int32', 'int32']);
    expect(await Promise.all(coordinates.map(values))).toEqual([[0, 0, 1], [0, 1, 1], [1, 0, 0]]);
    expect(await Promise.all((await ops.nonzero(int32([0, 2, 0, -1]))).map(values))).toEqual([[1, 3]]);
    expect((await ops.nonzero(tensor([0, 0])))[0].shape).toEqual([0]);
  }));

  it('unique sorts the distinct values and returns the extras in order', onBothBackends(async () => {
    const x = tensor([[3, 1, 2], [1, 3, 0]]);
    // Keras 3.16: unique(x) and unique(x, return_index, return_inverse, return_counts).
    expect(await values(await ops.unique(x))).toEqual([0, 1, 2, 3]);
    const [distinct, first, inverse, counts] = await ops.unique(x, { returnIndex: true, returnInverse: true, returnCounts: true });
    expect([distinct.dtype, first.dtype, inverse.dtype, counts.dtype]).toEqual(['float32', 'int32', 'int32', 'int32']);
    expect(await Promise.all([distinct, first, inverse, counts].map(values))).toEqual([[0, 1, 2, 3], [5, 1, 2, 0], [3, 1, 2, 1, 3, 0], [1, 2, 1, 2]]);
    // size=6, fill_value=-1 pads; size=2 cuts.
    const padded = await ops.unique(x, { size: 6, fillValue: -1, returnIndex: true, returnInverse: true, returnCounts: true });
    expect(await Promise.all(padded.map(values))).toEqual([[0, 1, 2, 3, -1, -1], [5, 1, 2, 0, 1, 1], [3, 1, 2, 1, 3, 0], [1, 2, 1, 2, 0, 0]]);
    const cut = await ops.unique(x, { size: 2, returnIndex: true, returnCounts: true });
    expect(await Promise.all(cut.map(values))).toEqual([[0, 1], [5, 1], [1, 2]]);
    // NaNs stay apart (equal_nan=False) and sort last.
    const withNaN = await ops.unique(tensor([2, NaN, 1, 2, NaN]), { returnInverse: true, returnCounts: true });
    expect(await Promise.all(withNaN.map(values))).toEqual([[1, 2, NaN, NaN], [1, 2, 0, 1, 3], [1, 2, 1, 1]]);
    const [ints, intFirst] = await ops.unique(int32([5, -1, 5, 0], [2, 2]), { returnIndex: true });
    expect([ints.dtype, await values(ints), await values(intFirst)]).toEqual(['int32', [-1, 0, 5], [1, 3, 0]]);
  }));

  it('unique along an axis takes the slices as the elements, sorted lexicographically', onBothBackends(async () => {
    // NumPy 2.4.6, and padding and cutting by size as Keras 3.16's NumPy backend:
    //   a = np.array([[1, 0, 1, 1], [0, 1, 0, 0], [1, 0, 1, 1], [0, 1, -1, 0]], dtype=np.float32)
    //   np.unique(a, axis=0 | 1, return_index=True, return_inverse=True, return_counts=True)
    //   b = np.array([[[2, 1], [0, 3], [2, 1]], [[5, 5], [4, 4], [5, 5]]], dtype=np.int32)
    //   np.unique(b, axis=1, ...); n = [[1, nan], [0, 2], [1, nan], [0, 2]] along axis 0
    //   size: values = np.pad(values, [(0, size - len) along axis], constant_values=fill_value),
    //   index = np.pad(index, ..., constant_values=1), counts = np.pad(counts, ..., constant_values=0);
    //   or values cut to size along the axis, index[:size], counts[:size].
    const a = tensor([[1, 0, 1, 1], [0, 1, 0, 0], [1, 0, 1, 1], [0, 1, -1, 0]]);
    const extras = { returnIndex: true, returnInverse: true, returnCounts: true } as const;
    const rows = await ops.unique(a, { axis: 0, ...extras });
    expect(await Promise.all(rows.map(values))).toEqual([[[0, 1, -1, 0], [0, 1, 0, 0], [1, 0, 1, 1]], [3, 1, 0], [2, 1, 2, 0], [1, 1, 2]]);
    const columns = await ops.unique(a, { axis: 1, ...extras });
    expect(await Promise.all(columns.map(values))).toEqual([[[0, 1, 1], [1, 0, 0], [0, 1, 1], [1, -1, 0]], [1, 2, 0], [2, 0, 1, 2], [1, 1, 2]]);
    expect(await shapeAndValues(await ops.unique(a, { axis: -1 }))).toEqual([[4, 3], [[0, 1, 1], [1, 0, 0], [0, 1, 1], [1, -1, 0]]]);
    const padded = await ops.unique(a, { axis: 0, size: 5, fillValue: -9, ...extras });
    expect(await Promise.all(padded.map(values))).toEqual([[[0, 1, -1, 0], [0, 1, 0, 0], [1, 0, 1, 1], [-9, -9, -9, -9], [-9, -9, -9, -9]], [3, 1, 0, 1, 1], [2, 1, 2, 0], [1, 1, 2, 0, 0]]);
    const cut = await ops.unique(a, { axis: 1, size: 2, ...extras });
    expect(await Promise.all(cut.map(values))).toEqual([[[0, 1], [1, 0], [0, 1], [1, -1]], [1, 2], [2, 0, 1, 2], [1, 1]]);
    const b = int32([2, 1, 0, 3, 2, 1, 5, 5, 4, 4, 5, 5], [2, 3, 2]);
    const middle = await ops.unique(b, { axis: 1, ...extras });
    expect(middle[0].dtype).toBe('int32');
    expect(await Promise.all(middle.map(values))).toEqual([[[[0, 3], [2, 1]], [[4, 4], [5, 5]]], [1, 0], [1, 0, 1], [1, 2]]);
    const middlePadded = await ops.unique(b, { axis: 1, size: 3, fillValue: 7, ...extras });
    expect(await Promise.all(middlePadded.map(values))).toEqual([[[[0, 3], [2, 1], [7, 7]], [[4, 4], [5, 5], [7, 7]]], [1, 0, 1], [1, 0, 1], [1, 2, 0]]);
    // A slice holding NaN equals no other and sorts after those without.
    const withNaN = await ops.unique(tensor([[1, NaN], [0, 2], [1, NaN], [0, 2]]), { axis: 0, returnInverse: true, returnCounts: true });
    expect(await Promise.all(withNaN.map(values))).toEqual([[[0, 2], [1, NaN], [1, NaN]], [1, 0, 2, 0], [2, 1, 1]]);
  }));

  it('rejects what it does not support', async () => {
    const x = tensor([1, 2]);
    await expect(ops.unique(x, { axis: 1 })).rejects.toThrow('unique: axis 1 is out of range for a tensor of rank 1');
    await expect(ops.unique(tensor(3), { axis: 0 })).rejects.toThrow('unique: axis 0 is given but x is a scalar (shape [])');
    await expect(ops.unique(x, { size: -1 })).rejects.toThrow('unique: size must be a non-negative integer');
    await expect(ops.unique(x, { return_counts: true } as never)).rejects.toThrow('return_counts');
    await expect(ops.nonzero(tensor(1))).rejects.toThrow('nonzero: x must have rank at least 1');
  });
});

describe('vectorize', () => {
  it('maps an element-wise function over broadcast arguments', onBothBackends(async () => {
    // Keras 3.16: vectorize(lambda a, b: a + b)([1, 2, 3, 4], 2) is [3, 4, 5, 6].
    expect(await values(ops.vectorize((a: Tensor, b: Tensor) => ops.add(a, b))(tensor([1, 2, 3, 4]), 2) as Tensor)).toEqual([3, 4, 5, 6]);
    const fma = ops.vectorize((a: Tensor, b: Tensor) => ops.add(ops.mul(a, b), 1));
    expect(await values(fma([[1], [2]], tensor([1, 2, 3])) as Tensor)).toEqual([[2, 3, 4], [3, 5, 7]]);
    const scaled = ops.vectorize((a: Tensor, s: number) => ops.mul(a, s), { excluded: [1] });
    expect(await values(scaled(tensor([1, 2]), 3) as Tensor)).toEqual([3, 6]);
  }));

  it('maps over the loop dimensions of a signature', onBothBackends(async () => {
    // Keras 3.16: signature '(n)->()' with sum, and '(m,n),(n)->(m)' with matmul.
    const rowSums = ops.vectorize((v: Tensor) => ops.sum(v), { signature: '(n)->()' });
    expect(await values(rowSums(range(6, [2, 3])) as Tensor)).toEqual([3, 12]);
    const matvec = ops.vectorize((m: Tensor, v: Tensor) => ops.matmul(m, v), { signature: '(m,n),(n)->(m)' });
    expect(await values(matvec(range(12, [2, 2, 3]), tensor([1, 0, 2])) as Tensor)).toEqual([[4, 13], [22, 31]]);
    const both = ops.vectorize((v: Tensor) => [ops.max(v), ops.min(v)], { signature: '(n)->(),()' });
    expect(await Promise.all((both(range(6, [2, 3])) as Tensor[]).map(values))).toEqual([[2, 5], [0, 3]]);
  }));

  it('is differentiable with a signature', async () => {
    const matvec = ops.vectorize((m: Tensor, v: Tensor) => ops.matmul(m, v), { signature: '(m,n),(n)->(m)' });
    await expectGradient((m, v) => matvec(m, v) as Tensor, [[2, 2, 3], [3]]);
  });

  it('explains a function that is not element-wise and a wrong signature', () => {
    expect(() => ops.vectorize((v: Tensor) => ops.sum(v))(tensor([1, 2]))).toThrow("without a signature the function must be element-wise, returning tensors of the arguments' broadcast shape [2]; got shape []");
    expect(() => ops.vectorize((v: Tensor) => v, { signature: '(n)->' })).toThrow("signature \"(n)->\" is not of the form '(m,n),(n)->(m)'");
    expect(() => ops.vectorize((v: Tensor) => v, { signature: '(n),(n)->(n)' })(tensor([1]))).toThrow("signature '(n),(n)->(n)' has 2 inputs, got 1 vectorized arguments");
    const mismatched = ops.vectorize((a: Tensor, b: Tensor) => ops.dot(a, b), { signature: '(n),(n)->()' });
    expect(() => mismatched(tensor([1, 2]), tensor([1, 2, 3]))).toThrow("core dimension 'n' is 2 and 3");
    expect(() => ops.vectorize((v: Tensor) => v, { signature: '(n)->()' })(tensor([1, 2]))).toThrow('result 0 must be a tensor with core dimensions ()');
  });
});

describe('in functional models', () => {
  it('rearrange and getItem record nodes on symbolic tensors; vectorize says it runs eagerly', onBothBackends(async () => {
    const input = Input({ shape: [3, 4] });
    const output = ops.add(ops.rearrange(input, 'b h w -> b (w h)'), ops.rearrange(ops.getItem(input, ['...', [2, 0, 1], ':']), 'b h w -> b (w h)'));
    const model = new Model({ inputs: input, outputs: ops.getItem(output, [':', '1::2']) });
    expect(model.outputShape).toEqual([null, 6]);
    const x = range(24, [2, 3, 4]);
    const expected = ops.getItem(ops.add(ops.rearrange(x, 'b h w -> b (w h)'), ops.rearrange(ops.getItem(x, ['...', [2, 0, 1], ':']), 'b h w -> b (w h)')), [':', '1::2']);
    expect(await values((await model.predict(x)) as Tensor)).toEqual(await values(expected));
    expect(() => ops.vectorize((a: Tensor) => ops.exp(a))(input)).toThrow('symbolic tensors from Input have no vectorized form');
  }));
});

describe('memory', () => {
  it('leaves only the results alive', onBothBackends(async () => {
    const x = range(24, [2, 3, 4]);
    const before = memory().liveTensors;
    const results = [
      ops.rearrange(x, 'b (h p) w -> w (b p) h', { p: 3 }),
      ops.getItem(x, [0, ':', [3, 1]]),
      ops.getItem(x, ['...', null, '::-1']),
      ops.vectorize((a: Tensor) => ops.exp(a))(x) as Tensor,
      ops.vectorize((v: Tensor) => ops.sum(v), { signature: '(n)->()' })(x) as Tensor,
      ...(await ops.nonzero(x)),
      ...(await ops.unique(x, { returnIndex: true, returnInverse: true, returnCounts: true })),
    ];
    expect(() => ops.getItem(x, 9)).toThrow();
    expect(() => ops.vectorize((v: Tensor) => ops.sum(v))(x)).toThrow();
    expect(memory().liveTensors - before).toBe(results.length);
    results.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(before);
    x.dispose();
  }));
});
