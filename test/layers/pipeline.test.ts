// Pipeline: its layers run in order, the training flag reaches them (augmentations are the
// identity in inference, and act when no flag is given, as Keras's), shapes, weights of nested
// layers, a model with a pipeline that trains, saves and loads, configs nesting the layers, and
// argument errors.

import { describe, expect, it } from 'vitest';
import { Sequential, getBackend, tensor, type Tensor } from '../../src/node';
import { loadModel, memoryHandler } from '../../src/io/index';
import { Dense, Flatten, Input, Pipeline, RandomFlip, RandomInvert, Rescaling, Resizing, deserializeLayer } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { seededValues } from './layer_helpers';

useWebGPU();

const valuesOf = async (t: Tensor) => Array.from(await t.data());

describe('Pipeline', () => {
  it('applies its layers first to last', async () => {
    expect(getBackend()).toBe('webgpu');
    const x = tensor([1, 2, 3], [3, 1]);
    const doubleThenIncrement = new Pipeline({ layers: [new Rescaling({ scale: 2 }), new Rescaling({ scale: 1, offset: 1 })] });
    expect(await valuesOf(doubleThenIncrement.apply(x) as Tensor)).toEqual([3, 5, 7]);
    const incrementThenDouble = new Pipeline({ layers: [new Rescaling({ scale: 1, offset: 1 }), new Rescaling({ scale: 2 })] });
    expect(await valuesOf(incrementThenDouble.apply(x) as Tensor)).toEqual([4, 6, 8]);
    expect(await valuesOf(new Pipeline({ layers: [] }).apply(x) as Tensor)).toEqual([1, 2, 3]);
  });

  it('passes the training flag on; applied without one it augments, as Keras (call(training=True))', async () => {
    const values = [0, 50, 100, 255];
    const x = tensor(values, [1, 2, 2, 1]);
    const scaled = values.map((v) => Math.fround(v * Math.fround(1 / 255)));
    const inverted = values.map((v) => Math.fround((255 - v) * Math.fround(1 / 255)));
    // Inversion probability 1: every image is inverted in training.
    const pipeline = new Pipeline({ layers: [new RandomInvert({ factor: [1, 1] }), new Rescaling({ scale: 1 / 255 })] });
    expect(await valuesOf(pipeline.apply(x) as Tensor)).toEqual(inverted);
    expect(await valuesOf(pipeline.apply(x, { training: false }) as Tensor)).toEqual(scaled);
    expect(await valuesOf(pipeline.apply(x, { training: true }) as Tensor)).toEqual(inverted);
    // In a model: predict passes training false; applied directly, the model augments (Keras's model(x)).
    const model = new Sequential([Input({ shape: [2, 2, 1] }), pipeline]);
    expect(await valuesOf(await model.predict(x) as Tensor)).toEqual(scaled);
    expect(await valuesOf(model.apply(x) as Tensor)).toEqual(inverted);
  });

  it('gives the output shape of its layers in turn, and holds their weights', () => {
    const pipeline = new Pipeline({ layers: [new Resizing({ height: 4, width: 3 }), new RandomFlip(), new Flatten(), new Dense({ units: 5 })] });
    expect(pipeline.apply(Input({ shape: [8, 6, 2] })).shape).toEqual([null, 5]);
    expect(pipeline.layers.map((l) => l.constructor.name)).toEqual(['Resizing', 'RandomFlip', 'Flatten', 'Dense']);
    expect(pipeline.trainableWeights.map((w) => w.shape)).toEqual([[24, 5], [5]]);
  });

  it('trains in a model, saves and loads with its nested layers', async () => {
    const x = tensor(seededValues(8 * 6 * 6 * 1, 1, 0, 1), [8, 6, 6, 1]);
    const y = tensor(seededValues(8, 2), [8, 1]);
    const model = new Sequential([
      Input({ shape: [6, 6, 1] }),
      new Pipeline({ layers: [new RandomFlip({ mode: 'horizontal', seed: 3 }), new RandomInvert({ valueRange: [0, 1], seed: 4 })], name: 'augment' }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(history.history.loss.every((l) => Number.isFinite(l as number))).toBe(true);
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    const pipeline = restored.layers[0] as Pipeline;
    expect(pipeline).toBeInstanceOf(Pipeline);
    expect(pipeline.layers.map((l) => l.getConfig())).toEqual((model.layers[0] as Pipeline).layers.map((l) => l.getConfig()));
    const predict = async (m: { predict(x: Tensor): Promise<unknown> }) => valuesOf((await m.predict(x)) as Tensor);
    expect(await predict(restored)).toEqual(await predict(model));
  });

  it('round-trips its config through JSON, nesting { className, config } per layer', () => {
    const pipeline = new Pipeline({ layers: [new RandomFlip({ seed: 1 }), new Rescaling({ scale: 0.5 })], name: 'p' });
    const config = JSON.parse(JSON.stringify(pipeline.getConfig())) as Record<string, unknown>;
    expect((config.layers as Array<{ className: string }>).map((l) => l.className)).toEqual(['RandomFlip', 'Rescaling']);
    const rebuilt = deserializeLayer({ className: 'Pipeline', config });
    expect(rebuilt).toBeInstanceOf(Pipeline);
    expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
  });

  it('rejects bad arguments', () => {
    expect(() => new Pipeline({ layers: [new RandomFlip(), 3] as never })).toThrow('Invalid value for argument layers of Pipeline. Expected a list of layers. Received: layers=');
    expect(() => new Pipeline({} as never)).toThrow('Invalid value for argument layers of Pipeline.');
    expect(() => deserializeLayer({ className: 'Pipeline', config: { name: 'p' } })).toThrow('`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. Received config with layers=undefined.');
    expect(() => deserializeLayer({ className: 'Pipeline', config: { layers: [{ className: 'Dense' }] } })).toThrow('Invalid value for argument layers[0].');
  });
});
