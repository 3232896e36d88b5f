// resize's filter interpolations ('bicubic', 'lanczos3', 'lanczos5', antialiased 'bilinear') and
// 'area': values of Keras 3.16's keras.ops.image.resize on its NumPy backend (jax.image.resize's
// rules) for downsampling, upsampling and both at once, with and without antialias, both data
// formats, single images and batches, cropping and padding to the aspect ratio; 'area' against
// tf.image.resize's area rule worked by hand (Keras has it on TensorFlow only); gradients by
// finite differences; the Resizing layer; errors; and no leaked tensors.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, tensor, tidy, type Tensor } from '../../src/node';
import { Resizing, deserializeLayer } from '../../src/layers/index';
import { resize, type ResizeOptions } from '../../src/ops/image';
import { gradCheck } from '../autograd/gradcheck';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** The inputs of the Keras script: ((i * 37) % 23) / 8 - 1.25 in row-major order, exact in float32. */
function ramp(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, i) => ((i * 37) % 23) / 8 - 1.25), shape);
}

async function expectClose(t: Tensor, expected: number[], tolerance = 1e-5): Promise<void> {
  const got = Array.from(await t.data());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i]))));
}

// Generated with Keras 3.16, NumPy backend:
//   values = lambda shape: (((np.arange(prod(shape)) * 37) % 23) / 8 - 1.25).astype('float32').reshape(shape)
//   keras.ops.image.resize(values(shape), size, interpolation=..., antialias=..., ...)
/** [1, 7, 3, 2] to [3, 5]: the height shrinks (7 to 3), the width grows (3 to 5). */
const MIXED: Record<string, Record<'plain' | 'antialiased', number[]>> = {
  bilinear: {
    plain: [-7.450581e-9, -0.1666667, 0.25, 0.08333333, 0.625, 0.4583333, -0.15, 0.2583334, -0.6666667, 0.125, 1.5, 0.375, 0.6, 0.625, -0.75, 1, -0.375, -0.35, -0.125, -1.25, 0.125, 0.9166667, -0.008333336, 0.4, -0.2083333, -0.375, 0.1666667, 0, 0.4166667, 0.25],
    antialiased: [-0.2589286, 0.2589286, -0.008928591, 0.2625, 0.3660714, 0.2678572, 0.001785705, 0.02678571, -0.2410714, -0.1339286, 0.6544117, 0.375, 0.4308824, 0.2867647, 0.09558824, 0.1544118, -0.0367647, -0.1808824, -0.125, -0.4044118, 0.3839286, 0.4910715, 0.2232143, 0.2482143, -0.01785714, -0.1160714, -0.0125, 0.2589286, -0.008928575, 0.5089286],
  },
  bicubic: {
    plain: [0.0465802, -0.3751685, 0.3815298, -0.007862484, 0.71875, 0.5178571, -0.2474347, 0.3608409, -0.928066, 0.1961759, 1.669811, 0.3278302, 0.6828358, 0.6949627, -0.75, 1, -0.4449627, -0.4328358, -0.07783018, -1.419811, 0.0538241, 1.178066, -0.1108409, 0.4974347, -0.2678571, -0.46875, 0.2578625, -0.1315299, 0.6251684, 0.2034198],
    antialiased: [-0.3455569, 0.2790722, -0.05472888, 0.3098519, 0.3266129, 0.3029234, 0.0001918434, -0.005329959, -0.2604515, -0.209335, 0.7016091, 0.3975079, 0.5055616, 0.2923956, 0.1732296, 0.07677043, -0.04239562, -0.2555617, -0.1475079, -0.4516092, 0.459335, 0.5104515, 0.2553299, 0.2498081, -0.05292338, -0.07661292, -0.05985195, 0.3047289, -0.0290722, 0.5955569],
  },
  lanczos3: {
    plain: [0.01354031, -0.5002205, 0.4585597, 0.00708772, 0.6644807, 0.6394918, -0.3135221, 0.4246684, -1.059145, 0.07994153, 1.763601, 0.233813, 0.6964914, 0.8112371, -0.75, 1, -0.5612371, -0.4464913, 0.01618703, -1.513601, 0.1700584, 1.309145, -0.1746684, 0.5635221, -0.3894918, -0.4144807, 0.2429122, -0.2085597, 0.7502204, 0.2364597],
    antialiased: [-0.3868887, 0.3061801, -0.07048389, 0.3739177, 0.2753216, 0.3211478, 0.03128915, -0.01810042, -0.2454912, -0.2384668, 0.6926049, 0.4029776, 0.5674588, 0.2911624, 0.2565203, -0.006520344, -0.04116249, -0.3174588, -0.1529777, -0.4426048, 0.4884668, 0.4954911, 0.2681004, 0.2187109, -0.07114784, -0.02532159, -0.1239177, 0.3204839, -0.05618006, 0.6368887],
  },
  lanczos5: {
    plain: [0.02121184, -0.5125966, 0.5023265, 0.0632922, 0.5774376, 0.7176034, -0.3588977, 0.4335746, -1.030852, -0.06026277, 1.758592, 0.1558701, 0.7146073, 0.8979292, -0.75, 1, -0.6479291, -0.4646072, 0.09412991, -1.508592, 0.3102628, 1.280852, -0.1835746, 0.6088978, -0.4676034, -0.3274376, 0.1867078, -0.2523265, 0.7625966, 0.2287882],
    antialiased: [-0.3705987, 0.3033556, -0.0724563, 0.4165993, 0.2338649, 0.34448, 0.0387551, -0.009043485, -0.2347438, -0.216606, 0.6690171, 0.3887729, 0.6114438, 0.2998168, 0.2945776, -0.04457764, -0.04981677, -0.3614438, -0.1387729, -0.4190172, 0.466606, 0.4847438, 0.2590435, 0.2112449, -0.09447999, 0.01613504, -0.1665994, 0.3224563, -0.05335559, 0.6205987],
  },
};

/** [1, 9, 8, 1] to [2, 3]: both axes shrink, lanczos5's support spanning the whole height. */
const DOWN: Record<string, Record<'plain' | 'antialiased', number[]>> = {
  bilinear: { plain: [0.03125001, -0.09375, -0.21875, 0.7395833, 0.015625, 0.9687499], antialiased: [0.1884266, 0.16805, -0.01556711, 0.2152984, 0.09632795, 0.05073203] },
  bicubic: { plain: [-0.06742751, -0.2411499, -0.2725704, 0.8585593, -0.01525879, 1.296971], antialiased: [0.1836361, 0.1750281, -0.01318924, 0.2245622, 0.1016135, 0.02765216] },
  lanczos3: { plain: [-0.06036878, -0.3930624, -0.422976, 0.7259985, 0.1063942, 1.425242], antialiased: [0.1784746, 0.1843643, -0.01554093, 0.2377017, 0.09863351, 0.02367493] },
  lanczos5: { plain: [-0.08912846, -0.5246486, -0.4921705, 0.6203885, 0.3430509, 1.50604], antialiased: [0.1686619, 0.1905226, -0.01434439, 0.2501354, 0.09604128, 0.02041831] },
};

const FILTERS = ['bilinear', 'bicubic', 'lanczos3', 'lanczos5'] as const;

describe('resize with Keras filter interpolations', () => {
  for (const interpolation of FILTERS) {
    for (const antialias of [false, true]) {
      const which = antialias ? 'antialiased' : 'plain';
      it(`${interpolation}, antialias ${antialias}: matches Keras shrinking and growing`, onBothBackends(async () => {
        await expectClose(resize(ramp([1, 7, 3, 2]), [3, 5], { interpolation, antialias }), MIXED[interpolation][which]);
        await expectClose(resize(ramp([1, 9, 8, 1]), [2, 3], { interpolation, antialias }), DOWN[interpolation][which]);
      }));
    }
  }

  it('matches Keras for channels-first batches and single images of either layout', onBothBackends(async () => {
    // resize(values((1, 2, 5, 6)), (3, 4), interpolation='bicubic', antialias=True, data_format='channels_first')
    const channelsFirst = resize(ramp([1, 2, 5, 6]), [3, 4], { interpolation: 'bicubic', antialias: true, dataFormat: 'channels_first' });
    expect(channelsFirst.shape).toEqual([1, 2, 3, 4]);
    await expectClose(channelsFirst, [-0.3179612, 0.2520026, 0.286132, -0.3897965, 0.5148453, 0.394877, -0.06836957, -0.04735831, 0.5306042, 0.1392979, 0.06092001, -0.4297828, 0.5547829, 0.06408001, -0.06340562, 0.434995, 0.1723583, 0.1933696, -0.2970102, 0.0746077, 0.5147965, -0.1611321, -0.1236158, 0.3849888]);
    // resize(values((5, 4, 2)), (3, 6), interpolation='lanczos3')
    const single = resize(ramp([5, 4, 2]), [3, 6], { interpolation: 'lanczos3' });
    expect(single.shape).toEqual([3, 6, 2]);
    await expectClose(single, [-0.4944562, 0.3220728, -0.7835998, 0.8478519, -0.871057, 0.9294203, -0.2693116, -0.1961932, 0.3569866, -0.6534144, 0.5804234, -0.5145646, 0.7532941, -0.2897467, 1.395477, -0.08099022, 1.249991, 0.6217307, -0.4999906, 1.190055, -0.6454768, -0.1888753, -0.003294021, -1.475047, 0.1454285, -0.9613775, 0.4493217, -0.6847609, 0.9087665, -0.1849435, 0.8770487, 0.1849498, -0.1588956, 0.8359968, -0.9289094, 1.221218]);
    // resize(values((2, 5, 4)), (2, 3), interpolation='lanczos5', antialias=True, data_format='channels_first')
    const singleChannelsFirst = resize(ramp([2, 5, 4]), [2, 3], { interpolation: 'lanczos5', antialias: true, dataFormat: 'channels_first' });
    expect(singleChannelsFirst.shape).toEqual([2, 2, 3]);
    await expectClose(singleChannelsFirst, [-0.154476, -0.2970397, 0.1494067, 0.5187389, 0.4681365, 0.01544014, -0.3340269, 0.3841954, -0.05850377, 0.1835038, -0.2591953, 0.4590269]);
  }));

  it('matches Keras after cropping or padding to the aspect ratio', onBothBackends(async () => {
    // resize(values((1, 6, 9, 1)), (4, 4), interpolation='bicubic', crop_to_aspect_ratio=True)
    await expectClose(resize(ramp([1, 6, 9, 1]), [4, 4], { interpolation: 'bicubic', cropToAspectRatio: true }), [0.06221695, 0.6025747, 0.002216849, 0.06896346, 0.00928091, 0.5584717, -0.1912842, 0.019517, -0.6543539, -0.2147217, 1.036125, -0.5495195, -0.70729, -0.2588247, 0.8329294, -0.6080239]);
    // resize(values((1, 4, 6, 1)), (5, 3), interpolation='lanczos3', antialias=True, pad_to_aspect_ratio=True, fill_value=0.5)
    await expectClose(resize(ramp([1, 4, 6, 1]), [5, 3], { interpolation: 'lanczos3', antialias: true, padToAspectRatio: true, fillValue: 0.5 }), [0.5827002, 0.5029844, 0.5745394, 0.003187427, 0.4874634, 0.089633, 0.3004395, 0.1589942, -0.2253217, 0.6395022, 0.2917868, 0.1035198, 0.4774683, 0.538731, 0.5670594]);
    // resize(values((1, 1, 6, 4)), (3, 5), interpolation='bicubic', pad_to_aspect_ratio=True, fill_value=-1.0, data_format='channels_first')
    await expectClose(resize(ramp([1, 1, 6, 4]), [3, 5], { interpolation: 'bicubic', padToAspectRatio: true, fillValue: -1, dataFormat: 'channels_first' }), [-1, -0.8924632, -0.129136, -0.3423713, -1, -1, -0.3120117, 0.1875, -0.5004883, -1, -1, -0.4701287, 0.5992647, -0.7761949, -1]);
  }));

  it('leaves an axis of unchanged size exactly as it is', onBothBackends(async () => {
    // resize(values((1, 4, 5, 1)), (4, 3), interpolation='bicubic'): only the width is resampled.
    await expectClose(resize(ramp([1, 4, 5, 1]), [4, 3], { interpolation: 'bicubic' }), [-0.7284482, -0.625, 0.3706896, -0.6034483, -0.5, 0.4956896, -0.4784482, -0.375, 0.6206896, -0.3534483, -0.25, 0.7456896]);
    const x = ramp([2, 3, 4, 1]);
    const same = resize(x, [3, 4], { interpolation: 'lanczos5', antialias: true });
    expect(same).not.toBe(x);
    expect(Array.from(await same.data())).toEqual(Array.from(await x.data()));
  }));

  it('antialias changes nothing when upsampling, nor for nearest', onBothBackends(async () => {
    const x = ramp([1, 3, 4, 2]);
    for (const interpolation of ['bilinear', 'bicubic', 'lanczos3', 'nearest'] as const) {
      expect(Array.from(await resize(x, [5, 7], { interpolation, antialias: true }).data())).toEqual(Array.from(await resize(x, [5, 7], { interpolation }).data()));
    }
    // resize(values((1, 7, 3, 1)), (3, 5), interpolation='nearest', antialias=True)
    await expectClose(resize(ramp([1, 7, 3, 1]), [3, 5], { interpolation: 'nearest', antialias: true }), [1.125, 1.125, 0, -1.125, -1.125, 0.125, 0.125, -1, 0.75, 0.75, -0.875, -0.875, 0.875, -0.25, -0.25], 0);
  }));
});

describe("resize with 'area'", () => {
  it('averages each output pixel over its footprint, as tf.image.resize', onBothBackends(async () => {
    // 4x4 to 2x2: the mean of each 2x2 block.
    await expectClose(resize(tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]), [2, 2], { interpolation: 'area' }), [2.5, 4.5, 10.5, 12.5]);
    // Height 3 to 2: outputs cover [0, 1.5) and [1.5, 3), so the middle row weighs 1/3 in each;
    // width 2 to 3: outputs cover [0, 2/3), [2/3, 4/3) and [4/3, 2), the middle one half of each pixel.
    const expected = [[4 / 3, 40 / 3], [10 / 3, 100 / 3]].flatMap(([a, b]) => [a, (a + b) / 2, b]);
    const image = tensor([1, 10, 2, 20, 4, 40], [1, 3, 2, 1]);
    await expectClose(resize(image, [2, 3], { interpolation: 'area' }), expected);
    await expectClose(resize(image, [2, 3], { interpolation: 'area', antialias: true }), expected);
    // The same on a channels-first single image.
    await expectClose(resize(tensor([1, 2, 4, 10, 20, 40], [2, 3, 1]), [2, 3], { interpolation: 'area', dataFormat: 'channels_first' }), [4 / 3, 4 / 3, 4 / 3, 10 / 3, 10 / 3, 10 / 3, 40 / 3, 40 / 3, 40 / 3, 100 / 3, 100 / 3, 100 / 3]);
  }));
});

describe('gradients', () => {
  it('match finite differences for every interpolation resampled by matrices', async () => {
    const cases: Array<[number[], number[], ResizeOptions]> = [
      [[1, 5, 4, 2], [3, 6], { interpolation: 'bicubic' }],
      [[1, 5, 4, 2], [3, 6], { interpolation: 'lanczos3', antialias: true }],
      [[2, 6, 3, 1], [2, 4], { interpolation: 'lanczos5' }],
      [[1, 5, 4, 2], [3, 6], { interpolation: 'bilinear', antialias: true }],
      [[1, 5, 4, 1], [3, 6], { interpolation: 'area' }],
      [[1, 2, 4, 6], [3, 3], { interpolation: 'bicubic', antialias: true, dataFormat: 'channels_first', cropToAspectRatio: true }],
    ];
    for (const [shape, size, options] of cases) {
      expect((await gradCheck((x) => resize(x, size, options), [shape])).message, JSON.stringify(options)).toBe('ok');
    }
  });
});

describe('Resizing', () => {
  it('is ops.resize with the new interpolations and antialias', onBothBackends(async () => {
    const x = ramp([2, 6, 5, 1]);
    for (const interpolation of ['bicubic', 'lanczos3', 'lanczos5', 'area'] as const) {
      const layer = new Resizing({ height: 3, width: 4, interpolation, antialias: true });
      const expected = Array.from(await resize(x, [3, 4], { interpolation, antialias: true }).data());
      expect(Array.from(await (layer.apply(x) as Tensor).data())).toEqual(expected);
    }
  }));

  it('keeps antialias in its config', () => {
    const layer = new Resizing({ height: 3, width: 4, interpolation: 'lanczos5', antialias: true });
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
    expect(config).toMatchObject({ interpolation: 'lanczos5', antialias: true });
    expect(deserializeLayer({ className: 'Resizing', config }).getConfig()).toEqual(config);
    expect(new Resizing({ height: 2, width: 2 }).getConfig().antialias).toBe(false);
  });

  it('rejects an unknown interpolation or a non-boolean antialias, naming the valid values', () => {
    expect(() => new Resizing({ height: 2, width: 2, interpolation: 'cubic' as 'bicubic' })).toThrow("Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'. Received: interpolation=\"cubic\"");
    expect(() => new Resizing({ height: 2, width: 2, antialias: 1 as unknown as boolean })).toThrow('Invalid value for argument `antialias`. Expected a boolean. Received: antialias=1');
  });
});

describe('resize errors', () => {
  it('names the valid interpolations, and wants a boolean antialias', () => {
    const x = ramp([1, 4, 4, 1]);
    expect(() => resize(x, [2, 2], { interpolation: 'cubic' as 'bicubic' })).toThrow("resize: Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'. Received: interpolation=\"cubic\"");
    expect(() => resize(x, [2, 2], { antialias: 'yes' as unknown as boolean })).toThrow('resize: Invalid value for argument `antialias`. Expected a boolean. Received: antialias="yes"');
  });
});

describe('memory', () => {
  it('frees the weight matrices and intermediates, with and without a tape', onBothBackends(async () => {
    const x = ramp([1, 6, 5, 2]);
    const before = memory().liveTensors;
    const y = resize(x, [4, 7], { interpolation: 'lanczos3', antialias: true, dataFormat: 'channels_first' });
    expect(memory().liveTensors).toBe(before + 1);
    y.dispose();
    const grad = tidy(() => {
      const tape = new GradientTape();
      tape.watch(x);
      const loss = tape.record(() => resize(x, [3, 3], { interpolation: 'area', cropToAspectRatio: true }).sum());
      return tape.gradient(loss, [x])[0]!;
    });
    expect(memory().liveTensors).toBe(before + 1);
    grad.dispose();
    expect(memory().liveTensors).toBe(before);
    x.dispose();
  }));
});
