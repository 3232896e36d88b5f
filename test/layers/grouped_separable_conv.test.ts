// Conv1D / Conv2D with `groups`, DepthwiseConv1D and SeparableConv1D: outputs against float64 loops
// in both data formats on both backends, groups 1 and groups == channels (the depthwise layer),
// Keras's shapes, weight names and argument errors, config round trips, gradients against finite
// differences, and small models that fit and survive save and load.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, getBackend, ops, setRandomSeed, tensor, type Tensor } from '../../src/node';
import { Conv1D, Conv1DTranspose, Conv2D, Dense, DepthwiseConv1D, DepthwiseConv2D, Flatten, SeparableConv1D, deserializeLayer, type Layer } from '../../src/layers/index';
import { loadModel, memoryHandler } from '../../src/io/index';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Sets a built layer's weights to seeded values and returns them, in the layer's weight order. */
function seedWeights(layer: Layer, seed: number): number[][] {
  const values = layer.weights.map((w, i) => seededValues(w.size, seed + i));
  layer.setWeights(values.map((v, i) => tensor(v, [...layer.weights[i].shape] as number[])));
  return values;
}

/** TensorFlow's window placement along one axis: outputs and padding before. */
function axis(n: number, size: number, stride: number, dilation: number, padding: 'valid' | 'same' | 'causal'): { out: number; before: number } {
  const span = (size - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((n - span) / stride) + 1, before: 0 };
  const out = Math.ceil(n / stride);
  if (padding === 'causal') return { out, before: span - 1 };
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - n, 0) / 2) };
}

/**
 * Grouped 2-D convolution plus bias in float64, channels-last: output channel o of group
 * floor(o / (filters / groups)) reads that group's cin / groups input channels only.
 */
function groupedConvReference(x: number[], [b, h, w, cin]: number[], k: number[], [kh, kw, cg, filters]: number[], bias: number[], stride: number[], dilation: number[], padding: 'valid' | 'same' | 'causal'): { shape: number[]; values: number[] } {
  const rows = axis(h, kh, stride[0], dilation[0], padding === 'causal' ? 'valid' : padding);
  const cols = axis(w, kw, stride[1], dilation[1], padding);
  const perGroup = filters / (cin / cg);
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let o = 0; o < filters; o++) {
          const first = Math.floor(o / perGroup) * cg;
          let s = bias[o];
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const iy = oy * stride[0] - rows.before + p * dilation[0];
              const ix = ox * stride[1] - cols.before + q * dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let c = 0; c < cg; c++) s += x[((n * h + iy) * w + ix) * cin + first + c] * k[((p * kw + q) * cg + c) * filters + o];
            }
          out.push(s);
        }
  return { shape: [b, rows.out, cols.out, filters], values: out };
}

/** Depthwise 1-D convolution in float64, channels-last, output channel c * multiplier + m, no bias. */
function depthwise1dReference(x: number[], [b, steps, channels]: number[], k: number[], [size, , multiplier]: number[], stride: number, dilation: number, padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const { out, before } = axis(steps, size, stride, dilation, padding);
  const values: number[] = [];
  for (let n = 0; n < b; n++)
    for (let o = 0; o < out; o++)
      for (let c = 0; c < channels; c++)
        for (let m = 0; m < multiplier; m++) {
          let s = 0;
          for (let t = 0; t < size; t++) {
            const i = o * stride - before + t * dilation;
            if (i >= 0 && i < steps) s += x[(n * steps + i) * channels + c] * k[(t * channels + c) * multiplier + m];
          }
          values.push(s);
        }
  return { shape: [b, out, channels * multiplier], values };
}

/** [b, ...spatial, c] values as [b, c, ...spatial], and back. */
function toChannelsFirst(values: number[], shape: number[]): number[] {
  const [b, c] = [shape[0], shape.at(-1)!];
  const spatial = product(shape.slice(1, -1));
  const out: number[] = [];
  for (let n = 0; n < b; n++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < spatial; p++) out.push(values[(n * spatial + p) * c + ch]);
  return out;
}

describe('Conv2D and Conv1D with groups', () => {
  it('Conv2D, 3 groups, strides 2, same: a float64 loop over each group, channels-last and channels-first, on both backends', async () => {
    const xs = [2, 5, 6, 6];
    const x = seededValues(product(xs), 1);
    const results: Record<string, number[]> = {};
    await onBothBackends(async () => {
      const layer = new Conv2D({ filters: 9, kernelSize: [3, 2], strides: 2, padding: 'same', groups: 3 });
      layer.apply(tensor(x, xs));
      expect(layer.weights.map((w) => [...w.shape])).toEqual([[3, 2, 2, 9], [9]]);
      const [k, bias] = seedWeights(layer, 2);
      const expected = groupedConvReference(x, xs, k, [3, 2, 2, 9], bias, [2, 2], [1, 1], 'same');
      const y = layer.apply(tensor(x, xs)) as Tensor;
      expect(y.shape).toEqual(expected.shape);
      expectClose(await y.data(), expected.values, { atol: 1e-5 });
      results[getBackend()] = Array.from(await y.data());

      const first = new Conv2D({ filters: 9, kernelSize: [3, 2], strides: 2, padding: 'same', groups: 3, dataFormat: 'channels_first' });
      const xFirst = tensor(toChannelsFirst(x, xs), [2, 6, 5, 6]);
      first.apply(xFirst);
      first.setWeights(layer.getWeights());
      const yFirst = first.apply(xFirst) as Tensor;
      expect(yFirst.shape).toEqual([2, 9, 3, 3]);
      expectClose(await yFirst.data(), toChannelsFirst(expected.values, expected.shape), { atol: 1e-5 });
    })();
    expectClose(results.webgpu, results.cpu, { atol: 1e-5 });
  });

  it('Conv1D, 2 groups, causal, dilation 2: the loop on a row of height 1', async () => {
    const xs = [2, 7, 4];
    const x = seededValues(product(xs), 3);
    const layer = new Conv1D({ filters: 6, kernelSize: 3, padding: 'causal', dilationRate: 2, groups: 2, activation: 'tanh' });
    layer.apply(tensor(x, xs));
    expect(layer.weights.map((w) => [...w.shape])).toEqual([[3, 2, 6], [6]]);
    const [k, bias] = seedWeights(layer, 4);
    const expected = groupedConvReference(x, [2, 1, 7, 4], k, [1, 3, 2, 6], bias, [1, 1], [1, 2], 'causal');
    const y = layer.apply(tensor(x, xs)) as Tensor;
    expect(y.shape).toEqual([2, 7, 6]);
    expectClose(await y.data(), expected.values.map(Math.tanh), { atol: 1e-5 });
  });

  it('with groups 1 is the plain convolution (the default)', async () => {
    const x = tensor(seededValues(2 * 5 * 5 * 3, 5), [2, 5, 5, 3]);
    const plain = new Conv2D({ filters: 4, kernelSize: 3 });
    const one = new Conv2D({ filters: 4, kernelSize: 3, groups: 1 });
    plain.apply(x);
    one.apply(x);
    seedWeights(plain, 6);
    one.setWeights(plain.getWeights());
    expect(plain.getConfig().groups).toBe(1);
    expect(await (one.apply(x) as Tensor).data()).toEqual(await (plain.apply(x) as Tensor).data());
  });

  it('with groups == channels is DepthwiseConv2D (kernel [kh, kw, 1, channels * m] read as [kh, kw, channels, m])', async () => {
    const x = tensor(seededValues(2 * 6 * 5 * 3, 7), [2, 6, 5, 3]);
    const grouped = new Conv2D({ filters: 6, kernelSize: 3, padding: 'same', groups: 3 });
    const depthwise = new DepthwiseConv2D({ kernelSize: 3, padding: 'same', depthMultiplier: 2 });
    grouped.apply(x);
    depthwise.apply(x);
    const [k, bias] = seedWeights(grouped, 8);
    depthwise.setWeights([tensor(k, [3, 3, 3, 2]), tensor(bias, [6])]);
    expectClose(await (grouped.apply(x) as Tensor).data(), await (depthwise.apply(x) as Tensor).data(), { atol: 1e-6 });
  });

  it('rejects sizes that groups does not divide, with Keras messages', () => {
    expect(() => new Conv2D({ filters: 6, kernelSize: 3, groups: 4 })).toThrow('The number of filters must be evenly divisible by the number of groups. Received: groups=4, filters=6.');
    expect(() => new Conv1D({ filters: 6, kernelSize: 3, groups: 0 })).toThrow('The number of groups must be a positive integer. Received: groups=0.');
    expect(() => new Conv2D({ filters: 6, kernelSize: 3, groups: 2 }).apply(Input({ shape: [8, 8, 3] }))).toThrow(
      'The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 3 channels (full input shape is (None, 8, 8, 3)).',
    );
    expect(() => new Conv1D({ filters: 4, kernelSize: 3, groups: 2, dataFormat: 'channels_first' }).apply(Input({ shape: [5, 8] }))).toThrow(/Received groups=2, but the input has 5 channels/);
    expect(() => new Conv1DTranspose({ filters: 4, kernelSize: 3, groups: 2 } as never).apply(Input({ shape: [5, 8] }))).toThrow(/unknown option 'groups'/);
  });

  it('has tape gradients matching finite differences (Conv2D and Conv1D, 2 groups)', async () => {
    expect(await layerGradCheck(() => new Conv2D({ filters: 4, kernelSize: 2, padding: 'same', groups: 2, activation: 'tanh' }), [1, 3, 3, 4], seededValues(36, 9))).toBe('ok');
    expect(await layerGradCheck(() => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', groups: 2 }), [2, 4, 2], seededValues(16, 10))).toBe('ok');
  });
});

describe('DepthwiseConv1D', () => {
  it('matches a float64 loop plus bias, channels-last and channels-first, on both backends', async () => {
    const xs = [2, 9, 3];
    const x = seededValues(product(xs), 11);
    await onBothBackends(async () => {
      const layer = new DepthwiseConv1D({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 });
      layer.apply(tensor(x, xs));
      const [k, bias] = seedWeights(layer, 12);
      const step = depthwise1dReference(x, xs, k, [3, 3, 2], 2, 1, 'same');
      const expected = step.values.map((v, i) => v + bias[i % 6]);
      const y = layer.apply(tensor(x, xs)) as Tensor;
      expect(y.shape).toEqual([2, 5, 6]);
      expect(layer.computeOutputShape(xs)).toEqual([2, 5, 6]);
      expectClose(await y.data(), expected, { atol: 1e-5 });

      const first = new DepthwiseConv1D({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, dataFormat: 'channels_first' });
      const xFirst = tensor(toChannelsFirst(x, xs), [2, 3, 9]);
      first.apply(xFirst);
      first.setWeights(layer.getWeights());
      expectClose(await (first.apply(xFirst) as Tensor).data(), toChannelsFirst(expected, [2, 5, 6]), { atol: 1e-5 });
    })();
  });

  it('with dilation and valid padding matches the loop', async () => {
    const xs = [1, 8, 2];
    const x = seededValues(product(xs), 13);
    const layer = new DepthwiseConv1D({ kernelSize: 3, dilationRate: 2, useBias: false });
    layer.apply(tensor(x, xs));
    const [k] = seedWeights(layer, 14);
    expectClose(await (layer.apply(tensor(x, xs)) as Tensor).data(), depthwise1dReference(x, xs, k, [3, 2, 1], 1, 2, 'valid').values, { atol: 1e-5 });
  });

  it('gives Keras shapes, weight names and parameter counts, and Keras errors', () => {
    const layer = new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 3, strides: 2 });
    expect(layer.apply(Input({ shape: [10, 12] })).shape).toEqual([null, 4, 36]);
    expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([['kernel', [3, 12, 3]], ['bias', [36]]]);
    expect(layer.countParams()).toBe(3 * 12 * 3 + 36);
    expect(() => new DepthwiseConv1D({ kernelSize: [3, 3] })).toThrow(/`kernelSize` argument must be a tuple of 1 positive integers/);
    expect(() => new DepthwiseConv1D({ kernelSize: 3, padding: 'causal' as never })).toThrow(/padding/);
    expect(() => new DepthwiseConv1D({ kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
    expect(() => new DepthwiseConv1D({ kernelSize: 5 }).apply(Input({ shape: [3, 2] }))).toThrow(/Computed output size would be negative/);
  });

  it('has tape gradients matching finite differences (input, kernel, bias)', async () => {
    expect(await layerGradCheck(() => new DepthwiseConv1D({ kernelSize: 2, depthMultiplier: 2, padding: 'same', activation: 'tanh' }), [2, 4, 2], seededValues(16, 15))).toBe('ok');
  });
});

describe('SeparableConv1D', () => {
  it('is the depthwise step, a pointwise channel mix, bias and activation, on both backends', async () => {
    const xs = [2, 7, 2];
    const x = seededValues(product(xs), 16);
    await onBothBackends(async () => {
      const layer = new SeparableConv1D({ filters: 3, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' });
      layer.apply(tensor(x, xs));
      const [depthwise, pointwise, bias] = seedWeights(layer, 17);
      const step = depthwise1dReference(x, xs, depthwise, [3, 2, 2], 1, 1, 'same');
      const expected: number[] = [];
      for (let position = 0; position < step.values.length / 4; position++) {
        for (let f = 0; f < 3; f++) {
          let s = bias[f];
          for (let c = 0; c < 4; c++) s += step.values[position * 4 + c] * pointwise[c * 3 + f];
          expected.push(Math.max(s, 0));
        }
      }
      const y = layer.apply(tensor(x, xs)) as Tensor;
      expect(y.shape).toEqual([2, 7, 3]);
      expectClose(await y.data(), expected, { atol: 1e-5 });
    })();
  });

  it('gives Keras shapes, weight names and parameter counts', () => {
    const layer = new SeparableConv1D({ filters: 4, kernelSize: 3, strides: 2, depthMultiplier: 2 });
    expect(layer.apply(Input({ shape: [10, 12] })).shape).toEqual([null, 4, 4]);
    expect(layer.weights.map((w) => [w.name.split('/')[1], [...w.shape]])).toEqual([
      ['depthwise_kernel', [3, 12, 2]],
      ['pointwise_kernel', [1, 24, 4]],
      ['bias', [4]],
    ]);
    expect(layer.countParams()).toBe(3 * 12 * 2 + 24 * 4 + 4);
    expect(new SeparableConv1D({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' }).apply(Input({ shape: [5, 8] })).shape).toEqual([null, 2, 6]);
  });

  it('has tape gradients matching finite differences (input, both kernels, bias)', async () => {
    expect(await layerGradCheck(() => new SeparableConv1D({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'tanh' }), [1, 5, 2], seededValues(10, 18))).toBe('ok');
  });
});

describe('configs and models', () => {
  const examples: Array<[string, () => Layer, number[]]> = [
    ['Conv2D', () => new Conv2D({ filters: 6, kernelSize: 3, groups: 3, padding: 'same', dataFormat: 'channels_first' }), [6, 4, 4]],
    ['Conv1D', () => new Conv1D({ filters: 4, kernelSize: 2, groups: 2, padding: 'causal' }), [5, 4]],
    ['DepthwiseConv1D', () => new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: 'heNormal', biasRegularizer: 'l1' }), [5, 3]],
    ['SeparableConv1D', () => new SeparableConv1D({ filters: 4, kernelSize: 2, strides: 2, depthMultiplier: 3, pointwiseInitializer: 'ones', useBias: false }), [6, 2]],
    ['SeparableConvolution1D', () => new SeparableConv1D({ filters: 2, kernelSize: 3 }), [6, 2]],
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
      expect(rebuilt.weights.map((w) => [...w.shape])).toEqual(layer.weights.map((w) => [...w.shape]));
    });
  }

  it('lists groups in Conv configs only (Keras: transposed convolutions have none)', () => {
    expect(new Conv2D({ filters: 4, kernelSize: 3, groups: 2 }).getConfig()).toMatchObject({ groups: 2 });
    expect(new Conv1DTranspose({ filters: 4, kernelSize: 3 }).getConfig()).not.toHaveProperty('groups');
  });

  it('a model with a grouped Conv1D, DepthwiseConv1D and SeparableConv1D fits and survives save and load', async () => {
    setRandomSeed(5);
    const x = ops.randomUniform([16, 8, 4], { seed: 21 });
    const y = x.mean([1, 2]).reshape([16, 1]);
    const model = new Sequential([
      Input({ shape: [8, 4] }),
      new Conv1D({ filters: 4, kernelSize: 3, groups: 2, padding: 'same', activation: 'relu' }),
      new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2 }),
      new SeparableConv1D({ filters: 3, kernelSize: 2, activation: 'tanh' }),
      new Flatten(),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    const slot = memoryHandler();
    await model.save(slot);
    const restored = await loadModel(slot);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['Conv1D', 'DepthwiseConv1D', 'SeparableConv1D', 'Flatten', 'Dense']);
    const predict = async (m: typeof model) => Array.from(await ((await m.predict(x)) as Tensor).data());
    expect(await predict(restored as typeof model)).toEqual(await predict(model));
  });
});
