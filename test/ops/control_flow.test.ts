// The control-flow ops of src/ops/control_flow.ts on both backends: branches and loops against
// values written here or computed with Keras 3.16 (NumPy backend), gradients through them by
// finite differences, the release of intermediate states, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(expected[i]));
  }
}

const values = async (t: Tensor) => Array.from(await t.data());

describe('cond and switch', () => {
  it('cond runs one branch for a boolean and selects on the device for a tensor predicate', onBothBackends(async () => {
    const x = tensor([1, -2, 3]);
    let calls = 0;
    const double = () => { calls++; return ops.mul(x, 2); };
    const negate = () => ops.neg(x);
    expect(await values(ops.cond(true, double, negate))).toEqual([2, -4, 6]);
    expect(await values(ops.cond(0, double, negate))).toEqual([-1, 2, -3]);
    expect(calls).toBe(1);
    expect(await values(ops.cond(ops.greater(ops.sum(x), 0), double, negate))).toEqual([2, -4, 6]);
    expect(await values(ops.cond(tensor([0], [1], 'int32'), double, negate))).toEqual([-1, 2, -3]);
    const tree = ops.cond(tensor(1), () => ({ a: ops.add(x, 1), b: [ops.sum(x)] }), () => ({ a: x, b: [ops.max(x)] }));
    expect(await values(tree.a)).toEqual([2, -1, 4]);
    expect(await values(tree.b[0])).toEqual([2]);
  }));

  it('switch clamps its index and selects on the device for a tensor index', onBothBackends(async () => {
    const branches = [(a: Tensor, b: Tensor) => ops.add(a, b), (a: Tensor, b: Tensor) => ops.sub(a, b), (a: Tensor, b: Tensor) => ops.mul(a, b)];
    const [x, y] = [tensor(2), tensor(0.5)];
    // keras.ops.switch(0 / 1, [add, subtract], 2., 0.5) gives 2.5 / 1.5; out-of-range indices clamp.
    expect(await values(ops.switch(0, branches, x, y))).toEqual([2.5]);
    expect(await values(ops.switch(1, branches, x, y))).toEqual([1.5]);
    expect(await values(ops.switch(7, branches, x, y))).toEqual([1]);
    expect(await values(ops.switch(-3, branches, x, y))).toEqual([2.5]);
    for (const [index, expected] of [[0, 2.5], [1, 1.5], [2, 1], [9, 1], [-1, 2.5]]) {
      expect(await values(ops.switch(tensor(index, [], 'int32'), branches, x, y))).toEqual([expected]);
    }
  }));

  it('gradients reach the selected branch only', async () => {
    expect((await gradCheck((x) => ops.cond(ops.greater(ops.sum(x), -100), () => ops.square(x), () => ops.exp(x)), [[3]])).message).toBe('ok');
    const x = tensor([1, 2]);
    const tape = new GradientTape();
    tape.watch([x]);
    const y = tape.record(() => ops.sum(ops.switch(tensor(1, [], 'int32'), [(v: Tensor) => ops.mul(v, 3), (v: Tensor) => ops.square(v)], x)));
    const [dx] = tape.gradient(y, [x]);
    expect(await values(dx!)).toEqual([2, 4]);
  });
});

describe('loops', () => {
  it('whileLoop reads its condition each iteration and honours maximumIterations', onBothBackends(async () => {
    // keras.ops.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0)) gives (5, 10);
    // with i < 50 and maximum_iterations=3 it gives (3, 3).
    const body = (i: Tensor, t: Tensor): [Tensor, Tensor] => [ops.add(i, 1), ops.add(t, i)];
    const [i, total] = await ops.whileLoop((i: Tensor) => ops.less(i, 5), body, [0, 0]);
    expect([await values(i), await values(total)]).toEqual([[5], [10]]);
    const [j, capped] = await ops.whileLoop((i: Tensor) => ops.less(i, 50), body, [0, 0], { maximumIterations: 3 });
    expect([await values(j), await values(capped)]).toEqual([[3], [3]]);
    const single = await ops.whileLoop((v: Tensor) => ops.less(ops.sum(v), 100), (v: Tensor) => ops.mul(v, 2), tensor([1, 2]));
    expect(await values(single)).toEqual([64, 128]);
  }));

  it('whileLoop frees the states it replaces, not the caller\'s', async () => {
    const start = tensor([1, 2]);
    const before = memory().liveTensors;
    const out = await ops.whileLoop((v: Tensor) => ops.less(ops.sum(v), 100), (v: Tensor) => ops.mul(v, 2), start);
    expect(memory().liveTensors).toBe(before + 1);
    expect(start.isDisposed).toBe(false);
    out.dispose();
  });

  it('foriLoop passes the index and returns the final state', onBothBackends(async () => {
    const out = ops.foriLoop(0, 4, (i, x: Tensor) => ops.add(ops.mul(x, 2), i), tensor([1, 0]));
    // (((1·2+0)·2+1)·2+2)·2+3 = 27 and (((0·2+0)·2+1)·2+2)·2+3 = 11.
    expect(await values(out)).toEqual([27, 11]);
    expect(ops.foriLoop(3, 3, (_, x: number) => x + 1, 7)).toBe(7);
  }));

  it('scan carries state over slices, forwards and in reverse, with trees', onBothBackends(async () => {
    const xs = tensor([[1, 2], [3, 4], [5, 6]]);
    const runningSum = (c: Tensor, x: Tensor): [Tensor, Tensor] => [ops.add(c, x), ops.add(c, x)];
    const [total, partials] = ops.scan(runningSum, tensor([0, 0]), xs);
    expect(await values(total)).toEqual([9, 12]);
    expect(await values(partials!)).toEqual([1, 2, 4, 6, 9, 12]);
    // keras.ops.scan(lambda c, x: (c * 0.5 + x, c * x), 1., [1., 2., 3.], reverse=True) gives 2.875, [3.75, 7, 3].
    const [carry, ys] = ops.scan((c: Tensor, x: Tensor) => [ops.add(ops.mul(c, 0.5), x), ops.mul(c, x)], 1, tensor([1, 2, 3]), { reverse: true });
    expect(await values(carry)).toEqual([2.875]);
    expect(await values(ys!)).toEqual([3.75, 7, 3]);
    const [counter, none] = ops.scan((c: { n: Tensor }) => [{ n: ops.add(c.n, 1) }, null], { n: tensor(0) }, null, { length: 4, unroll: 2 });
    expect(await values(counter.n)).toEqual([4]);
    expect(none).toBeNull();
    const [, pairs] = ops.scan((c: Tensor, x: [Tensor, Tensor]) => [c, [ops.mul(x[0], x[1]), ops.sum(x[0])]], tensor(0), [xs, tensor([[2, 2], [1, 0], [0, 1]])]);
    const [products, sums] = pairs as [Tensor, Tensor];
    expect(await values(products)).toEqual([2, 4, 3, 0, 0, 6]);
    expect(await values(sums)).toEqual([3, 7, 11]);
  }));

  it('map and vectorizedMap stack the results of each slice', onBothBackends(async () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(await values(ops.map((row: Tensor) => ops.sum(row), x))).toEqual([3, 7]);
    const squared = ops.vectorizedMap((row: Tensor) => ops.mul(row, row), x);
    expect(squared.shape).toEqual([2, 2]);
    expect(await values(squared)).toEqual([1, 4, 9, 16]);
    const { sum, first } = ops.map(([a, b]: [Tensor, Tensor]) => ({ sum: ops.add(a, b), first: a }), [x, tensor([10, 20])]);
    expect(await values(sum)).toEqual([11, 12, 23, 24]);
    expect(await values(first)).toEqual([1, 2, 3, 4]);
  }));

  it('gradients flow through loop iterations; intermediates are freed', async () => {
    expect((await gradCheck((xs, w) => ops.scan((c: Tensor, x: Tensor) => [ops.tanh(ops.add(ops.mul(c, w), x)), ops.mul(c, x)], ops.zeros([2]), xs)[1]!, [[3, 2], [2]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.foriLoop(0, 3, (_, v: Tensor) => ops.sin(ops.mul(v, x)), x), [[3]])).message).toBe('ok');
    expect((await gradCheck((x) => ops.map((row: Tensor) => ops.prod(row), x), [[3, 2]])).message).toBe('ok');
    const xs = tensor([[1, 2], [3, 4], [5, 6]]);
    const before = memory().liveTensors;
    const [total, partials] = ops.scan((c: Tensor, row: Tensor) => [ops.add(c, row), ops.square(row)], tensor([0, 0]), xs);
    expect(memory().liveTensors).toBe(before + 3);
    [total, partials!].forEach((t) => t.dispose());
  });
});

describe('associativeScan', () => {
  it('matches a sequential scan for sums and for a non-commutative combination, along any axis and reversed', onBothBackends(async () => {
    expect(await values(ops.associativeScan((a: Tensor, b: Tensor) => ops.add(a, b), tensor([1, 2, 3, 4, 5])))).toEqual([1, 3, 6, 10, 15]);
    // Composition of affine maps v -> a·v + b: keras.ops.associative_scan(f, (a, b), reverse=..., axis=1) with Keras 3.16.
    const combine = (x: [Tensor, Tensor], y: [Tensor, Tensor]): [Tensor, Tensor] => [ops.mul(x[0], y[0]), ops.add(ops.mul(x[1], y[0]), y[1])];
    const a = tensor([[0.5, 2, -1, 1.5, 0.8], [1, 0.5, 2, -0.5, 1.2]]);
    const b = tensor([[1, -2, 0.5, 3, 1], [0.2, 0.4, -1, 2, 0]]);
    const [scale, shift] = ops.associativeScan(combine, [a, b], { axis: 1 });
    expectClose(await values(scale), [0.5, 1, -1, -1.5, -1.2, 1, 0.5, 1, -0.5, -0.6]);
    expectClose(await values(shift), [1, 0, 0.5, 3.75, 4, 0.2, 0.5, 0, 2, 2.4]);
    const [reverseScale, reverseShift] = ops.associativeScan(combine, [a, b], { axis: -1, reverse: true });
    expectClose(await values(reverseScale), [-1.2, -2.4, -1.2, 1.2, 0.8, -0.6, -0.6, -1.2, -0.6, 1.2]);
    expectClose(await values(reverseShift), [-4, -10, -4, 4.5, 1, 2.1, 1.9, 3, 2, 0]);
  }));

  it('is differentiable', async () => {
    expect((await gradCheck((x) => ops.associativeScan((a: Tensor, b: Tensor) => ops.mul(a, b), x, { axis: 1 }), [[2, 5]])).message).toBe('ok');
  });
});

describe('errors', () => {
  it('name the op, the expectation and what was received', async () => {
    const x = tensor([1, 2]);
    expect(() => ops.cond(x, () => x, () => x)).toThrow('cond: pred must hold one element, got shape [2].');
    expect(() => ops.cond(tensor(1), () => x, () => tensor([1, 2, 3]))).toThrow('cond: the false branch must match the expected structure: tensors of shapes ([2]), got ([3]).');
    expect(() => ops.cond(true, 'x' as never, () => x)).toThrow('cond: trueFn must be a function, got string.');
    expect(() => ops.switch(0, [], x)).toThrow('switch: branches must be a non-empty array of functions, got an empty array.');
    await expect(ops.whileLoop(() => true, (v: Tensor) => v, x, { maximumIterations: -1 })).rejects.toThrow('whileLoop: maximumIterations must be a non-negative integer, got -1.');
    await expect(ops.whileLoop(() => true, () => tensor([1]), x, { maximumIterations: 2 })).rejects.toThrow('whileLoop: the state body returned must match the expected structure: tensors of shapes ([2]), got ([1]).');
    expect(() => ops.foriLoop(0, 2.5, (_, v) => v, x)).toThrow('foriLoop: upper must be an integer number, got 2.5.');
    expect(() => ops.scan((c: Tensor) => [c, c], x)).toThrow('scan: got no xs to scan over and no length.');
    expect(() => ops.scan((c: Tensor) => [c, c], x, tensor([[1], [2]]), { length: 3 })).toThrow('scan: length 3 differs from the leading dimension 2 of xs.');
    expect(() => ops.scan((c: Tensor) => c as never, x, null, { length: 1 })).toThrow('scan: f must return a pair [carry, y], got object.');
    expect(() => ops.scan((c: Tensor) => [c, c], x, null, { length: 1, unroll: 0 })).toThrow('scan: unroll must be a positive integer or a boolean, got 0.');
    expect(() => ops.map((v: Tensor) => v, [x, tensor([1, 2, 3])] as never)).toThrow('map: the tensors of xs must share their leading dimension, got shapes [2], [3].');
    expect(() => ops.vectorizedMap((v: Tensor) => v, tensor([], [0, 2]))).toThrow('vectorizedMap: the tensors to map over have a leading dimension of 0');
    expect(() => ops.associativeScan((a: Tensor, b: Tensor) => ops.add(a, b), tensor(1))).toThrow('associativeScan: elems must have rank >= 1, got a scalar (shape []).');
    expect(() => ops.associativeScan((a: Tensor, b: Tensor) => ops.add(a, b), x, { axis: 1 })).toThrow('associativeScan: axis 1 is out of range for a tensor of rank 1');
  });
});
