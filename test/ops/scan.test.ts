// cumsum and cumprod: the scan kernel against the CPU backend, the CPU against hand-computed values
// and a plain NumPy-semantics reference, gradients against finite differences (cumprod's with
// zeros in x too), and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { scanCases } from '../cases/scan_rearrange';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(scanCases));

const values = async (t: Tensor) => t.array();

/**
 * np.cumsum / np.cumprod written out on a flat row-major array: for every element, combine the
 * elements before it along `axis` (counted by coordinates), in float64.
 */
function referenceScan(data: Float32Array, shape: number[], axis: number, product: boolean): number[] {
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return Array.from(data, (_, i) => {
    const position = Math.floor(i / stride) % shape[axis];
    let total = product ? 1 : 0;
    for (let j = 0; j <= position; j++) {
      const v = data[i - (position - j) * stride];
      total = product ? total * v : total + v;
    }
    return total;
  });
}

describe('reference values', () => {
  it('cumsum along each axis and flattened, as NumPy', onBothBackends(async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(await values(ops.cumsum(x, 1))).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(await values(ops.cumsum(x, 0))).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(await values(ops.cumsum(x, -2))).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(await values(ops.cumsum(x))).toEqual([1, 3, 6, 10, 15, 21]);
    const scalar = ops.cumsum(tensor(3));
    expect(scalar.shape).toEqual([1]);
    expect(await values(scalar)).toEqual([3]);
  }));

  it('cumprod along each axis and flattened', onBothBackends(async () => {
    expect(await values(ops.cumprod(tensor([1, 2, 3, 4])))).toEqual([1, 2, 6, 24]);
    expect(await values(ops.cumprod(tensor([[1, 2], [3, 4]]), 0))).toEqual([[1, 2], [3, 8]]);
    expect(await values(ops.cumprod(tensor([[1, 2], [3, 4]]), -1))).toEqual([[1, 2], [3, 12]]);
    expect(await values(ops.cumprod(tensor([[1, 2], [3, 4]])))).toEqual([1, 2, 6, 24]);
    expect(await values(ops.cumprod(tensor([2, 0, 5])))).toEqual([2, 0, 0]);
  }));

  it('keeps int32, wrapping on overflow as int32 arithmetic does', onBothBackends(async () => {
    const sums = ops.cumsum(tensor([2147483647, 1, 5], [3], 'int32'));
    expect(sums.dtype).toBe('int32');
    expect(await values(sums)).toEqual([2147483647, -2147483648, -2147483643]);
    const products = ops.cumprod(tensor([[3, -2], [65536, 65536]], [2, 2], 'int32'), 1);
    expect(products.dtype).toBe('int32');
    expect(await values(products)).toEqual([[3, -6], [65536, 0]]);
  }));

  it('matches the written-out NumPy rule on a rank-3 tensor along every axis', onBothBackends(async () => {
    const shape = [3, 4, 5];
    const x = rand(shape, { low: 0.5, high: 1.5 });
    const data = (await x.data()) as Float32Array;
    for (const product of [false, true]) {
      for (const axis of [0, 1, 2]) {
        const got = await (product ? ops.cumprod(x, axis) : ops.cumsum(x, axis)).data();
        const expected = referenceScan(data, shape, axis, product);
        got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
      }
    }
  }));

  it('gives empty results for empty inputs', onBothBackends(async () => {
    expect(ops.cumsum(tensor([], [0, 3]), 0).shape).toEqual([0, 3]);
    expect(ops.cumprod(tensor([], [2, 0])).shape).toEqual([0]);
  }));
});

describe('gradients against finite differences', () => {
  const checks: Array<[string, (x: Tensor) => Tensor, number[], Parameters<typeof gradCheck>[2]?]> = [
    ['cumsum axis 1', (x) => ops.cumsum(x, 1), [2, 4]],
    ['cumsum axis 0 of [3,2,2]', (x) => ops.cumsum(x, 0), [3, 2, 2]],
    ['cumsum flattened', (x) => ops.cumsum(x).square(), [2, 3]],
    ['cumprod axis -1 (no zeros)', (x) => ops.cumprod(x, -1), [2, 4], { low: 0.5, high: 1.5 }],
    ['cumprod axis 0 of [3,2,2] (no zeros)', (x) => ops.cumprod(x, 0), [3, 2, 2], { low: -1.5, high: -0.5 }],
    ['cumprod flattened (no zeros)', (x) => ops.cumprod(x), [2, 3], { low: 0.5, high: 1.5 }],
    // cumprod is linear in each element, so central differences are exact at zeros too.
    ['cumprod with zeros in x', (x) => ops.cumprod(x, 1), [3, 4], { values: [[2, 0, 3, 0.5, 0, 0, 2, 1, 1.5, 2, 0.5, 0]] }],
  ];
  for (const [name, f, shape, options] of checks) {
    it(name, async () => {
      expect((await gradCheck(f, [shape], options)).message).toBe('ok');
    });
  }

  it('cumprod gradient at zeros, by hand', onBothBackends(async () => {
    // y = [x0, x0 x1, x0 x1 x2]; d(sum y)/dx = [1 + x1 + x1 x2, x0 + x0 x2, x0 x1] at x = [2, 0, 3].
    const x = tensor([2, 0, 3]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => ops.cumprod(x).sum());
    expect(await values(tape.gradient(y, x)!)).toEqual([1, 8, 0]);
  }));

  it('cumsum differentiates twice', onBothBackends(async () => {
    // f = sum(cumsum(x) * x); df/dx_j = sum_{i>=j} x_i + sum_{i<=j} x_i, whose sum over j has
    // gradient n + 1 in every element.
    const x = tensor([0.5, -1, 2, 3]);
    const outer = new GradientTape();
    outer.watch(x);
    const total = outer.record(() => {
      const inner = new GradientTape();
      inner.watch(x);
      const f = inner.record(() => ops.cumsum(x).mul(x).sum());
      return inner.gradient(f, x)!.sum();
    });
    expect(await values(outer.gradient(total, x)!)).toEqual([5, 5, 5, 5]);
  }));

  it('gives int32 inputs no gradient', () => {
    const x = tensor([1, 2], [2], 'int32');
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => ops.cast(ops.cumsum(x), 'float32').sum());
    expect(tape.gradient(y, x)).toBeNull();
  });
});

describe('memory', () => {
  it('leaves no tensors behind, gradients included', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4]]);
    const start = memory().liveTensors;
    const dx = tidy(() => {
      const tape = new GradientTape();
      tape.watch(x);
      const y = tape.record(() => ops.cumprod(ops.cumsum(x, 0)).sum());
      return tape.gradient(y, x)!;
    });
    expect(memory().liveTensors).toBe(start + 1);
    dx.dispose();
    expect(memory().liveTensors).toBe(start);
    x.dispose();
  }));
});

describe('errors', () => {
  const x = () => tensor([[1, 2], [3, 4]]);
  it('names the op, the axis and the rank', () => {
    expect(() => ops.cumsum(x(), 2)).toThrow('cumsum: axis 2 is out of range for a tensor of rank 2 (expected an integer in [-2, 1]).');
    expect(() => ops.cumprod(x(), -3)).toThrow('cumprod: axis -3 is out of range for a tensor of rank 2');
    expect(() => ops.cumsum(x(), 0.5)).toThrow('cumsum: axis 0.5 is out of range');
    expect(() => ops.cumsum(x(), '1' as unknown as number)).toThrow('cumsum: Invalid value for argument axis. Expected an integer or undefined. Received: axis="1".');
    expect(() => ops.cumsum([1, 2] as unknown as Tensor)).toThrow('cumsum: expected a Tensor, got an array');
  });
});
