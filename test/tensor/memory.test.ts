// Tensor lifetime: tidy, keep, dispose, the FinalizationRegistry safety net, and no growth of
// memory() across a long loop of ops.

import { describe, expect, it } from 'vitest';
import { dispose, keep, memory, ops, tensor, tidy, type Tensor } from '../../src/node';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

describe('tidy', () => {
  it('disposes intermediates and keeps what the function returns', async () => {
    const x = tensor([1, 2, 3]);
    const start = memory().liveTensors;
    let inner: Tensor | undefined;
    const y = tidy(() => {
      inner = x.mul(2);
      return inner.add(1);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(y.isDisposed).toBe(false);
    expect(memory().liveTensors).toBe(start + 1);
    expect(Array.from(await y.data())).toEqual([3, 5, 7]);
  });

  it('keeps tensors returned in arrays and objects, and tensors passed to keep', () => {
    let kept: Tensor | undefined;
    const result = tidy(() => {
      kept = keep(tensor([1]).add(1));
      return { a: tensor([2]).exp(), list: [tensor([3]).neg()] };
    });
    expect(result.a.isDisposed).toBe(false);
    expect(result.list[0].isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
  });

  it('nests: what an inner scope returns belongs to the outer one', () => {
    let fromInner: Tensor | undefined;
    tidy(() => {
      fromInner = tidy(() => tensor([1]).add(1));
      return undefined;
    });
    expect(fromInner!.isDisposed).toBe(true);
  });

  it('disposes everything when the function throws', () => {
    let made: Tensor | undefined;
    expect(() =>
      tidy(() => {
        made = tensor([1, 2]).exp();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(made!.isDisposed).toBe(true);
  });

  it('rejects an async function', () => {
    expect(() => tidy(async () => tensor([1]))).toThrow('tidy(fn): fn returned a Promise');
  });
});

describe('dispose', () => {
  it('disposes tensors in containers, and twice is harmless', () => {
    const a = tensor([1]);
    const b = tensor([2]);
    dispose({ a, list: [b] });
    expect(a.isDisposed && b.isDisposed).toBe(true);
    a.dispose();
  });

  it('returns GPU memory to the pool and reuses it', () => {
    const before = memory();
    const x = tensor(new Float32Array(1000));
    expect(memory().gpuBytes).toBeGreaterThan(before.gpuBytes);
    x.dispose();
    expect(memory().gpuBytes).toBe(before.gpuBytes);
    expect(memory().pooledBytes).toBeGreaterThan(0);
  });

  it('shares storage between a tensor and its reshape until both are disposed', async () => {
    const x = tensor([1, 2, 3, 4]);
    const bytes = memory().gpuBytes;
    const y = x.reshape([2, 2]);
    expect(memory().gpuBytes).toBe(bytes);
    x.dispose();
    expect(await y.array()).toEqual([[1, 2], [3, 4]]);
    y.dispose();
    expect(memory().gpuBytes).toBeLessThan(bytes);
  });

  it('clone() copies into memory of its own (TF.js habit): disposing the original leaves the copy', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    const bytes = memory().gpuBytes;
    const copy = x.clone();
    expect(memory().gpuBytes).toBeGreaterThan(bytes);
    x.dispose();
    expect(await copy.array()).toEqual([[1, 2], [3, 4]]);
    copy.dispose();
  });
});

describe('no growth', () => {
  it('keeps memory() flat across 1000 iterations of a tidy loop of ops', async () => {
    const w = tensor([[0.5, -0.25], [0.125, 1]]);
    let state = tensor([[1, 2], [3, 4]]);
    const step = () => {
      const next = tidy(() => ops.tanh(state.mul(w).add(ops.sigmoid(state)).sub(0.5)).relu().add(1e-3).sqrt());
      state.dispose();
      state = next;
    };
    for (let i = 0; i < 10; i++) step();
    await state.data();
    await settleGarbage();
    const baseline = memory();
    for (let i = 0; i < 1000; i++) step();
    await state.data();
    await settleGarbage();
    const after = memory();
    expect(after.liveTensors).toBe(baseline.liveTensors);
    expect(after.gpuBytes).toBe(baseline.gpuBytes);
    expect(after.pooledBytes).toBe(baseline.pooledBytes);
  });
});

describe('FinalizationRegistry safety net', () => {
  it('returns the storage of unreachable tensors', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'the unit suite runs Node with --expose-gc').toBeTypeOf('function');
    const start = memory().liveTensors;
    (() => {
      for (let i = 0; i < 50; i++) tensor([i, i + 1]).add(1);
    })();
    expect(memory().liveTensors).toBe(start + 100);
    for (let i = 0; i < 20 && memory().liveTensors > start; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Unreachable tensors of earlier tests may be collected too, hence at most `start`.
    expect(memory().liveTensors).toBeLessThanOrEqual(start);
  });
});
