// Dense and Activation: outputs against float64 references with set weights, shapes on symbolic
// inputs, Keras's rank error, parameter counts, regularization losses and gradients.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, tensor, tidy, type Tensor } from '../../src/node';
import { Activation, Conv2D, Dense, Flatten, Input, Layer } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** x [rows, k] times w [k, n] plus b, in float64. */
function affine(x: number[], w: number[], b: number[] | null, rows: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let s = b ? b[j] : 0;
      for (let i = 0; i < k; i++) s += x[r * k + i] * w[i * n + j];
      out.push(s);
    }
  }
  return out;
}

describe('Dense', () => {
  const x = seededValues(3 * 4, 1);
  const w = seededValues(4 * 5, 2);
  const b = seededValues(5, 3);

  it('computes x @ kernel + bias with set weights', async () => {
    const dense = new Dense({ units: 5 });
    dense.apply(tensor(x, [3, 4]));
    dense.setWeights([tensor(w, [4, 5]), tensor(b, [5])]);
    expectClose(await dense.apply(tensor(x, [3, 4])).data(), affine(x, w, b, 3, 4, 5));
  });

  it('applies its activation and can drop the bias', async () => {
    const dense = new Dense({ units: 5, activation: 'relu', useBias: false });
    dense.apply(tensor(x, [3, 4]));
    expect(dense.weights.map((v) => v.name)).toEqual([`${dense.name}/kernel`]);
    dense.setWeights([tensor(w, [4, 5])]);
    expectClose(await dense.apply(tensor(x, [3, 4])).data(), affine(x, w, null, 3, 4, 5).map((v) => Math.max(v, 0)));
  });

  it('applies the kernel along the last axis of a rank-3 input', async () => {
    const dense = new Dense({ units: 5 });
    const input = tensor(x, [1, 3, 4]);
    dense.apply(input);
    dense.setWeights([tensor(w, [4, 5]), tensor(b, [5])]);
    const y = dense.apply(input);
    expect(y.shape).toEqual([1, 3, 5]);
    expectClose(await y.data(), affine(x, w, b, 3, 4, 5));
  });

  it('casts int32 inputs to float32', async () => {
    const dense = new Dense({ units: 2, kernelInitializer: 'ones' });
    expectClose(await dense.apply(tensor([[1, 2, 3]], undefined, 'int32')).data(), [6, 6]);
  });

  it('gives Keras output shapes on symbolic inputs', () => {
    expect(new Dense({ units: 4 }).apply(Input({ shape: [3] })).shape).toEqual([null, 4]);
    expect(new Dense({ units: 4 }).apply(Input({ shape: [7, 3] })).shape).toEqual([null, 7, 4]);
    expect(new Dense({ units: 4 }).apply(Input({ batchShape: [8, null, 3] })).shape).toEqual([8, null, 4]);
  });

  it('rejects a rank-1 input with the Keras message', () => {
    const dense = new Dense({ units: 4, name: 'dense_rank' });
    expect(() => dense.apply(tensor([1, 2, 3]))).toThrow('Input 0 of layer "dense_rank" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (3,)');
  });

  it('rejects an input whose last dimension differs from the built one', () => {
    const dense = new Dense({ units: 4, name: 'dense_axis' });
    dense.apply(Input({ shape: [3] }));
    expect(() => dense.apply(Input({ shape: [5] }))).toThrow(/layer "dense_axis" is incompatible with the layer: expected axis -1 of input shape to have value 3/);
  });

  it('rejects an unknown last dimension and invalid units', () => {
    expect(() => new Dense({ units: 2 }).apply(Input({ shape: [null] }))).toThrow(/last dimension of the inputs to a Dense layer should be defined/);
    expect(() => new Dense({ units: 0 })).toThrow('Received an invalid value for `units`, expected a positive integer. Received: units=0');
  });

  it('takes one options object, and names a snake_case Keras option at construction with its camelCase form', () => {
    expect(() => new Dense(2 as never)).toThrow("Dense: the constructor takes one options object ({ option: value, ... }, Keras's keyword arguments); got the number 2.");
    expect(() => new Dense({ units: 2, use_bias: false } as never)).toThrow("Dense: unknown option 'use_bias' (did you mean 'useBias'? options are camelCase).");
    // A custom layer's own options are its business.
    class Custom extends Layer {
      constructor(args: { my_option: number }) {
        super(args as never);
      }
    }
    expect(new Custom({ my_option: 1 }).name).toBe('custom');
  });

  it('an option that is not one of its own (a typo, an unsupported Keras option) is an error at the first apply', () => {
    const typo = new Dense({ units: 2, activaton: 'relu', name: 'typo_dense' } as never);
    expect(() => typo.apply(Input({ shape: [3] }))).toThrow(
      "Dense 'typo_dense': unknown option 'activaton'. Its options: activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, kernelConstraint, biasConstraint, units, and name, trainable, dtype, activityRegularizer, inputShape, inputDim, batchInputShape, batchSize.",
    );
    const unsupported = new Conv2D({ filters: 2, kernelSize: 3, recurrentDropout: 0.1, name: 'conv_rd' } as never);
    expect(() => unsupported.apply(Input({ shape: [8, 8, 1] }))).toThrow(/Conv2D 'conv_rd': unknown option 'recurrentDropout'/);
    expect(new Dense({ units: 2, activation: 'relu', useBias: false, inputShape: [3], name: 'fine' }).apply(Input({ shape: [3] })).shape).toEqual([null, 2]);
    // Built-ins without options of their own too; an unnamed activation function still runs.
    expect(() => new Flatten({ padding: 'same', name: 'flat_pad' } as never).apply(Input({ shape: [2, 2] }))).toThrow(/Flatten 'flat_pad': unknown option 'padding'/);
    expect(new Dense({ units: 2, activation: (t: Tensor) => t.mul(2) } as never).apply(Input({ shape: [3] })).shape).toEqual([null, 2]);
  });

  it('counts parameters as Keras does', () => {
    const dense = new Dense({ units: 64 });
    dense.apply(Input({ shape: [100] }));
    expect(dense.countParams()).toBe(6464);
    const noBias = new Dense({ units: 64, useBias: false });
    noBias.apply(Input({ shape: [100] }));
    expect(noBias.countParams()).toBe(6400);
  });

  it('adds its weight penalties to losses', async () => {
    const dense = new Dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'ones', kernelRegularizer: 'l2', biasRegularizer: 'l1' });
    dense.apply(Input({ shape: [3] }));
    const losses = await Promise.all(dense.losses.map((l) => l.data()));
    expectClose(losses.map((l) => l[0]), [0.01 * 6, 0.01 * 2]);
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    const make = () => new Dense({ units: 3, activation: 'tanh' });
    expect(await layerGradCheck(make, [2, 4], seededValues(8, 5))).toBe('ok');
  });

  it('frees its intermediates', () => {
    const dense = new Dense({ units: 3, activation: 'relu' });
    const input = tensor(seededValues(8, 6), [2, 4]);
    dense.apply(input).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) dense.apply(input).dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('trains through a tape: the kernel gradient is x^T r', async () => {
    const dense = new Dense({ units: 2 });
    const input = tensor([[1, 2], [3, 4]]);
    dense.apply(input);
    const tape = new GradientTape();
    const loss = tape.record(() => tidy(() => dense.apply(input).sum()));
    const [dk, db] = tape.gradient(loss, dense.trainableWeights);
    expectClose(await dk!.data(), [4, 4, 6, 6]);
    expectClose(await db!.data(), [2, 2]);
  });
});

describe('Activation', () => {
  it('applies the named function', async () => {
    expectClose(await new Activation('relu').apply(tensor([-3, -1, 0, 2])).data(), [0, 0, 0, 2]);
    expectClose(await new Activation({ activation: 'hardSigmoid' }).apply(tensor([-4, 0, 1.5, 4])).data(), [0, 0.5, 0.75, 1]);
  });

  it('keeps the input shape on symbolic inputs', () => {
    expect(new Activation('softmax').apply(Input({ shape: [2, 5] })).shape).toEqual([null, 2, 5]);
  });
});
