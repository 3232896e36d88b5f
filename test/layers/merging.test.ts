// Merge layers: element-wise results (broadcasting as Keras), Concatenate along any axis,
// symbolic shapes, and the shape errors with Keras's messages.

import { describe, expect, it } from 'vitest';
import { GradientTape, tensor } from '../../src/node';
import { Add, Average, Concatenate, Input, Maximum, Merge, Minimum, Multiply, Subtract } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, seededValues } from './layer_helpers';

useWebGPU();

describe('element-wise merge layers', () => {
  const a = seededValues(6, 1);
  const b = seededValues(6, 2);
  const c = seededValues(6, 3);
  const ts = () => [tensor(a, [2, 3]), tensor(b, [2, 3]), tensor(c, [2, 3])];
  const cases: Array<[string, () => Merge, (x: number, y: number, z: number) => number]> = [
    ['Add', () => new Add(), (x, y, z) => x + y + z],
    ['Multiply', () => new Multiply(), (x, y, z) => x * y * z],
    ['Average', () => new Average(), (x, y, z) => (x + y + z) / 3],
    ['Maximum', () => new Maximum(), (x, y, z) => Math.max(x, y, z)],
    ['Minimum', () => new Minimum(), (x, y, z) => Math.min(x, y, z)],
  ];
  for (const [name, make, reference] of cases) {
    it(`${name} of three inputs`, async () => {
      expectClose(await make().apply(ts()).data(), a.map((v, i) => reference(v, b[i], c[i])));
    });
  }

  it('Subtract takes exactly two inputs', async () => {
    expectClose(await new Subtract().apply(ts().slice(0, 2)).data(), a.map((v, i) => v - b[i]));
    expect(() => new Subtract().apply(ts())).toThrow('A `Subtract` layer should be called on exactly 2 inputs.');
  });

  it('broadcasts size-1 axes and inputs of lower rank as Keras does', async () => {
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]]); // [2, 1, 3]
    const y = tensor([[10, 20, 30], [40, 50, 60]]); // [2, 3] acts as [2, 1, 3]
    const out = new Add().apply([x, y]);
    expect(out.shape).toEqual([2, 1, 3]);
    expectClose(await out.data(), [11, 22, 33, 44, 55, 66]);
    expect(new Add().apply([Input({ shape: [4, 1] }), Input({ shape: [4, 5] })]).shape).toEqual([null, 4, 5]);
  });

  it('gives the merged shape on symbolic inputs', () => {
    expect(new Multiply().apply([Input({ shape: [3] }), Input({ shape: [3] })]).shape).toEqual([null, 3]);
    expect(new Add().apply([Input({ batchShape: [8, 3] }), Input({ shape: [3] })]).shape).toEqual([8, 3]);
  });

  it('rejects incompatible shapes, different batch sizes and a single tensor', () => {
    expect(() => new Add().apply([Input({ shape: [3] }), Input({ shape: [4] })])).toThrow('Inputs have incompatible shapes. Received shapes (3,) and (4,)');
    expect(() => new Add().apply([Input({ batchShape: [2, 3] }), Input({ batchShape: [5, 3] })])).toThrow('Cannot merge tensors with different batch sizes. Received tensors with shapes [(2, 3), (5, 3)]');
    expect(() => new Add().apply(Input({ shape: [3] }))).toThrow('A merge layer should be called on a list of inputs. Received: input_shape=(None, 3) (not a list of shapes)');
  });

  it('passes gradients to every input', async () => {
    const [x, y] = ts();
    const tape = new GradientTape();
    tape.watch([x, y]);
    const loss = tape.record(() => new Multiply().apply([x, y]).sum());
    const [dx, dy] = tape.gradient(loss, [x, y]);
    expectClose(await dx!.data(), b);
    expectClose(await dy!.data(), a);
  });
});

describe('Concatenate', () => {
  it('joins along the last axis by default', async () => {
    const y = new Concatenate().apply([tensor([[1, 2], [3, 4]]), tensor([[5], [6]])]);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(await y.data())).toEqual([1, 2, 5, 3, 4, 6]);
  });

  it('joins along a given axis (Keras docstring example)', async () => {
    const x = tensor(Array.from({ length: 20 }, (_, i) => i), [2, 2, 5]);
    const z = tensor(Array.from({ length: 10 }, (_, i) => 20 + i), [2, 1, 5]);
    const y = new Concatenate({ axis: 1 }).apply([x, z]);
    expect(y.shape).toEqual([2, 3, 5]);
    expect(await y.array()).toEqual([
      [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [20, 21, 22, 23, 24]],
      [[10, 11, 12, 13, 14], [15, 16, 17, 18, 19], [25, 26, 27, 28, 29]],
    ]);
  });

  it('gives the joined shape on symbolic inputs', () => {
    expect(new Concatenate().apply([Input({ shape: [3] }), Input({ shape: [5] })]).shape).toEqual([null, 8]);
    expect(new Concatenate().apply([Input({ shape: [3] }), Input({ shape: [null] })]).shape).toEqual([null, null]);
    expect(new Concatenate({ axis: 1 }).apply([Input({ shape: [2, 4] }), Input({ shape: [null, 4] })]).shape).toEqual([null, null, 4]);
  });

  it('rejects shapes that differ off the axis, with the Keras message', () => {
    expect(() => new Concatenate().apply([Input({ shape: [2, 3] }), Input({ shape: [4, 3] })])).toThrow(
      'A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[(None, 2, 3), (None, 4, 3)]',
    );
    expect(() => new Concatenate().apply([Input({ shape: [2, 3] }), Input({ shape: [3] })])).toThrow(/requires inputs with matching shapes/);
  });
});
