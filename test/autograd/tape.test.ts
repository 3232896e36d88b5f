// GradientTape semantics: what is watched, unconnected sources, persistence, tidy inside record,
// the functional forms, Variables, and the errors of misuse.

import { describe, expect, it, vi } from 'vitest';
import { GradientTape, Variable, getBackend, grad, memory, ops, tensor, tidy, valueAndGrad, variable, type Tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';
import { settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

describe('GradientTape', () => {
  it('watches trainable variables automatically and returns gradients in source order', async () => {
    const w = new Variable(tensor([1, 2, 3]));
    const b = new Variable(tensor([0.5]));
    const tape = new GradientTape();
    const y = tape.record(() => w.mul(w).add(b).mul(2));
    const [dw, db] = tape.gradient(y, [w, b]);
    expect(Array.from(await dw!.data())).toEqual([4, 8, 12]);
    expect(Array.from(await db!.data())).toEqual([6]);
  });

  it('returns null for a source the target does not depend on, and ignores non-trainable variables', () => {
    const x = tensor([1, 2]);
    const frozen = variable([3, 4], { trainable: false });
    const unrelated = new Variable(tensor([1]));
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.mul(frozen));
    const [dx, dFrozen, dUnrelated] = tape.gradient(y, [x, frozen, unrelated]);
    expect(dx).not.toBeNull();
    expect(dFrozen).toBeNull();
    expect(dUnrelated).toBeNull();
  });

  it('accumulates gradients of a tensor used twice', async () => {
    const x = tensor([3]);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.mul(x).add(x.exp()));
    expect((await tape.gradient(y, x)!.data())[0]).toBeCloseTo(6 + Math.exp(3), 3);
  });

  it('allows several gradient calls only when persistent', async () => {
    const x = tensor([2]);
    const once = new GradientTape();
    once.watch(x);
    const y1 = once.record(() => x.square());
    once.gradient(y1, x);
    expect(() => once.gradient(y1, x)).toThrow('GradientTape.gradient: the tape was disposed');

    const persistent = new GradientTape({ persistent: true });
    persistent.watch(x);
    const [y2, z2] = persistent.record(() => [x.square(), x.mul(3)]);
    expect((await persistent.gradient(y2, x)!.data())[0]).toBe(4);
    expect((await persistent.gradient(z2, x)!.data())[0]).toBe(3);
    persistent.dispose();
  });

  it('keeps what a tidy inside record disposes until gradient() needs it', async () => {
    const w = new Variable(tensor([[1, 2], [3, 4]]));
    const tape = new GradientTape();
    const loss = tape.record(() => tidy(() => w.mul(2).relu().square().sum()));
    const dw = tape.gradient(loss, w)!;
    expect(await dw.array()).toEqual([[8, 16], [24, 32]]);
  });

  it('reclaims the tensors it held once gradient() is done', async () => {
    const w = new Variable(tensor([1, 2, 3, 4]));
    const step = () =>
      tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => tidy(() => w.mul(w).sigmoid().sum()));
        const dw = tape.gradient(loss, w)!;
        w.assign(w.sub(dw.mul(0.1)));
      });
    step();
    await w.data();
    await settleGarbage();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    await w.data();
    await settleGarbage();
    expect(memory().liveTensors).toBe(before.liveTensors);
    expect(memory().gpuBytes).toBe(before.gpuBytes);
  });

  it('records nothing outside record() and submits no GPU work of its own', async () => {
    const x = tensor([1, 2]);
    const tape = new GradientTape();
    tape.watch(x);
    const outside = x.mul(2);
    const inside = tape.record(() => x.mul(3));
    expect(tape.gradient(outside, x)).toBeNull();
    const recorder = currentGpu()!.recorder;
    recorder.flush();
    const submits = recorder.submitCount;
    const t2 = new GradientTape();
    t2.watch(x);
    const y = t2.record(() => x.mul(3).exp().sum());
    t2.gradient(y, x);
    expect(recorder.submitCount).toBe(submits);
    inside.dispose();
  });

  it('computes only the gradients on a path to a requested source', async () => {
    expect(getBackend()).toBe('webgpu');
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const w = new Variable(tensor([[1, 0], [0, 1], [1, 1]]));
    const recorder = currentGpu()!.recorder;
    const dispatches = vi.spyOn(recorder, 'dispatch');
    const gradientDispatches = (sources: Tensor[]): [number, Array<Tensor | null>] => {
      const tape = new GradientTape();
      tape.watch(x);
      const loss = tape.record(() => ops.dense(x, w, null, 'relu').square().sum());
      dispatches.mockClear();
      const grads = tape.gradient(loss, sources);
      return [dispatches.mock.calls.length, grads];
    };
    const [both, [dxBoth, dwBoth]] = gradientDispatches([x, w]);
    const [weightOnly, [dwOnly]] = gradientDispatches([w]);
    dispatches.mockRestore();
    // dx = dPre · w^T is one matmul the weight-only call skips.
    expect(weightOnly).toBe(both - 1);
    // pre = x·w = [[4, 5], [10, 11]], dPre = 2 pre; dw = x^T·dPre, dx = dPre·w^T.
    expect(Array.from(await dwOnly!.data())).toEqual([88, 98, 116, 130, 144, 162]);
    expect(Array.from(await dwBoth!.data())).toEqual([88, 98, 116, 130, 144, 162]);
    expect(Array.from(await dxBoth!.data())).toEqual([8, 10, 18, 20, 22, 42]);
  });

  it('rejects gradient() inside record()', () => {
    const x = tensor([1]);
    const tape = new GradientTape();
    tape.watch(x);
    expect(() => tape.record(() => tape.gradient(x.mul(2), x))).toThrow('GradientTape.gradient: called inside record()');
  });
});

describe('valueAndGrad and grad', () => {
  it('differentiate a function of tensors', async () => {
    const f = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => a.mul(b).add(a.square()).sum();
    const { value, grads } = valueAndGrad(f)(tensor([1, 2]), tensor([3, 4]));
    expect((await value.data())[0]).toBe(1 * 3 + 2 * 4 + 1 + 4);
    expect(Array.from(await grads[0].data())).toEqual([3 + 2, 4 + 4]);
    expect(Array.from(await grads[1].data())).toEqual([1, 2]);
    const [dx] = grad((x: ReturnType<typeof tensor>) => x.square().sum())(tensor([1, 2]));
    expect(Array.from(await dx.data())).toEqual([2, 4]);
  });
});

describe('Variable', () => {
  it('holds an assignable value that tidy does not dispose', async () => {
    const v = tidy(() => new Variable(tensor([1, 2]), { name: 'v' }));
    expect(v.isDisposed).toBe(false);
    expect(v.name).toBe('v');
    expect(v.trainable).toBe(true);
    tidy(() => {
      v.assign(v.add(1));
    });
    expect(Array.from(await v.data())).toEqual([2, 3]);
  });

  it('rejects a value of another shape or dtype', () => {
    const v = new Variable(tensor([1, 2]), { name: 'kernel' });
    expect(() => v.assign(tensor([1, 2, 3]))).toThrow("Variable.assign (kernel): shape [3] differs from the variable's [2].");
    expect(() => v.assign(tensor([1, 2], [2], 'int32'))).toThrow("Variable.assign (kernel): dtype int32 differs from the variable's float32.");
  });

  it("takes numbers and arrays in assign, and adds or subtracts in place with assignAdd and assignSub, as Keras's", async () => {
    const total = new Variable(tensor([0, 0]), { trainable: false, name: 'total' });
    tidy(() => {
      total.assignAdd(ops.sum(tensor([[1, 2], [3, 4]]), 0));
      total.assignAdd(tensor([[1, 2], [3, 4]]).sum(0));
    });
    expect(Array.from(await total.data())).toEqual([8, 12]);
    total.assignSub(1);
    expect(Array.from(await total.data())).toEqual([7, 11]);
    total.assign([0.5, 0.25]);
    expect(Array.from(await total.data())).toEqual([0.5, 0.25]);
    const count = new Variable(tensor(3, [], 'int32'));
    count.assign(0);
    count.assignAdd(2);
    expect([count.dtype, (await count.data())[0]]).toEqual(['int32', 2]);
    expect(() => total.assign(0)).toThrow("Variable.assign (total): shape [] differs from the variable's [2].");
    expect(() => total.assignAdd([[1, 2], [3, 4]])).toThrow("Variable.assignAdd (total): a value of shape [2,2] does not broadcast to the variable's [2].");
    expect(() => total.assignAdd([1, 2, 3])).toThrow(/add: shapes \[2\] and \[3\]/);
  });

  it('casts its initial value to a requested dtype', () => {
    expect(variable([1.5, 2.5], { dtype: 'int32' }).dtype).toBe('int32');
    expect(ops.add(variable([1]), 1).dtype).toBe('float32');
  });
});
