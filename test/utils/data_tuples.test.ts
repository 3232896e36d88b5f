// utils.packXYSampleWeight, utils.unpackXYSampleWeight and utils.isKerasTensor as a specification:
// Keras's docstring examples and tuple rules, its error for other lengths, a custom trainStep that
// reads every form of batch through unpackXYSampleWeight during fit, and which values are Keras tensors.

import { describe, expect, it } from 'vitest';
import { GradientTape, Input, Model, getBackend, layers, ops, tensor, utils, type StepData, type StepLogs, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

describe('packXYSampleWeight and unpackXYSampleWeight', () => {
  it("Keras's docstring examples", () => {
    const features = ops.ones([10, 5]);
    const labels = ops.zeros([10, 5]);
    const [x, y, sampleWeight] = utils.unpackXYSampleWeight([features, labels]);
    expect([x, y, sampleWeight]).toEqual([features, labels, undefined]);
    expect(utils.packXYSampleWeight(features)).toBe(features);
    const packed = utils.packXYSampleWeight(features, labels);
    expect(Array.isArray(packed)).toBe(true);
    expect(packed[0]).toBe(features);
    expect(packed[1]).toBe(labels);
    features.dispose();
    labels.dispose();
  });

  it("follows Keras's tuple rules: a list of inputs is wrapped, anything but an array is x, and pack and unpack round-trip", () => {
    const [a, b, c] = ['a', 'b', 'c'];
    expect(utils.packXYSampleWeight([a, b])).toEqual([[a, b]]);
    expect(utils.packXYSampleWeight(a, b, c)).toEqual([a, b, c]);
    expect(utils.packXYSampleWeight(a, null, c)).toBe(a);
    expect(utils.packXYSampleWeight(a, b, null)).toEqual([a, b]);
    expect(utils.unpackXYSampleWeight(a)).toEqual([a, undefined, undefined]);
    expect(utils.unpackXYSampleWeight({ image: a })).toEqual([{ image: a }, undefined, undefined]);
    expect(utils.unpackXYSampleWeight(null)).toEqual([null, undefined, undefined]);
    expect(utils.unpackXYSampleWeight([a])).toEqual([a, undefined, undefined]);
    expect(utils.unpackXYSampleWeight([a, b, c])).toEqual([a, b, c]);
    expect(utils.unpackXYSampleWeight(utils.packXYSampleWeight([a, b]))).toEqual([[a, b], undefined, undefined]);
    expect(utils.unpackXYSampleWeight(utils.packXYSampleWeight(a, b, c))).toEqual([a, b, c]);
    expect(() => utils.unpackXYSampleWeight([a, b, c, 'd'])).toThrow('Data is expected to be in format `x`, `[x]`, `[x, y]`, or `[x, y, sampleWeight]`, found an array of length 4.');
    expect(() => utils.unpackXYSampleWeight([])).toThrow('found an array of length 0');
  });

  it("reads what a custom trainStep receives from fit, for datasets yielding packXYSampleWeight's forms", async () => {
    expect(getBackend()).toBe('webgpu');
    const received: Array<[readonly number[], boolean, boolean]> = [];
    class Unpacking extends Model {
      override trainStep(data: StepData): StepLogs {
        const [x, y, sampleWeight] = utils.unpackXYSampleWeight(data);
        received.push([(x as Tensor).shape, y !== undefined, sampleWeight !== undefined]);
        const tape = new GradientTape();
        const loss = tape.record(() => {
          const yPred = this.apply(x, { training: true }) as Tensor;
          const error = y === undefined ? yPred : ops.sub(yPred, y as Tensor);
          const squared = ops.square(error).reshape([-1]);
          return ops.mean(sampleWeight === undefined ? squared : ops.mul(squared, sampleWeight));
        });
        const variables = this.trainableVariables;
        this.optimizer.applyGradients(tape.gradient(loss, variables).map((g, i) => [g, variables[i]]));
        return { loss };
      }
    }
    const inputs = Input({ shape: [2] });
    const model = new Unpacking({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) });
    model.compile({ optimizer: 'sgd', runEagerly: true });
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const y = tensor([[1], [0], [1]]);
    const w = tensor([1, 0.5, 2]);
    const batches = [utils.packXYSampleWeight(x), utils.packXYSampleWeight(x, y), utils.packXYSampleWeight(x, y, w)];
    await model.fit({ [Symbol.iterator]: () => batches.values() }, { epochs: 1, verbose: 0 });
    expect(received).toEqual([[[3, 2], false, false], [[3, 2], true, false], [[3, 2], true, true]]);
    [x, y, w].forEach((t) => t.dispose());
  });
});

describe('isKerasTensor', () => {
  it("is true for Input's and layers' symbolic outputs, false for tensors and other values", () => {
    const inputs = Input({ shape: [4] });
    expect(utils.isKerasTensor(inputs)).toBe(true);
    expect(utils.isKerasTensor(new layers.Dense({ units: 2 }).apply(inputs))).toBe(true);
    const values = tensor([1, 2]);
    expect(utils.isKerasTensor(values)).toBe(false);
    values.dispose();
    for (const other of [null, undefined, 3, [inputs], { shape: [4] }]) expect(utils.isKerasTensor(other)).toBe(false);
  });
});
