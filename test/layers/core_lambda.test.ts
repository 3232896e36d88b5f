// Identity, Lambda and RepeatVector (core.ts): values on both backends, the GPU against the CPU,
// gradients through a Lambda and through RepeatVector, symbolic shapes (given or traced), flat
// memory, and the error that a Lambda's getConfig gives (its function cannot be saved).

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, tensor, type Tensor } from '../../src/node';
import { Identity, Input, Lambda, RepeatVector } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

describe('Identity', () => {
  it('returns its input, one tensor or a list, and keeps symbolic shapes', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([4]);
    expect(new Identity().apply(x)).toBe(x);
    expect(new Identity().apply([x, y])).toEqual([x, y]);
    expect(new Identity().apply(Input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    const outs = new Identity().apply([Input({ shape: [2] }), Input({ shape: [5] })]) as Array<{ shape: unknown }>;
    expect(outs.map((o) => o.shape)).toEqual([
      [null, 2],
      [null, 5],
    ]);
  });
});

describe('Lambda', () => {
  it(
    'applies its function to the input, or to the list of inputs',
    onBothBackends(async () => {
      const square = new Lambda({ function: (x) => ops.square(x as Tensor) });
      expect(Array.from(await (square.apply(tensor([1, -2, 3])) as Tensor).data())).toEqual([1, 4, 9]);
      const difference = new Lambda({ function: (xs) => ops.sub(...(xs as [Tensor, Tensor])) });
      expect(Array.from(await (difference.apply([tensor([5, 7]), tensor([1, 2])]) as Tensor).data())).toEqual([4, 5]);
    }),
  );

  it('infers the output shape by running the function, or takes outputShape', () => {
    const sumLast = (x: Tensor | Tensor[]) => ops.sum(x as Tensor, -1, true);
    expect(new Lambda({ function: sumLast }).apply(Input({ shape: [null, 4] })).shape).toEqual([null, null, 1]);
    expect(new Lambda({ function: sumLast, outputShape: [7, 1] }).apply(Input({ shape: [7, 4] })).shape).toEqual([null, 7, 1]);
    expect(new Lambda({ function: sumLast, outputShape: (shape) => [...(shape as Array<number | null>).slice(0, -1), 1] }).apply(Input({ shape: [3, 4] })).shape).toEqual([null, 3, 1]);
  });

  it('passes gradients through its function', async () => {
    const make = () => new Lambda({ function: (x) => ops.mul(ops.tanh(x as Tensor), x as Tensor) });
    expect(await layerGradCheck(make, [2, 3], seededValues(6, 8, -2, 2))).toBe('ok');
  });

  it('frees the intermediate tensors of its function', () => {
    const layer = new Lambda({ function: (x) => ops.exp(ops.neg(ops.square(x as Tensor))) });
    const x = tensor([0.5, 1, 2]);
    layer.apply(x).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) (layer.apply(x) as Tensor).dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('rejects a missing function or a malformed outputShape', () => {
    expect(() => new Lambda({ function: 'x => x' as never })).toThrow('Invalid value for argument function. Expected a function of the input tensor(s). Received: function="x => x"');
    expect(() => new Lambda({ function: (x) => x, outputShape: [-1] })).toThrow(/Invalid value for argument outputShape.*Received: outputShape=\[-1\]/);
  });

  it('cannot give a config: its function is code, and the error says to write a registered custom layer', () => {
    const layer = new Lambda({ function: (x) => x, name: 'passthrough' });
    expect(() => layer.getConfig()).toThrow(/Cannot serialize Lambda layer 'passthrough': its `function` is JavaScript code.*subclass Layer.*registerLayer\(MyLayer\)/);
  });
});

describe('RepeatVector', () => {
  it(
    'repeats each sample n times along a new axis 1',
    onBothBackends(async () => {
      const y = new RepeatVector({ n: 3 }).apply(tensor([1, 2, 3, 4], [2, 2]));
      expect(y.shape).toEqual([2, 3, 2]);
      expect(Array.from(await y.data())).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    }),
  );

  it('sums the gradient over the repeats', async () => {
    expect(await layerGradCheck(() => new RepeatVector({ n: 4 }), [2, 3], seededValues(6, 9))).toBe('ok');
    const x = tensor([1, 2]).reshape([1, 2]);
    const tape = new GradientTape();
    tape.watch(x);
    const total = tape.record(() => new RepeatVector({ n: 5 }).apply(x).sum());
    expectClose(await tape.gradient(total, x)!.data(), [5, 5]);
  });

  it('gives Keras shapes and errors', () => {
    expect(new RepeatVector({ n: 3 }).apply(Input({ shape: [32] })).shape).toEqual([null, 3, 32]);
    expect(() => new RepeatVector({ n: 0 })).toThrow('Invalid value for argument n. Expected a positive integer. Received: n=0');
    expect(() => new RepeatVector({ n: 2, name: 'repeat_rank' }).apply(Input({ shape: [2, 3] }))).toThrow(/layer "repeat_rank" is incompatible with the layer: expected ndim=2, found ndim=3/);
  });
});

const cases: OpCase[] = [
  { name: 'RepeatVector n 3 [4,5]', run: () => new RepeatVector({ n: 3 }).apply(rand([4, 5])) },
  { name: 'Lambda x * sigmoid(x) [3,4]', run: () => new Lambda({ function: (x) => ops.mul(x as Tensor, ops.sigmoid(x as Tensor)) }).apply(rand([3, 4])) as Tensor },
];

describe('core layers on the GPU match the CPU', () => {
  checkCases(cases);
});
