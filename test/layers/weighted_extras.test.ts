// ReversibleEmbedding, TernaryDense and SpectralNormalization: outputs, gradients and weight updates
// against Keras 3.16 (values computed with Keras itself, NumPy backend; TernaryDense's gradients
// with its torch backend), shapes on symbolic inputs, masks, configs and error messages.

import { describe, expect, it } from 'vitest';
import { GradientTape, Input, Model, Sequential, getMask, tensor, type Tensor } from '../../src/node';
import { Dense, Dropout, Layer, ReversibleEmbedding, SpectralNormalization, TernaryDense } from '../../src/layers/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck } from './layer_helpers';

useWebGPU();

// The inputs and weights given to Keras for the reference values below.
const EMBEDDINGS = [-0.67, -0.65, -0.48, -0.37, -0.35, -0.18, -0.07, -0.05, 0.12, 0.23, 0.25, 0.42, 0.53, 0.55, 0.72];
const REVERSE = [-0.5, -0.13, 0.24, -0.39, -0.02, 0.35, -0.28, 0.09, 0.46, -0.17, 0.2, -0.43, -0.06, 0.31, -0.32];
const HIDDEN = [0.5, -1, 2, 1.5, 0.25, -0.75];
const KERNEL = [0.3, -0.05, 0.8, -0.6, 0.1, 0.02, 0.25, -0.4, -0.01, 0.07, 0.5, -0.9];
const BIAS = [0.1, -0.2, 0.05];
const X = [1, -2, 0.5, 3, 0.2, 0.4, -1.5, -0.3];

/** A ReversibleEmbedding(5, 3) built and given EMBEDDINGS (and REVERSE when untied). */
function reversibleEmbedding(options: Partial<ConstructorParameters<typeof ReversibleEmbedding>[0]> = {}): ReversibleEmbedding {
  const layer = new ReversibleEmbedding({ inputDim: 5, outputDim: 3, ...options });
  layer.apply(tensor([0], [1], 'int32'));
  layer.setWeights(layer.tieWeights ? [tensor(EMBEDDINGS, [5, 3])] : [tensor(EMBEDDINGS, [5, 3]), tensor(REVERSE, [3, 5])]);
  return layer;
}

/** Calls a ReversibleEmbedding in reverse, so that layerGradCheck can check that call. */
class ReverseProjection extends Layer {
  constructor(readonly inner: ReversibleEmbedding) {
    super();
  }
  override call(inputs: Tensor): Tensor {
    return this.inner.apply(inputs, { reverse: true });
  }
}

describe('ReversibleEmbedding', () => {
  it(
    'looks up rows, and projects back with the transposed embeddings when tied (Keras 3.16 values)',
    onBothBackends(async () => {
      const layer = reversibleEmbedding();
      expect(layer.weights.map((w) => [w.name.split('/').at(-1), w.shape])).toEqual([['embeddings', [5, 3]]]);
      // Keras 3.16: layer(np.array([[4, 0, 2]])) and layer(HIDDEN, reverse=True).
      expectClose(await layer.apply(tensor([[4, 0, 2]], [1, 3], 'int32')).data(), [0.53, 0.55, 0.72, -0.67, -0.65, -0.48, -0.07, -0.05, 0.12]);
      const logits = layer.apply(tensor(HIDDEN, [1, 2, 3]), { reverse: true });
      expect(logits.shape).toEqual([1, 2, 5]);
      expectClose(await logits.data(), [-0.645, -0.195, 0.255, 0.705, 1.155, -0.8075, -0.5075001, -0.2075, 0.0925, 0.3925]);
    }),
  );

  it(
    'projects back with reverse_embeddings when untied, soft-capping the logits (Keras 3.16 values)',
    onBothBackends(async () => {
      const layer = reversibleEmbedding({ tieWeights: false, logitSoftCap: 0.5 });
      expect(layer.weights.map((w) => [w.name.split('/').at(-1), w.shape, w.trainable])).toEqual([
        ['embeddings', [5, 3], true],
        ['reverse_embeddings', [3, 5], true],
      ]);
      // Keras 3.16: ReversibleEmbedding(5, 3, tie_weights=False, logit_soft_cap=0.5)(HIDDEN, reverse=True).
      const expected = [-0.1899744, -0.4295632, -0.0890405, -0.0349431, -0.3721381, -0.4626731, 0.0572477, 0.3468363, -0.4432138, 0.161503];
      expectClose(await layer.apply(tensor(HIDDEN, [1, 2, 3]), { reverse: true }).data(), expected);
      expectClose(await reversibleEmbedding({ tieWeights: false, logitSoftCap: 0.5, reverseDtype: 'float32' }).apply(tensor(HIDDEN, [1, 2, 3]), { reverse: true }).data(), expected);
    }),
  );

  it('has tape gradients of the reverse projection matching finite differences, tied and untied', async () => {
    const initializer = { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 3 } };
    for (const tieWeights of [true, false]) {
      const make = () => new ReverseProjection(new ReversibleEmbedding({ inputDim: 4, outputDim: 3, tieWeights, logitSoftCap: 1.5, embeddingsInitializer: initializer }));
      expect(await layerGradCheck(make, [2, 3], [0.3, -0.8, 0.5, 1.1, 0.2, -0.4])).toBe('ok');
    }
  });

  it('gives symbolic shapes for both calls, replays them in a functional model, and masks only the lookup', async () => {
    const layer = new ReversibleEmbedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const ids = Input({ shape: [4], dtype: 'int32' });
    const hidden = layer.apply(ids);
    const logits = layer.apply(hidden, { reverse: true });
    expect([hidden.shape, logits.shape]).toEqual([[null, 4, 3], [null, 4, 5]]);
    const model = new Model({ inputs: ids, outputs: logits });
    layer.setWeights([tensor(EMBEDDINGS, [5, 3])]);
    const x = tensor([[4, 0, 2, 1]], [1, 4], 'int32');
    const eager = layer.apply(layer.apply(x), { reverse: true });
    expectClose(await ((await model.predict(x)) as Tensor).data(), await eager.data());
    expect(await getMask(layer.apply(x))!.data()).toEqual(new Int32Array([1, 0, 1, 1]));
    expect(getMask(eager)).toBeNull();
    expect(layer.computeOutputShape([null, 4])).toEqual([null, 4, 3]);
  });

  it('round-trips its config', () => {
    const layer = new ReversibleEmbedding({ inputDim: 9, outputDim: 2, tieWeights: false, logitSoftCap: 30, maskZero: true, name: 'lm_head' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ inputDim: 9, outputDim: 2, tieWeights: false, reverseDtype: null, logitSoftCap: 30, maskZero: true });
    expect(new ReversibleEmbedding(config as never).getConfig()).toEqual(config);
    expect(new ReversibleEmbedding({ inputDim: 3, outputDim: 2 }).getConfig()).toMatchObject({ tieWeights: true, reverseDtype: null, logitSoftCap: null });
  });

  it('names what is wrong with its options and inputs', () => {
    expect(() => new ReversibleEmbedding({ inputDim: 5, outputDim: 3, logitSoftCap: 0 })).toThrow('Invalid value for argument logitSoftCap. Expected null or a positive number. Received: logitSoftCap=0');
    expect(() => new ReversibleEmbedding({ inputDim: 5, outputDim: 3, reverseDtype: 'int32' })).toThrow("Expected null or 'float32' (the float dtype of this library). Received: reverseDtype=int32");
    expect(() => new ReversibleEmbedding({ inputDim: 5, outputDim: 3, tieWeights: 'no' as never })).toThrow('Invalid value for argument tieWeights. Expected a boolean. Received: tieWeights=no');
    const layer = new ReversibleEmbedding({ inputDim: 5, outputDim: 3, name: 'tokens' });
    expect(() => layer.apply(tensor([1, 2, 3, 4], [1, 4]), { reverse: true })).toThrow(
      "ReversibleEmbedding 'tokens': the reverse projection takes hidden states whose last axis is outputDim=3. Received: inputs of shape (1, 4)",
    );
    expect(() => layer.apply(Input({ shape: [2, 4] }), { reverse: true })).toThrow('whose last axis is outputDim=3. Received: inputs of shape (None, 2, 4)');
    expect(() => layer.apply(tensor([1], [1, 1]), { revers: true } as never)).toThrow("ReversibleEmbedding 'tokens'.apply: unknown option 'revers'. Its options: training, mask, reverse.");
  });
});

describe('TernaryDense', () => {
  /** A TernaryDense(3) on a [2, 4] input, given KERNEL and BIAS. */
  function ternaryDense(options: Partial<ConstructorParameters<typeof TernaryDense>[0]> = {}): TernaryDense {
    const layer = new TernaryDense({ units: 3, ...options });
    layer.apply(tensor(X, [2, 4]));
    layer.setWeights([tensor(KERNEL, [4, 3]), tensor(BIAS, [3])]);
    return layer;
  }

  it(
    'multiplies by the ternarized kernel scaled by mean |kernel|, or by a fixed threshold\'s unscaled (Keras 3.16 values)',
    onBothBackends(async () => {
      // Keras 3.16: TernaryDense(3) and TernaryDense(3, threshold=0.3, activation='relu') with KERNEL and BIAS.
      expectClose(await ternaryDense().apply(tensor(X, [2, 4])).data(), [1.2666668, 0.6333334, -0.6166667, -0.4666667, 0.2, 0.2166667]);
      expectClose(await ternaryDense({ threshold: 0.3, activation: 'relu' }).apply(tensor(X, [2, 4])).data(), [2.0999999, 2.3, 0, 0, 1, 0.55]);
      expect(ternaryDense().apply(tensor([...X, ...X], [2, 2, 4])).shape).toEqual([2, 2, 3]);
    }),
  );

  it(
    'passes the gradient to the float kernel straight through the ternarization, and through beta (Keras 3.16 torch gradients)',
    onBothBackends(async () => {
      // Gradients of sum(r * layer(x)) in Keras 3.16's torch backend, for threshold None and 0.3.
      const r = tensor([1, 0.5, -1, 2, -0.5, 0.25], [2, 3]);
      const expected = {
        auto: {
          kernel: [0.70625, -0.10625, -0.0770833, -0.6395833, -0.1604167, 0.9395834, -0.5937501, 0.09375, -0.53125, 1.0395833, 0.7895833, -1.2645833],
          x: [0, -0.3333333, 0.1666667, 0.5, 0.75, -0.6666667, 0.8333334, -0.25],
        },
        fixed: { kernel: [1.4, 0.4, -0.95, -1.2, -1.2, 2.0999999, -2.5, 1, -0.875, 2.4000001, 1.65, -3.075], x: [-1, -1, -0.5, 1.5, 0.25, -2, 0.5, -0.75] },
      };
      for (const [threshold, want] of [[null, expected.auto], [0.3, expected.fixed]] as const) {
        const layer = ternaryDense({ threshold });
        const x = tensor(X, [2, 4]);
        const tape = new GradientTape();
        tape.watch(x);
        const loss = tape.record(() => layer.apply(x).mul(r).sum());
        const [kernel, bias, input] = tape.gradient(loss, [layer.kernel, layer.bias!, x]);
        expectClose(await kernel!.data(), want.kernel, { atol: 2e-6 });
        expectClose(await bias!.data(), [3, 0, -0.75]);
        expectClose(await input!.data(), want.x, { atol: 2e-6 });
      }
    }),
  );

  it('has tape gradients for its input and bias matching finite differences', async () => {
    // The kernel's straight-through gradient is not the derivative of the forward value (checked against Keras above).
    const make = () => {
      const layer = new TernaryDense({ units: 3, activation: 'tanh', kernelInitializer: { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 5 } }, biasInitializer: 'ones' });
      layer.apply(tensor(X, [2, 4]));
      layer.kernel.trainable = false;
      return layer;
    };
    expect(await layerGradCheck(make, [2, 4], X.map((v) => v / 3))).toBe('ok');
  });

  it('trains its float kernel in a model', async () => {
    const model = new Sequential({ layers: [new TernaryDense({ units: 2, inputShape: [4] })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = Array.from(await model.layers[0].weights[0].data());
    await model.fit(tensor(X, [2, 4]), tensor([1, 0, 0, 1], [2, 2]), { epochs: 2, batchSize: 2, verbose: 0 });
    const after = Array.from(await model.layers[0].weights[0].data());
    expect(after.some((v, i) => Math.abs(v - before[i]) > 1e-6)).toBe(true);
  });

  it('gives symbolic shapes, keeps masks, and round-trips its config', () => {
    const layer = new TernaryDense({ units: 5, threshold: 0.2, activation: 'relu', useBias: false });
    expect(layer.apply(Input({ shape: [7, 4] })).shape).toEqual([null, 7, 5]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[4, 5]]);
    expect(layer.supportsMasking).toBe(true);
    const config = layer.getConfig();
    expect(config).toMatchObject({ units: 5, threshold: 0.2, activation: 'relu', useBias: false });
    expect(new TernaryDense(config as never).getConfig()).toEqual(config);
    expect(new TernaryDense({ units: 1 }).getConfig().threshold).toBeNull();
  });

  it('names what is wrong with its options and inputs', () => {
    expect(() => new TernaryDense({ units: 0 })).toThrow('Received an invalid value for `units`, expected a positive integer. Received: units=0');
    expect(() => new TernaryDense({ units: 2, threshold: -0.1 })).toThrow('Received an invalid value for `threshold`, expected a non-negative float or None. Received: threshold=-0.1');
    expect(() => new TernaryDense({ units: 2, threshold: '0.5' as never })).toThrow('Received an invalid value for `threshold`, expected a float or None. Received: threshold=0.5');
    const layer = new TernaryDense({ units: 2, name: 'ternary' });
    layer.apply(tensor(X, [2, 4]));
    expect(() => layer.apply(tensor([1, 2, 3], [1, 3]))).toThrow('Input 0 of layer "ternary" is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape (1, 3)');
    expect(() => new TernaryDense({ units: 2 }).apply(tensor([1, 2], [2]))).toThrow('expected min_ndim=2, found ndim=1');
  });
});

describe('SpectralNormalization', () => {
  const U = [0.3, -0.2, 0.5];

  /** SpectralNormalization(Dense(3)) on a [2, 4] input, its kernel KERNEL, bias BIAS and vector_u U. */
  function spectralDense(powerIterations = 2): SpectralNormalization {
    const layer = new SpectralNormalization({ layer: new Dense({ units: 3 }), powerIterations });
    layer.apply(tensor(X, [2, 4]));
    layer.kernel.assign(tensor(KERNEL, [4, 3]));
    (layer.layer as Dense).bias!.assign(tensor(BIAS, [3]));
    layer.vectorU.assign(tensor(U, [1, 3]));
    return layer;
  }

  it(
    'runs the layer as is at inference, and normalizes its kernel by power iteration in each training call (Keras 3.16 values)',
    onBothBackends(async () => {
      const layer = spectralDense();
      // Keras's order: the wrapped kernel, vector_u, then the wrapped layer's bias.
      expect(layer.weights.map((w) => [w.name.split('/').at(-1), w.shape, w.trainable])).toEqual([
        ['kernel', [4, 3], true],
        ['vector_u', [1, 3], false],
        ['bias', [3], true],
      ]);
      const x = tensor(X, [2, 4]);
      // Keras 3.16: SpectralNormalization(Dense(3), power_iterations=2) with KERNEL, BIAS and vector_u U.
      expectClose(await layer.apply(x).data(), [1.9350001, 0.85, -1.895, -0.476, 0.28, 0.503]);
      expectClose(await layer.kernel.data(), KERNEL);
      expectClose(await layer.apply(x, { training: true }).data(), [1.518062, 0.6114251, -1.4530685, -0.3451247, 0.1709372, 0.400072]);
      expectClose(await layer.kernel.data(), [0.2318358, -0.0386393, 0.6182287, -0.4636715, 0.0772786, 0.0154557, 0.1931965, -0.3091143, -0.0077279, 0.054095, 0.3863929, -0.6955072]);
      expectClose(await layer.vectorU.data(), [0.201178, -0.3745027, 0.9051381]);
      expectClose(await layer.apply(x, { training: true }).data(), [1.516585, 0.6105799, -1.4515027, -0.344661, 0.1705508, 0.3997073]);
      expectClose(await layer.vectorU.data(), [0.1750333, -0.3714178, 0.9118181]);
    }),
  );

  it('leaves the kernel with spectral norm 1 after enough power iterations, and a kernel of zeros as it is', async () => {
    const layer = spectralDense(30);
    layer.apply(tensor(X, [2, 4]), { training: true });
    expect(largestSingularValue(Array.from(await layer.kernel.data()), 4, 3)).toBeCloseTo(1, 4);
    const zero = spectralDense();
    zero.kernel.assign(tensor(new Array(12).fill(0), [4, 3]));
    zero.apply(tensor(X, [2, 4]), { training: true });
    expect(Array.from(await zero.kernel.data())).toEqual(new Array(12).fill(0));
    expectClose(await zero.vectorU.data(), U);
  });

  it('has tape gradients matching finite differences through the wrapped layer', async () => {
    const make = () => new SpectralNormalization({ layer: new Dense({ units: 2, activation: 'tanh', biasInitializer: 'ones' }) });
    expect(await layerGradCheck(make, [2, 3], [0.3, -0.8, 0.5, 1.1, 0.2, -0.4])).toBe('ok');
  });

  it('trains in a model: the kernel is trained and normalized, vector_u only updated', async () => {
    const model = new Sequential({ layers: [new SpectralNormalization({ layer: new Dense({ units: 2 }), inputShape: [4], powerIterations: 5 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(model.trainableWeights.map((w) => w.name.split('/').at(-1))).toEqual(['kernel', 'bias']);
    await model.fit(tensor(X, [2, 4]), tensor([1, 0, 0, 1], [2, 2]), { epochs: 3, batchSize: 2, verbose: 0 });
    const sigma = largestSingularValue(Array.from(await (model.layers[0] as SpectralNormalization).kernel.data()), 4, 2);
    expect(sigma).toBeGreaterThan(0.8);
    expect(sigma).toBeLessThan(1.2);
  });

  it('normalizes the embeddings of an embedding layer', () => {
    const embedding = new SpectralNormalization({ layer: new ReversibleEmbedding({ inputDim: 6, outputDim: 2 }) });
    expect(embedding.apply(Input({ shape: [3], dtype: 'int32' })).shape).toEqual([null, 3, 2]);
    expect(embedding.vectorU.shape).toEqual([1, 2]);
    expect(embedding.kernel).toBe((embedding.layer as ReversibleEmbedding).embeddings);
  });

  it('round-trips its config with the wrapped layer', () => {
    const layer = new SpectralNormalization({ layer: new Dense({ units: 4, activation: 'relu' }), powerIterations: 3, name: 'critic' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'critic', powerIterations: 3, layer: { className: 'Dense', config: { units: 4, activation: 'relu' } } });
    const rebuilt = SpectralNormalization.fromConfig(config);
    expect(rebuilt.layer).toBeInstanceOf(Dense);
    expect(rebuilt.getConfig()).toEqual(config);
    expect(new SpectralNormalization({ layer: new Dense({ units: 1 }) }).powerIterations).toBe(1);
  });

  it('names what is wrong with its options and wrapped layer', () => {
    expect(() => new SpectralNormalization({ layer: 'dense' as never })).toThrow('Layer "dense" supplied to Wrapper isn\'t a supported layer type.');
    expect(() => new SpectralNormalization({ layer: new Dense({ units: 1 }), powerIterations: 0 })).toThrow('`powerIterations` should be an integer greater than zero. Received: `powerIterations=0`');
    const dropout = new SpectralNormalization({ layer: new Dropout({ rate: 0.5 }) });
    expect(() => dropout.apply(tensor(X, [2, 4]))).toThrow("Dropout object has no attribute 'kernel' nor 'embeddings'");
    const layer = new SpectralNormalization({ layer: new Dense({ units: 1 }), name: 'critic' });
    layer.apply(tensor(X, [2, 4]));
    expect(() => layer.apply(tensor([1, 2, 3], [1, 3]))).toThrow('Input 0 of layer "critic" is incompatible with the layer: expected axis -1 of input shape to have value 4');
  });
});

/** The largest singular value of a row-major [rows, columns] matrix, by power iteration in float64. */
function largestSingularValue(values: number[], rows: number, columns: number): number {
  let u = new Array<number>(columns).fill(1);
  let sigma = 0;
  for (let step = 0; step < 200; step++) {
    const v = Array.from({ length: rows }, (_, i) => u.reduce((s, uj, j) => s + values[i * columns + j] * uj, 0));
    const next = Array.from({ length: columns }, (_, j) => v.reduce((s, vi, i) => s + values[i * columns + j] * vi, 0));
    const norm = Math.hypot(...next);
    sigma = Math.sqrt(norm);
    u = next.map((x) => x / norm);
  }
  return sigma;
}
