// ops.dense: the fused kernel against the CPU backend (forward and gradients), known values, the
// dispatch counts that make it worth fusing (a Dense layer forward is one dispatch, its backward
// three), the Dense layer's use of it (fused and unfused activations, rank-3 inputs), and the
// errors users meet.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { GradientTape, layers, ops, tensor, tidy, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { fusedCases } from '../cases/fused';
import { rand } from '../cases/data';
import { checkCases, useWebGPU, withKernelTuning } from '../helpers';

useWebGPU();

afterEach(() => vi.restoreAllMocks());

describe('GPU matches CPU', () => checkCases(fusedCases.filter((c) => c.name.startsWith('dense'))));
describe('GPU matches CPU with the workgroups of a hardware adapter (lanes sharing rows)', () => withKernelTuning('hardware', 0, () => checkCases(fusedCases.filter((c) => c.name.startsWith('dense gradients')))));

/** How many dispatches `fn` records. */
function countDispatches(fn: () => void): number {
  const spy = vi.spyOn(currentGpu()!, 'dispatch');
  fn();
  const count = spy.mock.calls.length;
  spy.mockRestore();
  return count;
}

describe('values', () => {
  it('applies the bias and each activation', async () => {
    const x = tensor([[1, 2], [-3, 0.5]]);
    const kernel = tensor([[1, -1], [2, 0.5]]);
    const bias = tensor([-1, 1]);
    // x · kernel + bias
    const pre = [4, 1, -3, 4.25];
    expect(Array.from(await ops.dense(x, kernel, bias).data())).toEqual(pre);
    expect(Array.from(await ops.dense(x, kernel).data())).toEqual([5, 0, -2, 3.25]);
    expect(Array.from(await ops.dense(x, kernel, bias, 'relu').data())).toEqual([4, 1, 0, 4.25]);
    const sigmoid = await ops.dense(x, kernel, bias, 'sigmoid').data();
    pre.forEach((v, i) => expect(sigmoid[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6));
    const tanh = await ops.dense(x, kernel, bias, 'tanh').data();
    pre.forEach((v, i) => expect(tanh[i]).toBeCloseTo(Math.tanh(v), 6));
  });

  it('equals matmul, add and the unary activation', async () => {
    // The shapes of the GPU-versus-CPU cases above, whose fused kernels are compiled already.
    const [a, k, b] = [rand([33, 17]), rand([17, 13]), rand([13])];
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
      const fused = await ops.dense(a, k, b, activation).data();
      const pre2 = ops.matmul(a, k).add(b);
      const reference = await (activation === 'linear' ? pre2 : ops[activation](pre2)).data();
      fused.forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThan(1e-6));
    }
  });

  it('keeps leading dimensions: [2, 3, 4] x [4, 5] -> [2, 3, 5]', () => {
    expect(ops.dense(rand([2, 3, 4]), rand([4, 5]), rand([5]), 'relu').shape).toEqual([2, 3, 5]);
    expect(ops.dense(rand([4]), rand([4, 5])).shape).toEqual([5]);
  });
});

describe('dispatches', () => {
  // Any shape short of split-K counts the same: these take small kernels, quick to compile.
  it('a Dense layer forward is one dispatch, with or without bias and for each fused activation', () => {
    const x = rand([5, 3]);
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh']) {
      for (const useBias of [true, false]) {
        const layer = new layers.Dense({ units: 9, activation, useBias });
        tidy(() => layer.apply(x));
        expect(countDispatches(() => tidy(() => layer.apply(x))), `${activation}, useBias ${useBias}`).toBe(1);
      }
    }
  });

  it('its gradient is the backward kernel (activation derivative and bias sums) and two products', () => {
    const [x, kernel, bias] = [rand([19, 6]), rand([6, 10]), rand([10])];
    tidy(() => {
      const tape = new GradientTape();
      tape.watch([x, kernel, bias]);
      const y = tape.record(() => ops.dense(x, kernel, bias, 'relu'));
      // One more dispatch seeds the gradient with onesLike(y).
      expect(countDispatches(() => tape.gradient(y, [x, kernel, bias]))).toBe(1 + 3);
    });
  });
});

describe('Dense layer', () => {
  it('matches the unfused computation for fused and unfused activations and rank-3 inputs', async () => {
    for (const [activation, shape] of [['relu', [8, 6]], ['tanh', [2, 5, 6]], ['softmax', [8, 6]], ['elu', [3, 2, 6]]] as const) {
      const layer = new layers.Dense({ units: 7, activation });
      const x = rand([...shape]);
      const y = await layer.apply(x).data();
      const reference = await tidy((): Tensor => {
        const pre = ops.matmul(x, layer.kernel).add(layer.bias!);
        return activation === 'softmax' ? ops.softmax(pre) : activation === 'elu' ? ops.elu(pre) : ops[activation](pre);
      }).data();
      y.forEach((v, i) => expect(Math.abs(v - reference[i]), activation).toBeLessThan(1e-6));
    }
  });

  it('casts int32 inputs', () => {
    const layer = new layers.Dense({ units: 3 });
    expect(layer.apply(tensor([[1, 2]], [1, 2], 'int32')).dtype).toBe('float32');
  });
});

describe('errors', () => {
  it('names the op and the shapes', () => {
    expect(() => ops.dense(rand([2, 3]), rand([4, 5]))).toThrow(/dense: x of shape \[2,3\] has 3 features .* expects 4/);
    expect(() => ops.dense(rand([2, 3]), rand([3, 5]), rand([4]))).toThrow(/dense: bias of shape \[4\] does not match the kernel's 5 units/);
    expect(() => ops.dense(rand([2, 3]), rand([3]))).toThrow(/dense: kernel of shape \[3\] should have rank 2/);
    expect(() => ops.dense(rand([2, 3]), rand([3, 5]), rand([1, 5]))).toThrow(/dense: bias of shape \[1,5\] should have rank 1/);
    expect(() => ops.dense(rand([2, 3], { int: true }), rand([3, 5]))).toThrow(/dense: x is int32 .* Cast it first/);
    expect(() => ops.dense(rand([2, 3]), rand([3, 5]), null, 'softmax' as never)).toThrow(/dense: unknown activation 'softmax'. Expected one of linear, relu, sigmoid, tanh/);
    expect(() => ops.dense([[1, 2]] as never, rand([2, 5]))).toThrow(/dense: expected x to be a Tensor, got an array/);
  });
});
