// keras.config: each setter changes what the library does (epsilon in losses on both backends and
// in replayed training steps, the image data format of new layers and of ops, fit's caps on
// epochs and steps, the progress bar's redrawing) or is a clear error, and the defaults come back.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Input, LambdaCallback, Sequential, config, getBackend, layers, losses, ops, tensor, utils, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

afterEach(() => {
  config.setEpsilon(1e-7);
  config.setImageDataFormat('channels_last');
  config.setMaxEpochs(null);
  config.setMaxStepsPerEpoch(null);
  config.enableInteractiveLogging();
  vi.restoreAllMocks();
});

describe('epsilon', () => {
  it('is the clip of the cross-entropies on webgpu and cpu, read when they run, and the default comes back', onBothBackends(async () => {
    expect(config.epsilon()).toBe(1e-7);
    // A prediction of 0 for the true class is clipped to epsilon: the loss is -log(epsilon).
    const binary = () => losses.binaryCrossentropy(tensor([[1]]), tensor([[0]]));
    // Probabilities not made by a softmax go through the fused kernel's clip (a uniform on the GPU).
    const categorical = () => losses.categoricalCrossentropy(tensor([[0, 1, 0]]), tensor([[0.5, 0, 0.5]]));
    expectNumbersClose(await valuesOf(binary()), [-Math.log(1e-7)]);
    expectNumbersClose(await valuesOf(categorical()), [-Math.log(1e-7)]);
    config.setEpsilon(1e-3);
    expect(config.epsilon()).toBe(1e-3);
    expectNumbersClose(await valuesOf(binary()), [-Math.log(1e-3)]);
    expectNumbersClose(await valuesOf(categorical()), [-Math.log(1e-3)]);
    // MAPE floors |yTrue| at epsilon: |0 - 0.001| / max(0, 0.001) = 1, times 100.
    expectNumbersClose(await valuesOf(losses.meanAbsolutePercentageError(tensor([[0]]), tensor([[1e-3]]))), [100]);
    config.setEpsilon(1e-7);
    expectNumbersClose(await valuesOf(binary()), [-Math.log(1e-7)]);
  }));

  it('is the default epsilon of ops.normalize, read at each call', onBothBackends(async () => {
    config.setEpsilon(0.5);
    // The norm 0.1 is below epsilon 0.5: x / 0.5.
    expectNumbersClose(await valuesOf(ops.normalize(tensor([[0.06, 0.08]]))), [0.12, 0.16]);
  }));

  it('guards replayed training steps: a fit after setEpsilon uses the new value', async () => {
    expect(getBackend()).toBe('webgpu');
    // A relu of zeros predicts 0 for a target of 1: the loss is -log(epsilon), and no gradient flows
    // through the clip, so the weights (and the loss) stay put while the steps are traced and replayed.
    const model = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1, activation: 'relu', kernelInitializer: 'zeros' })]);
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([[1], [1]]);
    for (let step = 0; step < 5; step++) expect((await model.trainOnBatch(x, y)).loss).toBeCloseTo(-Math.log(1e-7), 3);
    config.setEpsilon(1e-3);
    for (let step = 0; step < 2; step++) expect((await model.trainOnBatch(x, y)).loss).toBeCloseTo(-Math.log(1e-3), 4);
  });

  it('takes only a positive finite number', () => {
    for (const bad of [0, -1e-7, Infinity, NaN, '1e-7' as unknown as number]) {
      expect(() => config.setEpsilon(bad)).toThrow(`setEpsilon: Invalid value for epsilon. Expected a positive finite number. Received: epsilon=${String(bad)}`);
    }
    expect(config.epsilon()).toBe(1e-7);
  });
});

describe('imageDataFormat', () => {
  it('is the dataFormat of layers made after it is set, written by getConfig', async () => {
    const before = new layers.Conv2D({ filters: 2, kernelSize: 3 });
    config.setImageDataFormat('channels_first');
    expect(config.imageDataFormat()).toBe('channels_first');
    const conv = new layers.Conv2D({ filters: 2, kernelSize: 3 });
    const pool = new layers.MaxPooling2D({ poolSize: 2 });
    const globalPool = new layers.GlobalAveragePooling2D();
    const image = ops.ones([1, 3, 6, 6]);
    expect(conv.apply(image).shape).toEqual([1, 2, 4, 4]);
    expect(pool.apply(image).shape).toEqual([1, 3, 3, 3]);
    expect(globalPool.apply(image).shape).toEqual([1, 3]);
    expect([conv, pool, globalPool].map((layer) => layer.getConfig().dataFormat)).toEqual(['channels_first', 'channels_first', 'channels_first']);
    // A layer keeps the format it was made with, and an explicit one wins.
    expect(before.getConfig().dataFormat).toBe('channels_last');
    expect(new layers.Conv2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_last' }).getConfig().dataFormat).toBe('channels_last');
    config.setImageDataFormat('channels_last');
    expect(new layers.Conv2D({ filters: 2, kernelSize: 3 }).getConfig().dataFormat).toBe('channels_last');
  });

  it('is the dataFormat of Keras-named ops given none, read at each call', async () => {
    const image = ops.ones([1, 3, 4, 4]);
    expect(ops.maxPool(image, 2).shape).toEqual([1, 1, 2, 4]);
    config.setImageDataFormat('CHANNELS_FIRST');
    expect(ops.maxPool(image, 2).shape).toEqual([1, 3, 2, 2]);
    expect(ops.image.resize(image, [2, 2]).shape).toEqual([1, 3, 2, 2]);
  });

  it("is an error for the image preprocessing layers, which take channels-last images only", () => {
    config.setImageDataFormat('channels_first');
    expect(() => new layers.RandomFlip()).toThrow("RandomFlip: this library's image preprocessing layers take channels-last images only, but config.imageDataFormat() is 'channels_first'. Call config.setImageDataFormat('channels_last') before making this layer.");
  });

  it("takes 'channels_last' or 'channels_first'", () => {
    expect(() => config.setImageDataFormat('channels_middle')).toThrow("The `dataFormat` argument must be one of 'channels_first', 'channels_last'. Received: dataFormat=\"channels_middle\"");
    expect(config.imageDataFormat()).toBe('channels_last');
  });
});

describe('maxEpochs and maxStepsPerEpoch', () => {
  function model(): Sequential {
    const m = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  }
  it('cap the epochs of fit, with a warning', async () => {
    const [x, y] = [ops.ones([16, 2]), ops.ones([16, 1])];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    config.setMaxEpochs(2);
    expect(config.maxEpochs()).toBe(2);
    const history = await model().fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
    expect(history.epoch).toEqual([0, 1]);
    expect(warn).toHaveBeenCalledWith('Limiting epochs to 2 (config.maxEpochs()).');
    config.setMaxEpochs(null);
    expect((await model().fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 })).epoch).toEqual([0, 1, 2]);
  });

  it('cap the steps of each epoch of fit, of its validation, and of evaluate and predict', async () => {
    const [x, y] = [ops.ones([16, 2]), ops.ones([16, 1])];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    config.setMaxStepsPerEpoch(3);
    expect(config.maxStepsPerEpoch()).toBe(3);
    const steps = { train: 0, test: 0, predict: 0 };
    const counter = new LambdaCallback({ onTrainBatchEnd: () => void steps.train++, onTestBatchEnd: () => void steps.test++, onPredictBatchEnd: () => void steps.predict++ });
    const m = model();
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, validationData: [x, y], callbacks: [counter] });
    expect(steps).toEqual({ train: 6, test: 6, predict: 0 });
    await m.evaluate(x, y, { batchSize: 2, callbacks: [counter] });
    expect(steps.test).toBe(9);
    expect((await m.predict<Tensor>(x, { batchSize: 2, callbacks: [counter] })).shape).toEqual([6, 1]);
    expect(steps.predict).toBe(3);
    expect(warn).toHaveBeenCalledWith('Limiting steps per epoch to 3 (config.maxStepsPerEpoch()).');
  });

  it('take a positive integer or null', () => {
    for (const bad of [0, 1.5, -2, '3' as unknown as number]) {
      expect(() => config.setMaxEpochs(bad)).toThrow(`setMaxEpochs: Invalid value for maxEpochs. Expected a positive integer, or null for no limit. Received: maxEpochs=${String(bad)}`);
      expect(() => config.setMaxStepsPerEpoch(bad)).toThrow(`setMaxStepsPerEpoch: Invalid value for maxStepsPerEpoch. Expected a positive integer, or null for no limit. Received: maxStepsPerEpoch=${String(bad)}`);
    }
    expect([config.maxEpochs(), config.maxStepsPerEpoch()]).toEqual([null, null]);
  });
});

describe('interactive logging', () => {
  it('when off, a Progbar in a terminal writes plain lines instead of redrawing its line', () => {
    const stdout = process.stdout as { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    stdout.isTTY = true;
    try {
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      expect(config.isInteractiveLoggingEnabled()).toBe(true);
      new utils.Progbar(2, { interval: 0 }).update(2);
      expect(write.mock.calls.map(([text]) => String(text).startsWith('\r'))).toEqual([true]);
      config.disableInteractiveLogging();
      expect(config.isInteractiveLoggingEnabled()).toBe(false);
      write.mockClear();
      const bar = new utils.Progbar(2, { interval: 0 });
      bar.update(1);
      bar.update(2);
      expect(write).not.toHaveBeenCalled();
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0][0])).toMatch(/^2\/2 \[=+\] - /);
    } finally {
      stdout.isTTY = wasTTY;
    }
  });
});

describe('float type, dtype policy and backend', () => {
  it('are float32, and other float types and policies are errors', () => {
    expect(config.floatx()).toBe('float32');
    config.setFloatx('float32');
    expect(() => config.setFloatx('float16')).toThrow("setFloatx: this library computes in float32 only, so floatx cannot be 'float16'. Expected 'float32'. Received: floatx=\"float16\"");
    expect(() => config.setFloatx('float8')).toThrow("setFloatx: Unknown floatx value: \"float8\". Expected 'float32' (the only float type of this library).");
    expect(config.dtypePolicy()).toEqual({ name: 'float32', computeDtype: 'float32', variableDtype: 'float32' });
    config.setDtypePolicy('float32');
    config.setDtypePolicy(config.dtypePolicy());
    expect(() => config.setDtypePolicy('mixed_float16')).toThrow("setDtypePolicy: this library computes in float32 only, so the dtype policy 'mixed_float16' is not supported. Expected 'float32' (or a policy named 'float32').");
    expect(() => config.setDtypePolicy(42 as unknown as string)).toThrow("setDtypePolicy: Invalid `policy` argument. Expected the string name of a policy (such as 'float32') or a policy object with a name. Received: policy=42 (of type number)");
  });

  it('backend() names the active backend', onBothBackends(async () => {
    expect(config.backend()).toBe(getBackend());
  }));
});
