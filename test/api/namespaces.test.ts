// The Keras namespaces added to the public API: activations (Keras's arguments and docstring
// values), random (the same samples as the top-level samplers), initializers (function-style
// names, STFT), regularizers (OrthogonalRegularizer against a float64 formula), metrics
// (re-exported loss functions, serialization), layers (InputSpec, Wrapper, serialize), callbacks
// (CallbackList, ProgbarLogger in fit) and utils (Progbar, clearSession, object helpers).

import { describe, expect, it } from 'vitest';
import {
  Input, Model, Sequential, activations, callbacks, initializers, layers, losses, metrics, ops, random, randomNormal, randomGamma, randint,
  regularizers, registerKerasSerializable, tensor, utils, type SymbolicTensor, type Tensor,
} from '../../src/node';
import { expectTensorClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

describe('activations', () => {
  const x = () => tensor([-10, -5, 0, 5, 10]);

  it('relu takes Keras negativeSlope, maxValue and threshold (docstring values)', onBothBackends(async () => {
    await expectTensorClose(activations.relu(x()), [0, 0, 0, 5, 10]);
    await expectTensorClose(activations.relu(x(), { negativeSlope: 0.5 }), [-5, -2.5, 0, 5, 10]);
    await expectTensorClose(activations.relu(x(), { maxValue: 5 }), [0, 0, 0, 5, 5]);
    await expectTensorClose(activations.relu(x(), { threshold: 5 }), [0, 0, 0, 0, 10]);
    // relu(2 - x) = [12, 7, 2, 0, 0]; above 2 clipped at 5.
    await expectTensorClose(activations.relu(x(), { negativeSlope: 0.5, maxValue: 5, threshold: 2 }), [-6, -3.5, -1, 5, 5]);
    await expectTensorClose(activations.relu(tensor([-1, 3, 8]), { maxValue: 6 }), [0, 3, 6]);
  }));

  it('keeps Keras defaults: exact gelu, leakyRelu 0.2, softmax and glu along an axis', onBothBackends(async () => {
    await expectTensorClose(activations.gelu(tensor([1])), [0.8413447460685429], 1e-5);
    await expectTensorClose(activations.gelu(tensor([1]), true), [0.8411919906082768], 1e-5);
    await expectTensorClose(activations.leakyRelu(tensor([-1, 2])), [-0.2, 2]);
    await expectTensorClose(activations.softmax(tensor([[0, Math.log(3)]]), 0), [1, 1]);
    await expectTensorClose(activations.softmax(tensor([[0, Math.log(3)]])), [0.25, 0.75]);
    await expectTensorClose(activations.threshold(tensor([-1, 0.5, 2]), 0.5, -9), [-9, -9, 2]);
  }));

  it('get / serialize / deserialize use the same functions as layer options', () => {
    expect(activations.get('hard_silu')).toBe(activations.hardSilu);
    expect(activations.get(null)).toBe(activations.linear);
    expect(activations.serialize(activations.leakyRelu)).toBe('leaky_relu');
    expect(activations.deserialize({ className: 'function', config: 'gelu' })).toBe(activations.gelu);
    const triple = (t: Tensor) => t.mul(3);
    expect(activations.deserialize('triple', { triple })).toBe(triple);
    expect(new layers.Dense({ units: 2, activation: activations.relu }).getConfig().activation).toBe('relu');
  });
});

describe('random', () => {
  it('gives the same values as the top-level samplers for the same seed', async () => {
    expect(await valuesOf(random.normal([2, 3], { stddev: 2, seed: 11 }))).toEqual(await valuesOf(randomNormal([2, 3], { stddev: 2, seed: 11 })));
    expect(await valuesOf(random.gamma([4], 2, { seed: 5 }))).toEqual(await valuesOf(randomGamma([4], 2, { seed: 5 })));
    const ints = random.randint([3, 2], 0, 5, { seed: 3 });
    expect([ints.shape, ints.dtype]).toEqual([[3, 2], 'int32']);
    expect(await valuesOf(ints)).toEqual(await valuesOf(randint([3, 2], 0, 5, { seed: 3 })));
    const draws = random.categorical(tensor([[0, 0, 0]]), 4, { seed: 1 });
    expect([draws.shape, draws.dtype]).toEqual([[1, 4], 'int32']);
    const gen = new random.SeedGenerator(42);
    expect(await valuesOf(random.uniform([3], { seed: gen }))).not.toEqual(await valuesOf(random.uniform([3], { seed: gen })));
    expect(random.beta([2], 1, 2, { seed: 1 }).dtype).toBe('float32');
    expect(random.binomial([2], 5, 0.5, { seed: 1 }).shape).toEqual([2]);
  });
});

describe('initializers', () => {
  it('has the function-style names and Keras aliases', async () => {
    expect(initializers.glorotUniform({ seed: 1 })).toBeInstanceOf(initializers.GlorotUniform);
    expect(initializers.IdentityInitializer).toBe(initializers.Identity);
    await expectTensorClose(initializers.constant(2).apply([2]), [2, 2]);
    await expectTensorClose(initializers.identity({ gain: 3 }).apply([2, 2]), [3, 0, 0, 3]);
    expect(initializers.get('he_normal')).toBeInstanceOf(initializers.HeNormal);
    const restored = initializers.deserialize(initializers.serialize(initializers.varianceScaling({ scale: 2, mode: 'fan_out', seed: 4 })));
    expect(restored.getConfig()).toEqual({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal', seed: 4 });
  });

  it('STFT gives the DFT kernel of a windowed frame (hand-computed, float64)', async () => {
    const frame = 4;
    const bins = 3;
    const hann = Array.from({ length: frame }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (frame - 1)));
    const norm = Math.sqrt(hann.reduce((s, w) => s + w * w, 0));
    const expected = hann.flatMap((w, t) => Array.from({ length: bins }, (_, k) => (Math.sin((-2 * Math.PI * t * k) / (2 * (bins - 1))) * w) / norm));
    await expectTensorClose(initializers.stft({ side: 'imag' }).apply([frame, 1, bins]), expected, 1e-5, 1e-6);
    expect(initializers.get('STFTInitializer')).toBeInstanceOf(initializers.STFT);
    expect(() => new initializers.STFT({ side: 'both' as never })).toThrow(/side/);
  });
});

describe('regularizers', () => {
  /** Keras's formula in float64: normalized rows (or columns), mean |off-diagonal| of V Vᵀ over pairs, times factor / 2 per pair. */
  function orthogonalPenalty(w: number[][], factor: number, mode: 'rows' | 'columns'): number {
    const vectors = mode === 'rows' ? w : w[0].map((_, j) => w.map((row) => row[j]));
    const unit = vectors.map((v) => v.map((x) => x / Math.sqrt(v.reduce((s, y) => s + y * y, 0))));
    let total = 0;
    for (let i = 0; i < unit.length; i++) for (let j = 0; j < unit.length; j++) if (i !== j) total += Math.abs(unit[i].reduce((s, x, k) => s + x * unit[j][k], 0));
    const n = unit.length;
    return (factor * 0.5 * total) / ((n * (n - 1)) / 2);
  }

  it('OrthogonalRegularizer matches the float64 formula for rows and columns', onBothBackends(async () => {
    const w = [[1, 2, 0.5], [-1, 0.3, 2], [0.2, -0.7, 1], [1.5, 1, -1]];
    for (const mode of ['rows', 'columns'] as const) {
      const penalty = new regularizers.OrthogonalRegularizer({ factor: 0.1, mode }).apply(tensor(w));
      await expectTensorClose(penalty, [orthogonalPenalty(w, 0.1, mode)], 1e-5);
    }
    await expectTensorClose(regularizers.orthogonalRegularizer().apply(tensor([[1, 0], [0, 1]])), [0]);
  }));

  it('has L1, L2, L1L2 and get / serialize / deserialize', async () => {
    expect(regularizers.serialize(new regularizers.L2(0.1))).toEqual({ className: 'L2', config: { l2: 0.1 } });
    expect(regularizers.serialize(new regularizers.L1())).toEqual({ className: 'L1', config: { l1: 0.01 } });
    expect(regularizers.serialize(new regularizers.L1L2({ l1: 0.1 }))).toEqual({ className: 'L1L2', config: { l1: 0.1, l2: 0 } });
    expect(regularizers.l1L2).toBe(regularizers.l1l2);
    const orthogonal = regularizers.deserialize({ className: 'OrthogonalRegularizer', config: { factor: 0.2, mode: 'columns' } });
    expect(orthogonal.getConfig()).toEqual({ factor: 0.2, mode: 'columns' });
    expect(regularizers.get('orthogonal_regularizer')).toBeInstanceOf(regularizers.OrthogonalRegularizer);
    await expectTensorClose(new regularizers.L1(0.5).apply(tensor([-1, 2])), [1.5]);
    expect(() => new regularizers.OrthogonalRegularizer({ mode: 'diagonal' as never })).toThrow(/mode/);
    expect(() => new regularizers.OrthogonalRegularizer().apply(tensor([1, 2]))).toThrow(/rank 2/);
  });
});

describe('metrics', () => {
  it('re-exports the loss functions and round-trips metric configs', () => {
    expect(metrics.binaryCrossentropy).toBe(losses.binaryCrossentropy);
    expect(metrics.klDivergence).toBe(losses.klDivergence);
    const saved = metrics.serialize(new metrics.Precision({ thresholds: 0.7, name: 'p' }));
    expect(saved.className).toBe('Precision');
    const restored = metrics.deserialize(saved);
    expect(restored).toBeInstanceOf(metrics.Precision);
    expect(restored.getConfig()).toEqual(saved.config);
    expect(metrics.get('accuracy')).toBeInstanceOf(metrics.Accuracy);
    expect(metrics.get({ className: 'AUC', config: {} })).toBeInstanceOf(metrics.AUC);
    expect(() => metrics.deserialize({ className: 'Nope', config: {} })).toThrow(/unknown metric class 'Nope'/);
  });
});

describe('layers', () => {
  it('InputSpec checks rank, dtype and shape before the layer runs', () => {
    class Pairs extends layers.Layer {
      constructor() {
        super({});
        this.inputSpec = new layers.InputSpec({ shape: [null, 2], dtype: 'float32' });
      }
      override call(x: Tensor): Tensor {
        return x;
      }
    }
    expect(new layers.InputSpec({ shape: [null, 3] }).ndim).toBe(2);
    expect(() => new Pairs().apply(tensor([[1, 2, 3]]))).toThrow(/expected shape=\(None, 2\), found shape=\(1, 3\)/);
    expect(() => new Pairs().apply(tensor([[1, 2]], [1, 2], 'int32'))).toThrow(/expected dtype=float32, found dtype=int32/);
    expect(() => new Pairs().apply(tensor([1, 2]))).toThrow(/expected ndim=2, found ndim=1/);
    const spec = new layers.InputSpec({ maxNdim: 2 });
    const layer = new layers.Identity();
    layer.inputSpec = spec;
    expect(() => layer.apply(tensor([[[1]]]))).toThrow(/expected max_ndim=2, found ndim=3/);
  });

  it('TimeDistributed and SpectralNormalization are Wrappers; serialize / deserialize rebuild a layer', () => {
    const td = new layers.TimeDistributed({ layer: new layers.Dense({ units: 2 }) });
    expect(td).toBeInstanceOf(layers.Wrapper);
    expect(td.layer).toBeInstanceOf(layers.Dense);
    const saved = layers.serialize(td);
    expect(saved.className).toBe('TimeDistributed');
    const copy = layers.deserialize(saved) as InstanceType<typeof layers.TimeDistributed>;
    expect(copy.layer.getConfig()).toEqual({ ...td.layer.getConfig(), name: copy.layer.name });
    expect(new layers.SpectralNormalization({ layer: new layers.Dense({ units: 2 }) })).toBeInstanceOf(layers.Wrapper);
  });
});

describe('callbacks', () => {
  it('CallbackList calls each hook on every callback in order', async () => {
    const seen: string[] = [];
    const list = new callbacks.CallbackList(
      [new callbacks.LambdaCallback({ onEpochEnd: (epoch) => void seen.push(`a${epoch}`) }), new callbacks.LambdaCallback({ onEpochEnd: (epoch) => void seen.push(`b${epoch}`) })],
      { addHistory: true, params: { epochs: 1 } },
    );
    await list.onEpochEnd(0, { loss: 1 });
    expect(seen).toEqual(['a0', 'b0']);
    expect(list.history?.history).toEqual({ loss: [1] });
    expect(list.callbacks.every((cb) => cb.params.epochs === 1)).toBe(true);
  });

  it('fit prints through a ProgbarLogger it is given, and adds none of its own', async () => {
    const model = new Sequential({ layers: [Input({ shape: [2] }), new layers.Dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const lines: string[] = [];
    await model.fit(ops.ones([4, 2]), ops.ones([4, 1]), { epochs: 2, batchSize: 2, verbose: 1, callbacks: [new callbacks.ProgbarLogger((line) => lines.push(line))] });
    expect(lines.filter((line) => line.startsWith('Epoch'))).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    expect(lines[1]).toMatch(/^2\/2 - \d+s - \d+ms\/step - loss: /);
  });
});

describe('utils', () => {
  it('Progbar writes the bar and running averages when it finishes', () => {
    const lines: string[] = [];
    const bar = new utils.Progbar(4, { width: 8, write: (line) => lines.push(line), statefulMetrics: ['lr'] });
    bar.update(2, { loss: 1, lr: 0.5 });
    bar.add(2, [['loss', 3], ['lr', 0.1]]);
    expect(bar.averages).toEqual({ loss: 2, lr: 0.1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^4\/4 \[========\] - \d+s \w+\/step - loss: 2\.0000 - lr: 0\.1000$/);
  });

  it('clearSession starts the automatic layer names over', () => {
    new layers.Dense({ units: 1 });
    utils.clearSession();
    expect(new layers.Dense({ units: 1 }).name).toBe('dense');
    expect(new layers.Dense({ units: 1 }).name).toBe('dense_1');
  });

  it('getSourceInputs finds the Inputs a tensor is computed from', () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [3] });
    const out = layers.add([a, new layers.Dense({ units: 3 }).apply(b) as SymbolicTensor]) as SymbolicTensor;
    expect(utils.getSourceInputs(out)).toEqual([a, b]);
    expect(new Model({ inputs: [a, b], outputs: out }).inputs).toEqual(utils.getSourceInputs(out));
  });

  it('custom objects: scope, registry lookups and keras-object serialization', () => {
    const double = (t: Tensor) => t.mul(2);
    expect(utils.customObjectScope({ double }, () => activations.get('double'))).toBe(double);
    expect(new utils.CustomObjectScope({ double }).run(() => utils.getRegisteredObject('double'))).toBe(double);
    const quadruple = registerKerasSerializable(function quadruple(t: Tensor) { return t.mul(4); }, { package: 'apiTest' });
    expect(utils.getRegisteredName(quadruple)).toBe('apiTest>quadruple');
    expect(utils.getCustomObjects()['apiTest>quadruple']).toBe(quadruple);
    const saved = utils.serializeKerasObject({ init: initializers.heUniform({ seed: 2 }), reg: new regularizers.L2(0.3), act: activations.relu, n: [1, 'a'] });
    expect(saved).toEqual({ init: { module: 'initializers', className: 'HeUniform', config: { seed: 2 } }, reg: { module: 'regularizers', className: 'L2', config: { l2: 0.3 } }, act: 'relu', n: [1, 'a'] });
    const restored = utils.deserializeKerasObject(saved) as { init: unknown; reg: unknown };
    expect(restored.init).toBeInstanceOf(initializers.HeUniform);
    expect(restored.reg).toBeInstanceOf(regularizers.Regularizer);
    expect(utils.standardizeDtype('float')).toBe('float32');
    expect(() => utils.standardizeDtype('float16')).toThrow(/float16/);
    expect(utils.Sequence).toBe(utils.PyDataset);
  });

  it('arrayToImg scales to RGBA bytes and imgToArray reads them back', async () => {
    const image = await utils.arrayToImg(tensor([[[0], [1]], [[2], [4]]]));
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.data)).toEqual([0, 0, 0, 255, 63, 63, 63, 255, 127, 127, 127, 255, 255, 255, 255, 255]);
    expect(await valuesOf(utils.imgToArray(image, { channels: 3 }))).toEqual([0, 0, 0, 63, 63, 63, 127, 127, 127, 255, 255, 255]);
  });
});
