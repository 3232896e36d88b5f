// keras.ops' complex-number functions on [real, imag] pairs (src/ops/complex.ts) against Keras
// 3.16's values on complex64 arrays, on both backends, with their gradients.

import { describe, expect, it } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const values = async (t: Tensor) => Array.from(await t.data());

function expectClose(actual: number[], expected: number[], tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e))));
}

describe('complex values as [real, imag] pairs', () => {
  // Keras 3.16: x = [1+2j, -3+0.5j] (complex64).
  const x = () => [tensor([1, -3]), tensor([2, 0.5])] as const;

  it('real, imag, conj, angle, polar, viewAsReal and viewAsComplex give what Keras gives on complex64 arrays', onBothBackends(async () => {
    expect(await values(ops.real(x()))).toEqual([1, -3]);
    expect(await values(ops.imag(x()))).toEqual([2, 0.5]);
    const [re, im] = ops.conj(x());
    expect([await values(re), await values(im)]).toEqual([[1, -3], [-2, -0.5]]);
    expectClose(await values(ops.angle(x())), [1.1071488, 2.976444]);
    // keras.ops.polar([2, 1], [0.5, -1]) = [1.7551651+0.9588511j, 0.5403023-0.841471j]; WGSL's
    // cos and sin may be off by about 1e-5 (SwiftShader's are).
    const [pr, pi] = ops.polar(tensor([2, 1]), tensor([0.5, -1]));
    expectClose(await values(pr), [1.7551651, 0.5403023], 2e-5);
    expectClose(await values(pi), [0.9588511, -0.841471], 2e-5);
    expect(await ops.viewAsReal(x()).array()).toEqual([[1, 2], [-3, 0.5]]);
    const [vr, vi] = ops.viewAsComplex(tensor([[1, 2], [3, 4]]));
    expect([await values(vr), await values(vi)]).toEqual([[1, 3], [2, 4]]);
  }));

  it('takes a real tensor as Keras does: real is a copy, imag zeros, angle 0 or pi, conj itself', onBothBackends(async () => {
    const r = tensor([-1, 2]);
    expect([await values(ops.real(r)), await values(ops.imag(r)), await values(ops.conj(r))]).toEqual([[-1, 2], [0, 0], [-1, 2]]);
    expectClose(await values(ops.angle(r)), [Math.PI, 0]);
    expect(ops.conjugate).toBe(ops.conj);
  }));

  it('differentiates: polar, angle and the views, by finite differences', async () => {
    expect((await gradCheck((a, t) => ops.polar(a, t)[1], [[3], [3]], { low: 0.2, high: 1 })).message).toBe('ok');
    expect((await gradCheck((re, im) => ops.angle([re, im]), [[3], [3]], { low: 0.3, high: 1 })).message).toBe('ok');
    expect((await gradCheck((v) => ops.viewAsComplex(v)[1], [[2, 2]])).message).toBe('ok');
  });

  it('refuses what is not a complex value, naming the op and the shapes', () => {
    expect(() => ops.real([tensor([1]), tensor([1, 2])] as never)).toThrow('real: the real and imaginary parts must have the same shape, got [1] and [2].');
    expect(() => ops.viewAsComplex(tensor([1, 2, 3]))).toThrow('viewAsComplex: expected a tensor whose last axis has size 2 (real and imaginary parts), got shape [3].');
    expect(() => ops.angle('x' as never)).toThrow('angle: expected a Tensor');
  });
});
