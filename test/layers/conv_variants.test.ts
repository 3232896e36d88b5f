// Conv2DTranspose, Conv1DTranspose, DepthwiseConv2D and SeparableConv2D: outputs against direct
// float64 loops (the transposed ones written as a scatter of each input through the kernel), Keras
// shapes on symbolic inputs, weight names and parameter counts, Keras's argument errors, config
// round trips through deserializeLayer, gradients against finite differences, a tiny model with
// each layer that fits, and a save / load round trip.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, ops, setRandomSeed, tensor, type Tensor } from '../../src/node';
import { Conv1DTranspose, Conv2DTranspose, Dense, DepthwiseConv2D, Flatten, SeparableConv2D, deserializeLayer, type Layer } from '../../src/layers/index';
import { loadModel, memoryHandler } from '../../src/io/index';
import { useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Transposed convolution as a scatter: input (iy, ix) adds x * kernel[ky, kx, o, c] to output
 * (iy * stride - before + ky * dilation, ...). Keras's sizes: 'valid' (n - 1) * s + max(span, s)
 * or (n - 1) * s + span + outputPadding; 'same' n * s, cropping floor(max(span - s, 0) / 2) before.
 */
function conv2dTransposeReference(x: number[], [b, h, w, ci]: number[], k: number[], [kh, kw, co]: number[], bias: number[], stride: number[], dilation: number[], padding: 'valid' | 'same', outputPadding: number[] | null): { shape: number[]; values: number[] } {
  const axis = (n: number, size: number, s: number, d: number, extra: number | undefined) => {
    const span = (size - 1) * d + 1;
    if (padding === 'same') return { out: n * s, before: Math.floor(Math.max(span - s, 0) / 2) };
    return { out: (n - 1) * s + span + (extra ?? Math.max(span, s) - span), before: 0 };
  };
  const rows = axis(h, kh, stride[0], dilation[0], outputPadding?.[0]);
  const cols = axis(w, kw, stride[1], dilation[1], outputPadding?.[1]);
  const out = Array.from({ length: b * rows.out * cols.out * co }, (_, i) => bias[i % co]);
  for (let n = 0; n < b; n++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < w; ix++)
        for (let p = 0; p < kh; p++)
          for (let q = 0; q < kw; q++) {
            const oy = iy * stride[0] - rows.before + p * dilation[0];
            const ox = ix * stride[1] - cols.before + q * dilation[1];
            if (oy < 0 || oy >= rows.out || ox < 0 || ox >= cols.out) continue;
            for (let o = 0; o < co; o++)
              for (let c = 0; c < ci; c++) out[((n * rows.out + oy) * cols.out + ox) * co + o] += x[((n * h + iy) * w + ix) * ci + c] * k[((p * kw + q) * co + o) * ci + c];
          }
  return { shape: [b, rows.out, cols.out, co], values: out };
}

/** Depthwise convolution (TensorFlow's padding), output channel c * multiplier + m, no bias. */
function depthwiseReference(x: number[], [b, h, w, ci]: number[], k: number[], [kh, kw, , mult]: number[], stride: number[], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const axis = (n: number, size: number, s: number) => {
    if (padding === 'valid') return { out: Math.floor((n - size) / s) + 1, before: 0 };
    const out = Math.ceil(n / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + size - n, 0) / 2) };
  };
  const rows = axis(h, kh, stride[0]);
  const cols = axis(w, kw, stride[1]);
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let c = 0; c < ci; c++)
          for (let m = 0; m < mult; m++) {
            let s = 0;
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const iy = oy * stride[0] - rows.before + p;
                const ix = ox * stride[1] - cols.before + q;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) s += x[((n * h + iy) * w + ix) * ci + c] * k[((p * kw + q) * ci + c) * mult + m];
              }
            out.push(s);
          }
  return { shape: [b, rows.out, cols.out, ci * mult], values: out };
}

/** Sets a built layer's weights to seeded values and returns them, in the layer's weight order. */
function seedWeights(layer: Layer, seed: number): number[][] {
  const values = layer.weights.map((w, i) => seededValues(w.size, seed + i));
  layer.setWeights(values.map((v, i) => tensor(v, [...layer.weights[i].shape] as number[])));
  return values;
}

describe('Conv2DTranspose', () => {
  const xs = [2, 3, 4, 3];
  const x = seededValues(product(xs), 1);
  const cases: Array<[string, { kernelSize: number[]; strides?: number[]; padding?: 'valid' | 'same'; dilationRate?: number[]; outputPadding?: number[] }, number[]]> = [
    ['3x3 valid', { kernelSize: [3, 3] }, [2, 5, 6, 2]],
    ['3x3 same, strides 2', { kernelSize: [3, 3], strides: [2, 2], padding: 'same' }, [2, 6, 8, 2]],
    ['2x3 valid, strides [3, 2], outputPadding [2, 1]', { kernelSize: [2, 3], strides: [3, 2], outputPadding: [2, 1] }, [2, 10, 10, 2]],
    ['3x2 same, dilation 2', { kernelSize: [3, 2], dilationRate: [2, 2], padding: 'same' }, [2, 3, 4, 2]],
  ];
  for (const [name, options, outShape] of cases) {
    it(`matches a direct scatter: ${name}`, async () => {
      const layer = new Conv2DTranspose({ filters: 2, ...options });
      const input = tensor(x, xs);
      layer.apply(input);
      const [k, bias] = seedWeights(layer, 2);
      const y = layer.apply(input) as Tensor;
      const expected = conv2dTransposeReference(x, xs, k, [...options.kernelSize, 2], bias, options.strides ?? [1, 1], options.dilationRate ?? [1, 1], options.padding ?? 'valid', options.outputPadding ?? null);
      expect(expected.shape).toEqual(outShape);
      expect(y.shape).toEqual(outShape);
      expect(layer.computeOutputShape(xs)).toEqual(outShape);
      expectClose(await y.data(), expected.values, { atol: 1e-4 });
    });
  }

  it('gives Keras shapes, weight names and parameter counts', () => {
    const layer = new Conv2DTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' });
    expect(layer.apply(Input({ shape: [7, null, 32] })).shape).toEqual([null, 14, null, 16]);
    expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 3, 16, 32]], ['bias', [16]]]);
    expect(layer.countParams()).toBe(3 * 3 * 16 * 32 + 16);
    expect(new Conv2DTranspose({ filters: 4, kernelSize: 2, strides: 3 }).apply(Input({ batchShape: [5, 4, 4, 1] })).shape).toEqual([5, 12, 12, 4]);
  });

  it('rejects bad arguments with Keras messages', () => {
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow('`output_padding` must be < `strides`. Received: outputPadding=(2, 2), strides=(2, 2)');
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, outputPadding: [1, -1] })).toThrow('The `outputPadding` argument must be a tuple of 2 non-negative integers. Received outputPadding=[1,-1]');
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, dataFormat: 'channels_middle' as never })).toThrow(
      "Invalid value for argument dataFormat. Expected one of 'channels_last', 'channels_first'. Received: dataFormat=\"channels_middle\"",
    );
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, padding: 'causal' as never })).toThrow('The `padding` argument must be one of "valid", "same". Received: padding=causal');
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    const make = () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' });
    expect(await layerGradCheck(make, [1, 2, 3, 2], seededValues(12, 5))).toBe('ok');
  });
});

describe('Conv1DTranspose', () => {
  it('matches the 2-D scatter with a row of height 1', async () => {
    const xs = [2, 4, 3];
    const x = seededValues(product(xs), 6);
    const layer = new Conv1DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' });
    const input = tensor(x, xs);
    layer.apply(input);
    const [k, bias] = seedWeights(layer, 7);
    const y = layer.apply(input) as Tensor;
    const expected = conv2dTransposeReference(x, [2, 1, 4, 3], k, [1, 3, 2], bias, [1, 2], [1, 1], 'same', null);
    expect(y.shape).toEqual([2, 8, 2]);
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 8, 2]);
    expect(layer.weights.map((w) => [...w.shape])).toEqual([[3, 2, 3], [2]]);
    expectClose(await y.data(), expected.values, { atol: 1e-4 });
  });
});

describe('DepthwiseConv2D', () => {
  const xs = [2, 5, 4, 3];
  const x = seededValues(product(xs), 8);
  const cases: Array<[string, { kernelSize: number[]; strides?: number[]; padding?: 'valid' | 'same'; depthMultiplier?: number }, number[]]> = [
    ['3x3 valid', { kernelSize: [3, 3] }, [2, 3, 2, 3]],
    ['3x2 same, strides 2, multiplier 2', { kernelSize: [3, 2], strides: [2, 2], padding: 'same', depthMultiplier: 2 }, [2, 3, 2, 6]],
  ];
  for (const [name, options, outShape] of cases) {
    it(`matches direct loops plus bias: ${name}`, async () => {
      const layer = new DepthwiseConv2D(options);
      const input = tensor(x, xs);
      layer.apply(input);
      const [k, bias] = seedWeights(layer, 9);
      const y = layer.apply(input) as Tensor;
      const multiplier = options.depthMultiplier ?? 1;
      const expected = depthwiseReference(x, xs, k, [...options.kernelSize, 3, multiplier], options.strides ?? [1, 1], options.padding ?? 'valid');
      expect(y.shape).toEqual(outShape);
      expect(layer.computeOutputShape(xs)).toEqual(outShape);
      expectClose(await y.data(), expected.values.map((v, i) => v + bias[i % (3 * multiplier)]), { atol: 1e-4 });
    });
  }

  it('gives Keras shapes, weight names (Keras 3: kernel, bias) and parameter counts', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' });
    expect(layer.apply(Input({ shape: [28, 28, 8] })).shape).toEqual([null, 28, 28, 16]);
    expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 3, 8, 2]], ['bias', [16]]]);
    expect(layer.countParams()).toBe(3 * 3 * 8 * 2 + 16);
  });

  it('rejects bad arguments with Keras messages', () => {
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 0 })).toThrow('Invalid value for argument `depthMultiplier`. Expected a strictly positive integer. Received depthMultiplier=0.');
    expect(() => new DepthwiseConv2D({ kernelSize: [3, 3, 3] })).toThrow(/`kernelSize` argument must be a tuple of 2 positive integers/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
    expect(() => new DepthwiseConv2D({ kernelSize: 5 }).apply(Input({ shape: [3, 8, 1] }))).toThrow(/Computed output size would be negative/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3 }).apply(Input({ shape: [8, 8, null] }))).toThrow(/channel dimension of the inputs should be defined/);
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    const make = () => new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, padding: 'same', activation: 'tanh' });
    expect(await layerGradCheck(make, [1, 3, 3, 2], seededValues(18, 10))).toBe('ok');
  });
});

describe('SeparableConv2D', () => {
  it('is the depthwise step, a 1x1 channel mix, bias and activation', async () => {
    const xs = [2, 4, 4, 2];
    const x = seededValues(product(xs), 11);
    const layer = new SeparableConv2D({ filters: 3, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' });
    const input = tensor(x, xs);
    layer.apply(input);
    const [depthwise, pointwise, bias] = seedWeights(layer, 12);
    const y = layer.apply(input) as Tensor;
    const step = depthwiseReference(x, xs, depthwise, [3, 3, 2, 2], [1, 1], 'same');
    const expected: number[] = [];
    for (let pixel = 0; pixel < step.values.length / 4; pixel++) {
      for (let f = 0; f < 3; f++) {
        let s = bias[f];
        for (let c = 0; c < 4; c++) s += step.values[pixel * 4 + c] * pointwise[c * 3 + f];
        expected.push(Math.max(s, 0));
      }
    }
    expect(y.shape).toEqual([2, 4, 4, 3]);
    expectClose(await y.data(), expected, { atol: 1e-4 });
  });

  it('gives Keras shapes, weight names and parameter counts', () => {
    const layer = new SeparableConv2D({ filters: 32, kernelSize: 3, activation: 'relu' });
    expect(layer.apply(Input({ shape: [28, 28, 16] })).shape).toEqual([null, 26, 26, 32]);
    expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([
      ['depthwise_kernel', [3, 3, 16, 1]],
      ['pointwise_kernel', [1, 1, 16, 32]],
      ['bias', [32]],
    ]);
    expect(layer.countParams()).toBe(3 * 3 * 16 + 16 * 32 + 32);
  });

  it('rejects bad arguments', () => {
    expect(() => new SeparableConv2D({ filters: 0, kernelSize: 3 })).toThrow('Received an invalid value for `filters`, expected a positive integer. Received: filters=0');
    expect(() => new SeparableConv2D({ filters: 2, kernelSize: 3, dataFormat: 'NCHW' as never })).toThrow(/Invalid value for argument dataFormat. Expected one of 'channels_last', 'channels_first'/);
  });

  it('has tape gradients matching finite differences (input, both kernels, bias)', async () => {
    const make = () => new SeparableConv2D({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'tanh' });
    expect(await layerGradCheck(make, [1, 3, 4, 2], seededValues(24, 13))).toBe('ok');
  });
});

describe('configs', () => {
  const examples: Array<[string, () => Layer, number[]]> = [
    ['Conv2DTranspose', () => new Conv2DTranspose({ filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: 'same', outputPadding: [1, 0], activation: 'relu', kernelRegularizer: 'l2' }), [4, 4, 3]],
    ['Conv1DTranspose', () => new Conv1DTranspose({ filters: 2, kernelSize: 3, dilationRate: 2, useBias: false }), [5, 3]],
    ['DepthwiseConv2D', () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: 'heNormal', biasRegularizer: 'l1' }), [5, 5, 3]],
    ['SeparableConv2D', () => new SeparableConv2D({ filters: 4, kernelSize: 2, strides: 2, depthMultiplier: 3, pointwiseInitializer: 'ones', pointwiseRegularizer: 'l2', useBias: false }), [6, 6, 2]],
  ];
  for (const [className, make, sampleShape] of examples) {
    it(`${className} round-trips through JSON and deserializeLayer`, () => {
      const layer = make();
      const out = layer.apply(Input({ shape: sampleShape }));
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = deserializeLayer({ className, config });
      expect(rebuilt).toBeInstanceOf(layer.constructor);
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
      expect(rebuilt.apply(Input({ shape: sampleShape }))).toHaveProperty('shape', (out as { shape: unknown }).shape);
      expect(rebuilt.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]]));
    });
  }

  it('lists the Keras options with their defaults', () => {
    const config = new SeparableConv2D({ filters: 2, kernelSize: 3, name: 'separable_defaults' }).getConfig();
    expect(config).toMatchObject({ filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', depthMultiplier: 1, dataFormat: 'channels_last', dilationRate: [1, 1], activation: 'linear', useBias: true });
    expect(new Conv2DTranspose({ filters: 2, kernelSize: 3 }).getConfig()).toMatchObject({ outputPadding: null, dataFormat: 'channels_last', padding: 'valid' });
  });

  it('rejects an option that is not theirs at the first apply', () => {
    expect(() => new DepthwiseConv2D({ kernelSize: 3, filters: 2 } as never).apply(Input({ shape: [4, 4, 1] }))).toThrow(/unknown option 'filters'/);
  });
});

describe('in models', () => {
  /** A tiny regression: images [16, 4, 4, 2] to the mean of each image. */
  function data() {
    const x = ops.randomUniform([16, 4, 4, 2], { seed: 21 });
    return { x, y: x.mean([1, 2, 3]).reshape([16, 1]) };
  }
  const stacks: Array<[string, () => Layer]> = [
    ['Conv2DTranspose', () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })],
    ['DepthwiseConv2D', () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, activation: 'relu' })],
    ['SeparableConv2D', () => new SeparableConv2D({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' })],
  ];
  for (const [name, make] of stacks) {
    it(`a model with ${name} fits: the loss decreases`, async () => {
      setRandomSeed(5);
      const { x, y } = data();
      const model = new Sequential([Input({ shape: [4, 4, 2] }), make(), new Flatten(), new Dense({ units: 1 })]);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0 });
      const losses = history.history.loss as number[];
      expect(losses.at(-1)!).toBeLessThan(losses[0]);
    });
  }

  it('saves and loads a model with all three: same predictions', async () => {
    setRandomSeed(6);
    const { x, y } = data();
    const model = new Sequential([
      Input({ shape: [4, 4, 2] }),
      new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 }),
      new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }),
      new SeparableConv2D({ filters: 2, kernelSize: 2, activation: 'tanh' }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Flatten', 'Dense']);
    expect(restored.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
    const predict = async (m: typeof model) => Array.from(await ((await m.predict(x)) as Tensor).data());
    expect(await predict(restored as typeof model)).toEqual(await predict(model));
  });
});
