// ReLU, LeakyReLU, ELU, Softmax and PReLU layers: values against hand-computed references (Keras's
// formulas written out) on both backends, the GPU against the CPU on random inputs, gradients by
// finite differences, shapes, and Keras's argument errors.

import { describe, expect, it, vi } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { ELU, Input, LeakyReLU, PReLU, ReLU, Softmax, deserializeLayer, type Layer } from '../../src/layers/index';
import type { OpCase } from '../cases/case';
import { rand } from '../cases/data';
import { checkCases, onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

async function outputOf(layer: Layer, x: Tensor): Promise<number[]> {
  return Array.from(await (layer.apply(x) as Tensor).data());
}

const xs = [-3, -1, 0, 0.5, 1, 2, 5, 8];

describe('ReLU', () => {
  it(
    'follows Keras relu with its options (hand-computed values)',
    onBothBackends(async () => {
      const x = tensor(xs);
      expect(await outputOf(new ReLU(), x)).toEqual([0, 0, 0, 0.5, 1, 2, 5, 8]);
      expect(await outputOf(new ReLU({ maxValue: 6 }), x)).toEqual([0, 0, 0, 0.5, 1, 2, 5, 6]);
      expect(await outputOf(new ReLU({ maxValue: 4 }), x)).toEqual([0, 0, 0, 0.5, 1, 2, 4, 4]);
      expect(await outputOf(new ReLU({ negativeSlope: 0.5 }), x)).toEqual([-1.5, -0.5, 0, 0.5, 1, 2, 5, 8]);
      // x > threshold ? x : 0.
      expect(await outputOf(new ReLU({ threshold: 1 }), x)).toEqual([0, 0, 0, 0, 0, 2, 5, 8]);
      // x > 1 ? min(x, 4) : 0.5 * (x - 1).
      expect(await outputOf(new ReLU({ threshold: 1, negativeSlope: 0.5, maxValue: 4 }), x)).toEqual([-2, -1, -0.5, -0.25, 0, 2, 4, 4]);
      // The docstring example of keras.layers.ReLU: max 10, slope 0.5.
      expect(await outputOf(new ReLU({ maxValue: 10, negativeSlope: 0.5 }), tensor([-10, -5, 0, 5, 10, 20]))).toEqual([-5, -2.5, 0, 5, 10, 10]);
    }),
  );

  it('has finite-difference gradients away from its kinks', async () => {
    const values = [-2.3, -1.4, -0.6, 0.4, 1.6, 2.5, 3.3, 4.6];
    expect(await layerGradCheck(() => new ReLU({ threshold: 1, negativeSlope: 0.3, maxValue: 3 }), [2, 4], values)).toBe('ok');
    expect(await layerGradCheck(() => new ReLU({ maxValue: 2 }), [2, 4], values)).toBe('ok');
  });

  it('rejects negative options with Keras messages', () => {
    expect(() => new ReLU({ maxValue: -1 })).toThrow('maxValue of a ReLU layer cannot be None or a negative value. Expected a float >= 0. Received: maxValue=-1');
    expect(() => new ReLU({ negativeSlope: -0.1 })).toThrow(/negativeSlope=-0.1/);
    expect(() => new ReLU({ threshold: -2 })).toThrow(/threshold=-2/);
  });

  it('keeps the shape on symbolic inputs and lists its options in getConfig', () => {
    const relu = new ReLU({ negativeSlope: 0.1 });
    expect(relu.apply(Input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    expect(relu.getConfig()).toMatchObject({ maxValue: null, negativeSlope: 0.1, threshold: 0 });
  });
});

describe('LeakyReLU', () => {
  it(
    'uses Keras 3 default slope 0.3 and takes negativeSlope',
    onBothBackends(async () => {
      const x = tensor([-10, -5, 0, 5, 10]);
      expectClose(await outputOf(new LeakyReLU(), x), [-3, -1.5, 0, 5, 10]);
      expectClose(await outputOf(new LeakyReLU({ negativeSlope: 0.5 }), x), [-5, -2.5, 0, 5, 10]);
    }),
  );

  it('rejects a negative slope, and takes Keras 2\'s alpha as negativeSlope with a warning, as Keras 3 does', () => {
    expect(() => new LeakyReLU({ negativeSlope: -1 })).toThrow(/negativeSlope of a LeakyReLU layer cannot be None or a negative value.*Received: negativeSlope=-1/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const layer = new LeakyReLU({ alpha: 0.2 });
    expect(warn).toHaveBeenCalledWith('LeakyReLU: argument `alpha` is deprecated. Use `negativeSlope` instead.');
    warn.mockRestore();
    expect([layer.negativeSlope, layer.getConfig().negativeSlope, 'alpha' in layer.getConfig()]).toEqual([0.2, 0.2, false]);
  });
});

describe('ELU', () => {
  it(
    'gives x above 0 and alpha * (exp(x) - 1) below',
    onBothBackends(async () => {
      const x = tensor([-2, -1, 0, 2]);
      expectClose(await outputOf(new ELU(), x), [Math.exp(-2) - 1, Math.exp(-1) - 1, 0, 2]);
      expectClose(await outputOf(new ELU({ alpha: 0.5 }), x), [0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-1) - 1), 0, 2]);
    }),
  );

  it('has finite-difference gradients', async () => {
    expect(await layerGradCheck(() => new ELU({ alpha: 0.7 }), [2, 3], [-1.5, -0.4, 0.3, 1.2, -2.2, 0.8])).toBe('ok');
  });

  it('rejects a non-number alpha', () => {
    expect(() => new ELU({ alpha: 'big' as never })).toThrow('Invalid value for argument alpha. Expected a finite number. Received: alpha=big');
  });
});

describe('Softmax', () => {
  it(
    'matches the Keras docstring example and normalizes over the given axis',
    onBothBackends(async () => {
      expectClose(await outputOf(new Softmax(), tensor([1, 2, 1])), [0.21194157, 0.5761169, 0.21194157]);
      // Over axis 0 of [[1, 2], [3, 4]]: each column is [sigmoid(-2), sigmoid(2)].
      const low = 1 / (1 + Math.exp(2));
      expectClose(await outputOf(new Softmax({ axis: 0 }), tensor([[1, 2], [3, 4]])), [low, low, 1 - low, 1 - low]);
      expectClose(await outputOf(new Softmax({ axis: [0] }), tensor([[1, 2], [3, 4]])), [low, low, 1 - low, 1 - low]);
    }),
  );

  it(
    'normalizes over several axes at once',
    onBothBackends(async () => {
      // exp(log k) = k for k = 1..4, and 1 + 2 + 3 + 4 = 10, in each of the two samples.
      const logs = [1, 2, 3, 4].map(Math.log);
      const y = await outputOf(new Softmax({ axis: [1, 2] }), tensor([...logs, ...logs.map((v) => v + 5)], [2, 2, 2]));
      expectClose(y, [0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.4]);
    }),
  );

  it(
    "leaves masked positions out and sets them to 0, a row masked whole too (Keras's numbers)",
    onBothBackends(async () => {
      // keras.layers.Softmax()(np.array([[1., 2, 3], [1, 1, 1]]), mask=np.array([[1, 0, 1], [0, 0, 0]]) > 0)
      //   -> [[0.11920292, 0, 0.880797], [0, 0, 0]]; with mask=np.array([0.7, 0.2, 0.9]): [[0.11920292, 0, 0.880797], [0.5, 0, 0.5]]
      const x = tensor([[1, 2, 3], [1, 1, 1]]);
      const masked = async (mask: Tensor) => Array.from(await (new Softmax().apply(x, { mask }) as Tensor).data());
      expectClose(await masked(tensor([[1, 0, 1], [0, 0, 0]], [2, 3], 'int32')), [0.11920292, 0, 0.880797, 0, 0, 0]);
      // A float mask keeps the positions above 0.5; a [3] mask broadcasts over the batch.
      expectClose(await masked(tensor([0.7, 0.2, 0.9])), [0.11920292, 0, 0.880797, 0.5, 0, 0.5]);
      expect(() => new Softmax().apply(x, { mask: tensor([1, 0]) })).toThrow(/the mask must be broadcastable to the inputs.*inputs.shape=\[2, 3\], mask.shape=\[2\]/);
    }),
  );

  it('has finite-difference gradients over one axis and over several', async () => {
    expect(await layerGradCheck(() => new Softmax({ axis: 1 }), [2, 3, 2], seededValues(12, 3, -2, 2))).toBe('ok');
    expect(await layerGradCheck(() => new Softmax({ axis: [1, 2] }), [2, 3, 2], seededValues(12, 4, -2, 2))).toBe('ok');
  });

  it('checks its axes against the input rank, symbolic or concrete', () => {
    expect(new Softmax({ axis: [1, 2] }).apply(Input({ shape: [null, 4] })).shape).toEqual([null, null, 4]);
    expect(() => new Softmax({ axis: 3, name: 'softmax_rank' }).apply(Input({ shape: [4] }))).toThrow('Invalid axis for layer "softmax_rank": 3. Expected an integer in [-2, 2) for an input of shape (None, 4).');
    expect(() => new Softmax({ axis: 2 }).apply(tensor([[1, 2]]))).toThrow(/Invalid axis/);
    expect(() => new Softmax({ axis: [] })).toThrow('Invalid value for argument axis. Expected an integer or a non-empty list of integers. Received: axis=[]');
  });
});

const cases: OpCase[] = [
  { name: 'ReLU threshold, slope and ceiling [3,5]', run: () => new ReLU({ threshold: 0.2, negativeSlope: 0.1, maxValue: 0.6 }).apply(rand([3, 5])) },
  { name: 'ReLU max 6 [4,4]', run: () => new ReLU({ maxValue: 6 }).apply(rand([4, 4], { low: -8, high: 8 })) },
  { name: 'LeakyReLU [2,3,4]', run: () => new LeakyReLU().apply(rand([2, 3, 4])) },
  { name: 'ELU alpha 2 [3,4]', run: () => new ELU({ alpha: 2 }).apply(rand([3, 4], { low: -3, high: 3 })) },
  { name: 'Softmax axis 1 [2,3,4]', run: () => new Softmax({ axis: 1 }).apply(rand([2, 3, 4], { low: -4, high: 4 })) },
  { name: 'PReLU random slopes [3,5]', run: () => new PReLU({ alphaInitializer: { className: 'RandomUniform', config: { seed: 3 } } as never }).apply(rand([3, 5], { low: -3, high: 3 })) },
  { name: 'Softmax axes [1,2] [2,3,4]', run: () => new Softmax({ axis: [1, 2] }).apply(rand([2, 3, 4], { low: -4, high: 4 })) },
];

describe('PReLU', () => {
  it(
    'is x above 0 and alpha * x below, with a slope per element or shared along axes',
    onBothBackends(async () => {
      const x = tensor([[[-2, 3], [-4, -1]]]);
      const perElement = new PReLU({ alphaInitializer: { className: 'Constant', config: { value: 0.5 } } as never });
      // Zeros by default: a ReLU until trained.
      expect(await outputOf(new PReLU(), x)).toEqual([0, 3, 0, 0]);
      expect(await outputOf(perElement, x)).toEqual([-1, 3, -2, -0.5]);
      const perChannel = new PReLU({ sharedAxes: [1] });
      perChannel.apply(x);
      expect(perChannel.alpha.shape).toEqual([1, 2]);
      perChannel.setWeights([tensor([[0.1, 0.2]])]);
      // Channel 0 has slope 0.1, channel 1 slope 0.2.
      expectClose(await outputOf(perChannel, x), [-0.2, 3, -0.4, -0.2]);
    }),
  );

  it('trains its slopes: finite-difference gradients with respect to the input and alpha', async () => {
    const values = [-2.3, -1.4, -0.6, 0.4, 1.6, 2.5, 3.3, 4.6];
    expect(await layerGradCheck(() => new PReLU({ alphaInitializer: 'randomUniform' }), [2, 4], values)).toBe('ok');
    const layer = new PReLU({ sharedAxes: 1 });
    expect(layer.apply(Input({ shape: [3, 2] })).shape).toEqual([null, 3, 2]);
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[1, 2]]);
  });

  it('round-trips its config and rejects the batch axis in sharedAxes', () => {
    const layer = new PReLU({ sharedAxes: [1, 2], alphaRegularizer: 'l2' });
    const copy = deserializeLayer({ className: 'PReLU', config: JSON.parse(JSON.stringify(layer.getConfig())) }) as PReLU;
    expect(copy.getConfig()).toEqual(layer.getConfig());
    expect(copy.sharedAxes).toEqual([1, 2]);
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow('Invalid value for argument sharedAxes. Expected axes >= 1 (axis 0 is the batch). Received: sharedAxes=[0]');
  });
});

describe('activation layers on the GPU match the CPU', () => {
  checkCases(cases);
});
