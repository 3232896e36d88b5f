// Sorting ops: the GPU kernels against the CPU backend, both backends against hand-written
// references (NumPy's stable sort with NaN last, tf.math.top_k's and tf.math.in_top_k's tie
// rules), gradients by finite differences, memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { sortCases } from '../cases/sort';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(sortCases));

const values = async (t: Tensor) => t.array();
const int32 = (list: number[], shape: number[] = [list.length]) => tensor(list, shape, 'int32');

describe('reference values', () => {
  it('sort is ascending along the last axis by default, any axis on request', onBothBackends(async () => {
    const x = tensor([[3, 1, 2], [0, -1, 0]]);
    expect(await values(ops.sort(x))).toEqual([[1, 2, 3], [-1, 0, 0]]);
    expect(await values(ops.sort(x, 0))).toEqual([[0, -1, 0], [3, 1, 2]]);
    expect(await values(ops.sort(x, -2))).toEqual([[0, -1, 0], [3, 1, 2]]);
    expect(await values(ops.sort(x, null))).toEqual([-1, 0, 0, 1, 2, 3]);
    const cube = tensor([[[4, 1], [2, 8], [3, 5]]]);
    expect(await values(ops.sort(cube, 1))).toEqual([[[2, 1], [3, 5], [4, 8]]]);
    const ints = ops.sort(int32([7, -2, 0, -9]));
    expect(ints.dtype).toBe('int32');
    expect(await values(ints)).toEqual([-9, -2, 0, 7]);
  }));

  it('argsort is stable: ties keep the lower index first', onBothBackends(async () => {
    const indices = ops.argsort(tensor([3, 1, 2, 1, 3, 1]));
    expect(indices.dtype).toBe('int32');
    expect(await values(indices)).toEqual([1, 3, 5, 2, 0, 4]);
    expect(await values(ops.argsort(tensor([[2, 2], [1, 2], [2, 1]]), 0))).toEqual([[1, 2], [0, 0], [2, 1]]);
    expect(await values(ops.argsort(tensor([[2, 0], [1, 0]]), null))).toEqual([1, 3, 2, 0]);
  }));

  it('sorts NaN last and treats -0 and +0 as equal, as NumPy', onBothBackends(async () => {
    const x = tensor([NaN, 1, -Infinity, 0, -0, NaN, Infinity, -1]);
    expect(Array.from(await ops.sort(x).data())).toEqual([-Infinity, -1, 0, -0, 1, Infinity, NaN, NaN]);
    expect(await values(ops.argsort(x))).toEqual([2, 7, 3, 4, 1, 6, 0, 5]);
  }));

  it('topK gives the k largest, largest first, ties in index order (tf.math.top_k)', onBothBackends(async () => {
    const [top, indices] = ops.topK(tensor([5, 2, 7, 1, 9, 3]), 3);
    expect(await values(top)).toEqual([9, 7, 5]);
    expect(await values(indices)).toEqual([4, 2, 0]);
    const [tiedTop, tiedIndices] = ops.topK(tensor([[1, 3, 3, 2, 3], [0, 0, 0, 0, 0]]), 2);
    expect(await values(tiedTop)).toEqual([[3, 3], [0, 0]]);
    expect(await values(tiedIndices)).toEqual([[1, 2], [0, 1]]);
    const [nanTop, nanIndices] = ops.topK(tensor([1, NaN, Infinity, 2]), 3);
    expect(Array.from(await nanTop.data())).toEqual([NaN, Infinity, 2]);
    expect(await values(nanIndices)).toEqual([1, 2, 3]);
    const [intTop] = ops.topK(int32([4, -8, 6, 6], [2, 2]), 1, false);
    expect(intTop.dtype).toBe('int32');
    expect(await values(intTop)).toEqual([[4], [6]]);
  }));

  it('inTopK counts a target in when fewer than k predictions are strictly greater (tf.math.in_top_k)', onBothBackends(async () => {
    // The examples of the TensorFlow and Keras docstrings.
    const tf = ops.inTopK(int32([0, 1, 3]), tensor([[1.2, -0.3, 2.8, 5.2], [0.1, 0, 0, 0], [0, 0.5, 0.3, 0.3]]), 2);
    expect(tf.dtype).toBe('int32');
    expect(await values(tf)).toEqual([0, 1, 1]);
    const keras = tensor([[0.1, 0.4, 0.6, 0.9, 0.5], [0.1, 0.7, 0.9, 0.8, 0.3], [0.1, 0.6, 0.9, 0.9, 0.5]]);
    expect(await values(ops.inTopK(int32([2, 5, 3]), keras, 3))).toEqual([1, 0, 1]);
    // 0 for a target outside the classes and for a row with a non-finite prediction; k may exceed the classes.
    const rows = tensor([[1, 2, 3], [NaN, 9, 0], [1, -Infinity, 0], [1, 2, 3]]);
    expect(await values(ops.inTopK(int32([-1, 1, 0, 0]), rows, 5))).toEqual([0, 0, 0, 1]);
  }));
});

describe('gradients (tape on the GPU against finite differences on the CPU)', () => {
  // Values at least 0.05 apart, so the finite-difference step (0.01) never changes the order.
  const distinct = (count: number, seed: number) => Array.from({ length: count }, (_, i) => ((i * 7 + seed) % count) * 0.1 - 0.5);

  it('sort along the last axis', async () => {
    expect((await gradCheck((x) => ops.sort(x).mul(tensor([1, 2, 3, 4])), [[2, 4]], { values: [distinct(8, 3)] })).message).toBe('ok');
  });

  it('sort along a middle axis and the flattened tensor', async () => {
    expect((await gradCheck((x) => ops.sort(x, 1).square(), [[2, 3, 2]], { values: [distinct(12, 5)] })).message).toBe('ok');
    expect((await gradCheck((x) => ops.sort(x, null).mul(tensor([1, 2, 3, 4, 5, 6])), [[2, 3]], { values: [distinct(6, 1)] })).message).toBe('ok');
  });

  it('topK values; elements outside the top k get 0', async () => {
    expect((await gradCheck((x) => ops.topK(x, 2)[0].square(), [[3, 5]], { values: [distinct(15, 4)] })).message).toBe('ok');
  });

  it('sends each gradient element back to where its value came from, on both backends', onBothBackends(async () => {
    const x = tensor([[2, 5], [1, 7]]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(x);
    const sorted = tape.record(() => ops.sort(x, 0).mul(tensor([[1, 2], [3, 4]])));
    const top = tape.record(() => ops.topK(x, 1)[0].mul(tensor([[10], [20]])));
    expect(await values(tape.gradient(sorted, [x])[0]!)).toEqual([[3, 2], [1, 4]]);
    expect(await values(tape.gradient(top, [x])[0]!)).toEqual([[0, 10], [0, 20]]);
    tape.dispose();
  }));

  it('gives the indices of argsort and topK no gradient', () => {
    const x = tensor([3, 1, 2]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(x);
    const [indices, topIndices] = tape.record(() => [ops.argsort(x), ops.topK(x, 2)[1]]);
    expect(tape.gradient(indices, [x])).toEqual([null]);
    expect(tape.gradient(topIndices, [x])).toEqual([null]);
    tape.dispose();
  });
});

describe('memory', () => {
  it('sort, argsort, topK and their gradients leave only their results', () => {
    const x = tensor([[3, 1, 2], [6, 5, 4]]);
    const start = memory().liveTensors;
    tidy(() => {
      ops.sort(x);
      ops.argsort(x, 0);
      ops.topK(x, 2);
      ops.inTopK(int32([0, 1]), x, 1);
    });
    expect(memory().liveTensors).toBe(start);
    const sorted = ops.sort(x);
    expect(memory().liveTensors).toBe(start + 1);
    const tape = new GradientTape();
    tape.watch(x);
    const loss = tape.record(() => tidy(() => ops.topK(x, 2)[0].sum()));
    const [dx] = tidy(() => tape.gradient(loss, [x]));
    dx?.dispose();
    loss.dispose();
    sorted.dispose();
    expect(memory().liveTensors).toBe(start);
  });
});

describe('errors', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);
  it('topK', () => {
    expect(() => ops.topK(x(), 0)).toThrow('topK: Invalid value for argument k. Expected an integer in [1, 3] (the last dimension of x, of shape [2,3]). Received: k=0.');
    expect(() => ops.topK(x(), 4)).toThrow('Received: k=4.');
    expect(() => ops.topK(x(), 1.5)).toThrow('Received: k=1.5.');
    expect(() => ops.topK(tensor(3), 1)).toThrow('topK: Invalid value for argument x. Expected a tensor of rank at least 1. Received: x of shape [].');
  });
  it('sort and argsort', () => {
    expect(() => ops.sort(x(), 2)).toThrow('sort: axis 2 is out of range for a tensor of rank 2');
    expect(() => ops.argsort(tensor(3))).toThrow('argsort: Invalid value for argument x. Expected a tensor of rank at least 1 (or axis=null). Received: x of shape [].');
    expect(() => ops.sort([3, 1] as unknown as Tensor)).toThrow('sort: expected a Tensor, got an array');
  });
  it('inTopK', () => {
    expect(() => ops.inTopK(int32([0, 1]), tensor([1, 2]), 1)).toThrow('inTopK: Invalid value for argument predictions. Expected a tensor of rank 2, [batch, classes]. Received: predictions of shape [2].');
    expect(() => ops.inTopK(tensor([0, 1]), x(), 1)).toThrow('inTopK: Invalid value for argument targets. Expected an int32 tensor of shape [2] (one class per row of predictions, of shape [2,3]). Received: targets of shape [2] and dtype float32.');
    expect(() => ops.inTopK(int32([0, 1, 2]), x(), 1)).toThrow('Received: targets of shape [3] and dtype int32.');
    expect(() => ops.inTopK(int32([0, 1]), x(), 0)).toThrow('inTopK: Invalid value for argument k. Expected a positive integer. Received: k=0.');
  });
});
