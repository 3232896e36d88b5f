// einsum, tensordot, dot, inner, outer, vdot, norm and normalize: the GPU against the CPU backend,
// both backends against independent float64 references (a plain-loop einsum written here,
// NumPy's rules written out), gradients by finite differences, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { linalgCases } from '../cases/linalg';
import { seededRandom } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from '../layers/layer_helpers';

useWebGPU();

/** A plain array with its shape, row-major. */
interface Plain {
  values: number[];
  shape: number[];
}

function plainRandom(shape: number[], seed: number): Plain {
  const next = seededRandom(seed);
  return { values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape };
}

/**
 * Einstein summation by brute force over every assignment of every label, in float64: the
 * reference einsum. '...' becomes digit labels aligned from the right; a dimension of size 1
 * there broadcasts.
 */
function referenceEinsum(subscripts: string, ...operands: Plain[]): Plain {
  const [left, right] = subscripts.replace(/\s/g, '').split('->');
  const terms = left.split(',');
  const ellipsisRank = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? operands[i].shape.length - t.replace('...', '').length : 0)));
  const expand = (term: string, rank: number) => {
    if (!term.includes('...')) return [...term];
    const count = rank - (term.length - 3);
    const digits = Array.from({ length: count }, (_, j) => String(ellipsisRank - count + j));
    const [before, after] = term.split('...');
    return [...before, ...digits, ...after];
  };
  const inputs = terms.map((t, i) => expand(t, operands[i].shape.length));
  const sizes = new Map<string, number>();
  inputs.forEach((labels, i) => labels.forEach((l, d) => sizes.set(l, Math.max(sizes.get(l) ?? 1, operands[i].shape[d]))));
  let output: string[];
  if (right !== undefined) {
    output = expand(right, ellipsisRank + right.replace('...', '').length);
  } else {
    const letters = terms.join('').replace(/\./g, '');
    const once = [...new Set(letters)].filter((c) => letters.split(c).length === 2).sort();
    output = [...Array.from({ length: ellipsisRank }, (_, j) => String(j)), ...once];
  }
  const all = [...sizes.keys()];
  const outShape = output.map((l) => sizes.get(l)!);
  const result = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const index = (labels: string[], shape: number[], at: Map<string, number>) =>
    labels.reduce((offset, l, d) => offset * shape[d] + (shape[d] === 1 ? 0 : at.get(l)!), 0);
  const total = all.reduce((p, l) => p * sizes.get(l)!, 1);
  for (let flat = 0; flat < total; flat++) {
    const at = new Map<string, number>();
    let rest = flat;
    for (let k = all.length - 1; k >= 0; k--) {
      at.set(all[k], rest % sizes.get(all[k])!);
      rest = Math.floor(rest / sizes.get(all[k])!);
    }
    // Repeated labels of one operand read its diagonal: every copy takes the same value here.
    let product = 1;
    inputs.forEach((labels, i) => (product *= operands[i].values[index(labels, operands[i].shape, at)]));
    result[index(output, outShape, at)] += product;
  }
  return { values: result, shape: outShape };
}

const EINSUM_SPECS: Array<[string, number[][]]> = [
  ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
  ['ij,jk', [[2, 3], [3, 4]]],
  ['ji,jk->ik', [[3, 2], [3, 4]]],
  ['ij,kj->ki', [[2, 3], [4, 3]]],
  ['ij->ji', [[2, 3]]],
  ['ijk->kij', [[2, 3, 4]]],
  ['ij->', [[2, 3]]],
  ['ij->j', [[2, 3]]],
  ['i,j->ij', [[3], [4]]],
  ['i,i', [[5], [5]]],
  ['ij,ij->ij', [[2, 3], [2, 3]]],
  ['ij,ij->i', [[2, 3], [2, 3]]],
  ['ii', [[3, 3]]],
  ['ii->i', [[3, 3]]],
  ['iij->j', [[2, 2, 3]]],
  ['iji->ij', [[2, 3, 2]]],
  ['ij,jj->i', [[2, 3], [3, 3]]],
  [',i->i', [[], [3]]],
  ['Ab,bC->CA', [[2, 3], [3, 2]]],
  ['...ij,...jk->...ik', [[2, 1, 2, 3], [4, 3, 2]]],
  ['...i->...', [[2, 3, 4]]],
  ['i...->', [[2, 3]]],
  ['...ij', [[2, 3, 4]]],
  ['bhqd,bhkd->bhqk', [[1, 2, 3, 2], [1, 2, 4, 2]]],
  ['ab,bc,cd->ad', [[2, 3], [3, 4], [4, 2]]],
  ['ab,ab,ab->a', [[2, 3], [2, 3], [2, 3]]],
  ['ij,k->ijk', [[2, 1], [3]]],
];

async function expectMatches(actual: Tensor, expected: Plain, tolerance = { atol: 1e-5, rtol: 1e-4 }): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(await actual.data(), expected.values, tolerance);
}

describe('GPU matches CPU', () => checkCases(linalgCases));

describe('einsum against a plain-loop reference', () => {
  for (const [subscripts, shapes] of EINSUM_SPECS) {
    it(
      `'${subscripts}' with ${shapes.map((s) => `[${s}]`).join(', ')}`,
      onBothBackends(async () => {
        const plain = shapes.map((shape, i) => plainRandom(shape, 100 + i));
        const expected = referenceEinsum(subscripts, ...plain);
        const y = ops.einsum(subscripts, ...plain.map((p) => tensor(p.values, p.shape)));
        await expectMatches(y, expected);
      }),
    );
  }

  it('accepts spaces and gives the known values of a matrix product, transpose and trace', async () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(await ops.einsum('ij, jk -> ik', a, tensor([[5], [6]])).array()).toEqual([[17], [39]]);
    expect(await ops.einsum('ij->ji', a).array()).toEqual([[1, 3], [2, 4]]);
    expect(await ops.einsum('ii', a).array()).toBe(5);
  });

  it('frees its intermediate tensors', () => {
    const a = tensor(plainRandom([2, 3, 3], 1).values, [2, 3, 3]);
    const b = tensor(plainRandom([3, 4], 2).values, [3, 4]);
    const before = memory().liveTensors;
    tidy(() => {
      ops.einsum('bii,ij->bj', a, b).dispose();
      expect(memory().liveTensors).toBe(before);
    });
  });
});

describe('einsum errors', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  it('names what is wrong with the subscripts', () => {
    expect(() => ops.einsum('ij,jk->ik', a)).toThrow('einsum: Invalid value for argument subscripts. Expected one comma-separated term per operand: the subscripts name 2, but 1 operand(s) were given.');
    expect(() => ops.einsum('ijk->i', a)).toThrow("Expected term 0 ('ijk') to label every dimension of operand 0, of shape [2,3] (rank 2); it has 3 label(s).");
    expect(() => ops.einsum('ij->k', a)).toThrow("Expected every output label to appear in an input; 'k' does not.");
    expect(() => ops.einsum('ij->ii', a)).toThrow('Expected each output label at most once.');
    expect(() => ops.einsum('i1->i', a)).toThrow('Expected letters, commas, "..." and at most one "->". Received: subscripts="i1->i".');
    expect(() => ops.einsum('i->j->k', a)).toThrow('Expected at most one "->".');
    expect(() => ops.einsum('......', a)).toThrow('Expected at most one "..." per term');
    expect(() => ops.einsum('i.j', a)).toThrow('Expected each term to hold letters and at most one "..."');
    expect(() => ops.einsum(3 as never, a)).toThrow('Expected a string such as "ij,jk->ik". Received: subscripts=3.');
  });

  it('rejects mismatched sizes, a non-square diagonal and int32 operands', () => {
    expect(() => ops.einsum('ij,jk->ik', a, a)).toThrow("einsum: label 'j' has size 3 in operand 0 (shape [2,3]) but 2 in operand 1 (shape [2,3]).");
    expect(() => ops.einsum('ii->i', a)).toThrow("einsum: label 'i' has size 2 in operand 0 (shape [2,3]) but 3 in operand 0 (shape [2,3]).");
    expect(() => ops.einsum('...i,...i', tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4], [5, 6]]))).toThrow(
      'einsum: a dimension of "..." has size 2 in operand 0 (shape [2,2]) but 3 in operand 1 (shape [3,2]).',
    );
    expect(() => ops.einsum('i', tensor([1, 2], [2], 'int32'))).toThrow("einsum: operand 0 is int32 (shape [2]); einsum takes float32 tensors. Cast it first: ops.cast(x, 'float32').");
    expect(() => ops.einsum('i')).toThrow('einsum: Invalid value for argument operands. Expected at least one tensor after the subscripts.');
  });
});

describe('tensordot, dot, inner, outer and vdot (NumPy rules)', () => {
  /** numpy.tensordot written out: sum over paired axes, free axes of a then of b. */
  const referenceTensordot = (a: Plain, b: Plain, axesA: number[], axesB: number[]): Plain => {
    const la = a.shape.map((_, d) => String.fromCharCode(97 + d));
    const lb = b.shape.map((_, d) => String.fromCharCode(110 + d));
    axesB.forEach((q, i) => (lb[q] = la[axesA[i]]));
    const out = [...la.filter((_, d) => !axesA.includes(d)), ...lb.filter((_, d) => !axesB.includes(d))];
    return referenceEinsum(`${la.join('')},${lb.join('')}->${out.join('')}`, a, b);
  };

  it(
    'tensordot with an axis count and with axis pairs',
    onBothBackends(async () => {
      const a = plainRandom([2, 3, 4], 1);
      const b = plainRandom([3, 4, 2], 2);
      const [ta, tb] = [tensor(a.values, a.shape), tensor(b.values, b.shape)];
      await expectMatches(ops.tensordot(ta, tb), referenceTensordot(a, b, [1, 2], [0, 1]));
      await expectMatches(ops.tensordot(ta, tb, 0), referenceTensordot(a, b, [], []));
      await expectMatches(ops.tensordot(ta, tb, [[0, -1], [2, 1]]), referenceTensordot(a, b, [0, 2], [2, 1]));
      await expectMatches(ops.tensordot(ta, tb, [1, 0]), referenceTensordot(a, b, [1], [0]));
    }),
  );

  it(
    'dot: scalars scale, vectors give the inner product, matrices multiply, N-D sums last against second-to-last',
    onBothBackends(async () => {
      expect(await ops.dot(tensor([1, 2, 3]), tensor([4, 5, 6])).array()).toBe(32);
      expect(await ops.dot(tensor(2), tensor([1, 2])).array()).toEqual([2, 4]);
      expect(await ops.dot(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).array()).toEqual([[19, 22], [43, 50]]);
      expect(await ops.dot(tensor([[1, 2], [3, 4]]), tensor([1, 1])).array()).toEqual([3, 7]);
      const a = plainRandom([2, 3, 4], 3);
      const b = plainRandom([5, 4, 2], 4);
      const y = ops.dot(tensor(a.values, a.shape), tensor(b.values, b.shape));
      await expectMatches(y, referenceTensordot(a, b, [2], [1]));
      const v = plainRandom([4], 5);
      await expectMatches(ops.dot(tensor(v.values, v.shape), tensor(b.values, b.shape)), referenceTensordot(v, b, [0], [1]));
    }),
  );

  it(
    'inner sums over the last axes; outer and vdot flatten',
    onBothBackends(async () => {
      const a = plainRandom([2, 3], 6);
      const b = plainRandom([4, 3], 7);
      await expectMatches(ops.inner(tensor(a.values, a.shape), tensor(b.values, b.shape)), referenceTensordot(a, b, [1], [1]));
      expect(await ops.inner(tensor([1, 2]), tensor(3)).array()).toEqual([3, 6]);
      expect(await ops.outer(tensor([[1, 2]]), tensor([3, 4, 5])).array()).toEqual([[3, 4, 5], [6, 8, 10]]);
      expect(await ops.outer(tensor([1, 2], [2], 'int32'), tensor([3], [1], 'int32')).array()).toEqual([[3], [6]]);
      expect(await ops.vdot(tensor([[1, 2], [3, 4]]), tensor([1, 0, 0, 1])).array()).toBe(5);
    }),
  );

  it('reject mismatched axes and wrong arguments before any GPU work', () => {
    const a = tensor([[1, 2, 3]]);
    expect(() => ops.tensordot(a, a, 1)).toThrow('tensordot: cannot sum axis 1 of a (shape [1,3], size 3) against axis 0 of b (shape [1,3], size 1): the sizes differ.');
    expect(() => ops.tensordot(a, a, 3)).toThrow('tensordot: Invalid value for argument axes. Expected an integer in [0, 2] for shapes [1,3] and [1,3], or a pair of axis lists. Received: axes=3.');
    expect(() => ops.tensordot(a, a, [[0, 1], [0]])).toThrow('tensordot: Invalid value for argument axes. Expected as many axes of a as of b. Received: axes=[[0,1],[0]].');
    expect(() => ops.tensordot(a, a, [[1, 1], [1, 1]])).toThrow('tensordot: Invalid value for argument axes. Expected each axis of a at most once. Received: [1, 1].');
    expect(() => ops.tensordot(a, a, [[2], [0]])).toThrow('tensordot: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.dot(a, a)).toThrow('dot: cannot sum axis 1 of a (shape [1,3], size 3) against axis 0 of b (shape [1,3], size 1)');
    expect(() => ops.inner(a, tensor([1, 2]))).toThrow('inner: cannot sum axis 1 of a (shape [1,3], size 3) against axis 0 of b (shape [2], size 2)');
    expect(() => ops.dot(a, tensor([[1], [2], [3]], [3, 1], 'int32'))).toThrow('dot: b is int32 (shape [3,1]); dot takes float32 tensors.');
    expect(() => ops.vdot(a, tensor([1, 2]))).toThrow('vdot: Invalid value for argument b. Expected as many elements as a (shape [1,3], 3). Received: b of shape [2] (2).');
    expect(() => ops.outer([1, 2] as never, a)).toThrow('outer: expected a Tensor, got an array (wrap it with tensor(...)).');
  });
});

describe('norm (numpy.linalg.norm) and normalize (keras.ops.normalize)', () => {
  const x = [[1, -2, 3], [-4, 5, -6]];
  const rows = x;
  const columns = [0, 1, 2].map((j) => x.map((row) => row[j]));
  const vectorNorm = (v: number[], ord: number) => {
    const a = v.map(Math.abs);
    if (ord === Infinity) return Math.max(...a);
    if (ord === -Infinity) return Math.min(...a);
    if (ord === 0) return a.filter((e) => e !== 0).length;
    return a.reduce((s, e) => s + e ** ord, 0) ** (1 / ord);
  };

  it(
    'gives the vector norms of every order along one axis',
    onBothBackends(async () => {
      const t = tensor(x);
      for (const ord of [2, 1, Infinity, -Infinity, 0, 3, 0.5, -1]) {
        expectClose(await ops.norm(t, ord, 1).data(), rows.map((r) => vectorNorm(r, ord)));
        expectClose(await ops.norm(t, ord, 0).data(), columns.map((c) => vectorNorm(c, ord)));
      }
      expectClose(await ops.norm(tensor([3, 0, -4]), 0).data(), [2]);
      expect(await ops.norm(tensor([3, 4])).array()).toBeCloseTo(5, 6);
      expect(await ops.norm(tensor([3, 4], [2], 'int32'), 1).array()).toBe(7);
    }),
  );

  it(
    'gives the Frobenius norm by default and the matrix 1 and Infinity norms',
    onBothBackends(async () => {
      const t = tensor(x);
      const frobenius = Math.sqrt(x.flat().reduce((s, e) => s + e * e, 0));
      expect(await ops.norm(t).array()).toBeCloseTo(frobenius, 5);
      expect(await ops.norm(t, 'fro').array()).toBeCloseTo(frobenius, 5);
      expect(await ops.norm(t, 1).array()).toBe(Math.max(...columns.map((c) => vectorNorm(c, 1))));
      expect(await ops.norm(t, -1).array()).toBe(Math.min(...columns.map((c) => vectorNorm(c, 1))));
      expect(await ops.norm(t, Infinity).array()).toBe(Math.max(...rows.map((r) => vectorNorm(r, 1))));
      expect(await ops.norm(t, -Infinity).array()).toBe(Math.min(...rows.map((r) => vectorNorm(r, 1))));
      // Axes (1, 0): rows and columns swap roles.
      expect(await ops.norm(t, 1, [1, 0]).array()).toBe(Math.max(...rows.map((r) => vectorNorm(r, 1))));
      const stacked = tensor([x, x.map((r) => r.map((e) => 2 * e))]);
      expect(await ops.norm(stacked, Infinity, [1, 2], true).array()).toEqual([[[15]], [[30]]]);
      expect(ops.norm(stacked, undefined, undefined, true).shape).toEqual([1, 1, 1]);
      expect(ops.norm(stacked, 2, -1, true).shape).toEqual([2, 2, 1]);
    }),
  );

  it(
    'normalize divides by the norm, bounded below by epsilon',
    onBothBackends(async () => {
      const t = tensor([[3, 4], [0, 0], [1e-9, 0]]);
      expectClose(await ops.normalize(t).data(), [0.6, 0.8, 0, 0, 1e-9 / 1e-7, 0], { atol: 1e-6, rtol: 1e-5 });
      // Column sums of |x|: 3 and 4.
      expectClose(await ops.normalize(t, 0, 1).data(), [1, 1, 0, 0, 1e-9 / 3, 0], { atol: 1e-6, rtol: 1e-5 });
      expectClose(await ops.normalize(tensor([[1, 2, 3], [4, 5, 6]])).data(), [0.26726124, 0.5345225, 0.8017837, 0.45584232, 0.5698029, 0.68376344], { atol: 1e-6, rtol: 1e-5 });
      expectClose(await ops.normalize(tensor([[3, 4]]), -1, 2, 10).data(), [0.3, 0.4]);
      expectClose(await ops.normalize(tensor(-2)).data(), [-1]);
      expectClose(await ops.normalize(tensor([[1, 2], [3, 4]]), [0, 1]).data(), [1, 2, 3, 4].map((v) => v / Math.sqrt(30)));
    }),
  );

  it(
    'gives the spectral norms (2, -2) and the nuclear norm from the singular values, as Keras 3.16',
    onBothBackends(async () => {
      const batch = tensor([[[1, -2, 0.5], [3, 4, -1]], [[0.2, 0.1, 2], [-1, 3, 0.7]]]);
      // keras.ops.norm(batch, ord, axis=(1, 2)) and axis=(2, 0), from Keras 3.16.
      const expected = { 2: [[5.2314134, 3.2897172], [2.4116778, 5.4409685]], [-2]: [[1.9703594, 1.9281497], [1.8664966, 2.6240926]], nuc: [[7.2017727, 5.2178669], [4.2781744, 8.0650616]] };
      for (const [ord, [byBatch, swapped]] of Object.entries(expected)) {
        const order = ord === 'nuc' ? 'nuc' : Number(ord);
        expectClose(await ops.norm(batch, order, [1, 2]).data(), byBatch, { atol: 1e-5, rtol: 1e-5 });
        expectClose(await ops.norm(batch, order, [2, 0]).data(), swapped, { atol: 1e-5, rtol: 1e-5 });
        expect(ops.norm(batch, order, [2, 0], true).shape).toEqual([1, 2, 1]);
      }
    }),
  );

  it('rejects unsupported orders and axes', () => {
    const t = tensor(x);
    expect(() => ops.norm(t, 3, [0, 1])).toThrow("norm: Invalid value for argument ord. Expected 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity for a matrix norm (two axes). Received: ord=3.");
    expect(() => ops.norm(t, 'fro', 0)).toThrow("norm: Invalid value for argument ord. Expected a number for a vector norm (one axis). Received: ord='fro'.");
    expect(() => ops.norm(t, 'spectral' as never)).toThrow('norm: Invalid value for argument ord. Expected a number, Infinity, -Infinity, \'fro\' or \'nuc\'. Received: ord="spectral".');
    expect(() => ops.norm(tensor([[[1]]]), 1)).toThrow('norm: Invalid value for argument axis. Expected one or two axes when ord is given for a tensor of rank 3 (shape [1,1,1]). Received: axis=undefined, ord=1.');
    expect(() => ops.norm(t, 2, [0, 1, 0])).toThrow('norm: Invalid value for argument axis. Expected one axis (a vector norm) or two (a matrix norm). Received: axis=[0,1,0].');
    expect(() => ops.norm(t, 1, [1, -1])).toThrow('norm: Invalid value for argument axis. Expected two different axes. Received: axis=[1,-1].');
    expect(() => ops.norm(t, 2, 2)).toThrow('norm: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.normalize(t, -1, 1.5)).toThrow('normalize: Invalid value for argument order. Expected an integer >= 1. Received: order=1.5.');
    expect(() => ops.normalize(t, -1, 2, -1)).toThrow('normalize: Invalid value for argument epsilon. Expected a non-negative number. Received: epsilon=-1.');
  });
});

describe('gradients (finite differences)', () => {
  const cases: Array<[string, (...xs: Tensor[]) => Tensor, number[][], { low?: number; high?: number }?]> = [
    ["einsum 'bij,bjk->bik'", (a, b) => ops.einsum('bij,bjk->bik', a, b), [[2, 2, 3], [2, 3, 2]]],
    ["einsum 'ii->i'", (a) => ops.einsum('ii->i', a), [[3, 3]]],
    ["einsum 'iij,jk->ik' (diagonal, then a product)", (a, b) => ops.einsum('iij,jk->ik', a, b), [[2, 2, 3], [3, 2]]],
    ["einsum '...ij,...jk' (broadcast)", (a, b) => ops.einsum('...ij,...jk', a, b), [[2, 1, 2, 3], [2, 3, 2]]],
    ["einsum 'ab,bc,cd->ad'", (a, b, c) => ops.einsum('ab,bc,cd->ad', a, b, c), [[2, 3], [3, 2], [2, 2]]],
    ['tensordot axes [[0], [1]]', (a, b) => ops.tensordot(a, b, [[0], [1]]), [[3, 2], [2, 3]]],
    ['dot N-D', (a, b) => ops.dot(a, b), [[2, 3], [2, 3, 2]]],
    ['inner', (a, b) => ops.inner(a, b), [[2, 3], [2, 3]]],
    ['outer', (a, b) => ops.outer(a, b), [[3], [2]]],
    ['norm', (a) => ops.norm(a), [[2, 3]], { low: 0.5, high: 2 }],
    ['norm ord 3 axis 0', (a) => ops.norm(a, 3, 0), [[2, 3]], { low: 0.5, high: 2 }],
    ['norm ord 1 matrix', (a) => ops.norm(a, 1), [[2, 3]], { low: 0.5, high: 2 }],
    ['normalize', (a) => ops.normalize(a), [[2, 3]]],
    ['normalize order 1', (a) => ops.normalize(a, -1, 1), [[2, 3]], { low: 0.5, high: 2 }],
  ];
  for (const [name, f, shapes, options] of cases) {
    it(name, async () => {
      expect((await gradCheck(f, shapes, options)).message).toBe('ok');
    });
  }
});
