// RandomGaussianBlur, RandomPerspective and RandomElasticTransform: their transforms with given
// parameters against Keras 3.16's transform_images, the identity in inference and for empty
// ranges, the random draws replayed from the seed, structural properties of random calls, both
// backends, configs, and argument errors.

import { describe, expect, it } from 'vitest';
import { getBackend, memory, randomNormal, randomUniform, tensor, type Tensor } from '../../src/node';
import { Input } from '../../src/layers/index';
import { RandomElasticTransform, RandomGaussianBlur, RandomPerspective } from '../../src/layers/index';
import { SeedSequence } from '../../src/layers/layer_utils';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose } from './layer_helpers';

useWebGPU();

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const valuesOf = async (t: Tensor) => Array.from(await t.data());

/** The images of the Keras script: ((7b + 13y + 5x + 11c) * 37) mod 256. */
function pixels(shape: number[]): number[] {
  const [, height, width, channels] = shape;
  return Array.from({ length: size(shape) }, (_, i) => {
    const [b, y, x, c] = [Math.floor(i / (height * width * channels)), Math.floor(i / (width * channels)) % height, Math.floor(i / channels) % width, i % channels];
    return ((b * 7 + y * 13 + x * 5 + c * 11) * 37) % 256;
  });
}

/** The script's stand-in for the normal draws of Keras's elastic_transform: 12 sin(1.3x + 0.7y + 2.1b + k). */
function noise(shape: number[], k: number): Tensor {
  const [, height, width] = shape;
  const values = Array.from({ length: size(shape) }, (_, i) => 12 * Math.sin(1.3 * (i % width) + 0.7 * (Math.floor(i / width) % height) + 2.1 * Math.floor(i / (height * width)) + k));
  return tensor(values, shape);
}

const flags = (values: boolean[]) => tensor(values.map(Number), [values.length], 'int32');
const clipped = (values: number[], [low, high]: [number, number]) => values.map((v) => Math.min(Math.max(v, low), high));

// Computed with Keras 3.16 (NumPy backend) by calling each layer's transform_images with the
// parameters given in the tests below; only the first image is listed where the second is left
// unchanged (then only clipped).
const BLUR_3 = [64.3161, 65.9255, 98.8587, 62.8424, 70.6424, 79.1079, 58.4594, 105.1676, 112.9676, 76.9512, 90.0993, 31.9127, 118.5199, 79.9944, 137.9666, 86.5867, 99.0334, 135.898, 110.102, 146.9666, 159.4133, 108.0334, 114.48, 75.9545, 138.4948, 71.5208, 123, 116.102, 89.5867, 165.4133, 138.898, 132, 149.9666, 98.5867, 89.9731, 111.2436, 113.9879, 68.5672, 108.0334, 144.898, 119.102, 155.9666, 168.4133, 117.0334, 135, 128.102, 65.4662, 147.2519, 70.0525, 49.4526, 73.5828, 120.291, 99.6425, 108.108, 115.908, 79.8916, 82.1717, 105.9514, 36.0397, 103.6843];
const BLUR_5X3 = [56.634, 62.8335, 88.3794, 74.315, 92.8893, 85.3565, 97.9596, 99.7055, 112.928, 86.7757, 93.834, 48.9977, 110.9284, 69.8693, 125.655, 105.7694, 108.5143, 137.5619, 108.4381, 137.4857, 122.8221, 102.9364, 98.5849, 57.5258, 105.4405, 62.0678, 119.3489, 103.1155, 122.2858, 132.7142, 140.5619, 132, 135.7731, 118.9017, 89.4448, 99.4216, 87.2267, 82.5971, 103.9691, 137.433, 117.4381, 146.4857, 135.7142, 126.5143, 120.3933, 116.2477, 71.231, 104.346, 68.1251, 63.3704, 100.5275, 108.4676, 127.2169, 119.6842, 125.5272, 120.3706, 90.7169, 127.6884, 45.2155, 105.8982];
const PERSPECTIVE_BILINEAR = [0, 151, 118.0783, 105.6835, 159.9904, 54.9904, 102.9037, 37.913, 55.684, 189.1321, 220.0121, 115.0121, 138.945, 131.8565, 159.209, 82.1168, 131.0223, 107.3518, 67.272, 174.5725, 80.9517, 145.1838, 165.5438, 60.5438, 214.913, 109.913, 159.8802, 54.8802, 97.2309, 140.0461, 111.4321, 176.2665, 176.1848, 92.7424, 99.6302, 220.6787, 189.5067, 84.5067, 128.0439, 83.5557, 57.3021, 170.3116, 177.6853, 126.0088, 134.0828, 42.703, 29.4224, 95.7267, 159.7479, 54.7479, 90.3353, 209.0073, 151.1634, 160.3969, 169.8023, 88.0574, 45.7004, 145.16, 7, 7, 3, 154, 147.0978, 42.0978, 53.1, 178.5, 229.0278, 124.0278, 159.9999, 55, 30.4436, 14.3548, 206.5802, 101.5802, 109.3268, 113.8774, 99.8503, 177.278, 160.4006, 105.5336, 147.9327, 84.1823, 73.4124, 40.416, 163.8677, 58.8677, 78.0466, 201.9748, 115.1451, 154.7557, 194.8176, 89.8176, 137.5706, 107.6824, 85.8269, 226.7539, 107.7264, 25.0993, 99.9897, 202.7166, 181.2244, 135.576, 181.2974, 76.2974, 128.5763, 26.1509, 81.3818, 168.3437, 7, 7, 17.9019, 34.9215, 105.9446, 61.734, 123.0073, 52.4849, 111.7803, 17.6765, 76.6676, 92.0622];
const PERSPECTIVE_NEAREST = [0, 151, 185, 80, 185, 80, 114, 9, 43, 194, 228, 123, 225, 120, 154, 49, 154, 49, 83, 234, 12, 163, 126, 21, 225, 120, 154, 49, 52, 203, 237, 132, 166, 61, 95, 246, 194, 89, 123, 18, 52, 203, 206, 101, 135, 30, 7, 7, 163, 58, 92, 243, 246, 141, 175, 70, 33, 184, 7, 7, 3, 154, 117, 12, 46, 197, 231, 126, 160, 55, 7, 7, 197, 92, 126, 21, 15, 166, 200, 95, 129, 24, 129, 24, 166, 61, 95, 246, 24, 175, 240, 135, 169, 64, 98, 249, 135, 30, 64, 215, 249, 144, 209, 104, 138, 33, 67, 218, 7, 7, 7, 7, 7, 7, 178, 73, 107, 2, 107, 2];
const HOMOGRAPHY = [0.6044, 0, 0, 0, 0.5781, 0, -0.053, -0.0638, 1.7262, 0, 0, 0, 1.8831, 0, 0.0952, 0.1136];
const ELASTIC_REFLECT = [166.9436, 61.9436, 156.4761, 109.0639, 137.655, 117.5345, 145.642, 45.5657, 116.5038, 128.1503, 159.3926, 175.6824, 77.4667, 217.0708, 219.6146, 114.6146, 93.0124, 172.0878, 157.4738, 150.0668, 119.3183, 135.7088, 115.7055, 126.4534, 185.1226, 88.2136, 180.8101, 75.8101, 36.2746, 187.2746, 66.7628, 203.5651, 185.6875, 122.135, 97.6094, 51.708, 0, 151, 107.0676, 156.4534, 15.7043, 166.7043, 206.7881, 101.7881, 40.4235, 191.4235, 180.7854, 75.7854, 116.2761, 176.9992, 75.691, 126.9664, 170.4182, 65.4182, 201.1349, 96.1349, 164.8813, 59.8813, 233.8063, 128.8063, 168.6346, 63.6346, 110.3273, 131.9502, 145.2969, 40.2969, 163.0382, 74.6503, 101, 252, 83.2047, 234.2047, 164.4055, 59.4055, 95.1295, 110.6139, 190.8337, 85.8337, 46.7572, 141.4975, 185.8846, 81.5103, 39.3042, 190.3042, 77.5114, 202.6645, 124.5629, 124.9633, 229.0741, 150.9209, 191.4018, 86.4018, 126.0779, 85.6985, 174.2184, 69.2184];
const ELASTIC_CONSTANT = [166.9436, 61.9436, 156.4761, 109.0639, 5, 5, 5, 5, 116.5038, 128.1503, 159.3926, 175.6824, 5, 5, 5, 5, 93.0124, 172.0878, 155.91, 148.579, 5, 5, 115.7055, 126.4534, 185.1226, 88.2136, 130.57, 55.5751, 5, 5, 5, 5, 185.6875, 122.135, 50.3658, 27.8805, 1.029, 120.952, 107.0676, 156.4534, 15.7043, 166.7043, 29.8298, 16.9097, 13.6749, 50.6535, 180.7854, 75.7854, 116.2761, 176.9992, 75.691, 126.9664, 24.8867, 12.2635, 63.5581, 32.2092, 164.8813, 59.8813, 207.479, 114.5607, 168.6346, 63.6346, 110.3273, 131.9502, 145.2969, 40.2969, 5, 5, 29.8385, 68.9074, 5, 5, 164.4055, 59.4055, 95.1295, 110.6139, 190.8337, 85.8337, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 229.0741, 150.9209, 191.4018, 86.4018, 45.3494, 31.8929, 5, 5];
const ELASTIC_WRAP_NEAREST = [163, 58, 197, 92, 175, 70, 61, 212, 154, 49, 249, 144, 185, 80, 163, 58, 21, 172, 228, 123, 246, 141, 0, 151, 175, 70, 178, 73, 101, 252, 218, 113, 206, 101, 215, 110, 0, 151, 92, 243, 2, 153, 194, 89, 116, 11, 228, 123, 52, 203, 0, 151, 178, 73, 114, 9, 187, 82, 240, 135, 157, 52, 135, 30, 154, 49, 209, 104, 0, 151, 197, 92, 147, 42, 126, 21, 206, 101, 157, 52, 209, 104, 187, 82, 123, 18, 86, 237, 249, 144, 237, 132, 43, 194, 209, 104];
const ELASTIC_MIRROR = [166.9436, 61.9436, 156.4761, 109.0639, 191.5345, 86.5345, 114.642, 71.199, 116.5038, 128.1503, 159.3926, 175.6824, 137.0708, 63.8648, 173.3076, 148.8638, 93.0124, 172.0878, 157.1559, 149.7489, 88.3183, 123.0155, 115.7055, 126.4534, 185.1226, 88.2136, 194.4679, 96.0993, 89.7044, 163.9959, 35.7628, 183.179, 185.6875, 122.135, 81.7951, 136.3406, 38.9454, 137.2584, 107.0676, 156.4534, 30, 166.7043, 60.5708, 164.0516, 141.1039, 168.0151, 180.7854, 75.7854, 116.2761, 176.9992, 75.691, 126.9664, 107.9539, 174.282, 220, 117.8795, 164.8813, 59.8813, 212.5195, 136.9758, 168.6346, 63.6346, 110.3273, 131.9502, 145.2969, 40.2969, 92.0382, 108.3052, 105.6282, 124.6081, 114.2047, 113.7595, 164.4055, 59.4055, 95.1295, 110.6139, 190.8337, 85.8337, 77.7572, 172.4975, 114.8846, 72.8886, 192.2577, 120.8054, 82.6645, 127.8848, 155.5629, 155.9633, 220, 150.9209, 191.4018, 86.4018, 146.7471, 106.3677, 190.3281, 107.0936];
const ELASTIC_NEAREST_FILL = [166.9436, 61.9436, 156.4761, 109.0639, 132.6591, 159.5903, 183.6344, 78.6344, 116.5038, 128.1503, 159.3926, 175.6824, 95.6465, 154.8887, 15, 166, 93.0124, 172.0878, 157.4738, 150.0668, 146.2558, 41.2558, 115.7055, 126.4534, 185.1226, 88.2136, 180.8101, 75.8101, 15, 166, 89.9377, 226.7399, 185.6875, 122.135, 97.6094, 51.708, 0, 151, 107.0676, 156.4534, 15.7043, 166.7043, 206.7881, 101.7881, 40.4235, 191.4235, 180.7854, 75.7854, 116.2761, 176.9992, 75.691, 126.9664, 170.4182, 65.4182, 201.1349, 96.1349, 164.8813, 59.8813, 233.8063, 128.8063, 168.6346, 63.6346, 110.3273, 131.9502, 145.2969, 40.2969, 188.3595, 83.3595, 101, 252, 61.2163, 212.2163, 164.4055, 59.4055, 95.1295, 110.6139, 190.8337, 85.8337, 42.6565, 137.3967, 186.6128, 81.6128, 101, 252, 117.9438, 147.2486, 110.8317, 111.2321, 229.0741, 150.9209, 191.4018, 86.4018, 126.0779, 85.6985, 116, 11];
const ELASTIC_NARROW_KERNEL = [142.0659, 170.9558, 178.8919, 162.6711, 141.4215, 196.8417, 86.602, 128.5585, 113.9438, 108.8508, 109.6364, 127.9923, 74.9972, 53.9981, 189.6521, 215.8414, 107.3604, 82.0561, 192.4148, 113.7965, 144.28, 64.6031, 155.6342, 76.0897, 17.413, 86.0453, 42.1054, 163.9182, 182.8901, 77.9426, 0, 133.6635, 95.611, 100.9653, 87.314, 211.4298, 130.1455, 100.3058, 59.6347, 226.2484, 129.0868, 85.6429, 101.2019, 20.1243, 137.384, 173.7765, 117.1781, 185.5145, 199.2943, 150.0578, 105.8259, 89.981, 163.7127, 139.9213, 53.1431, 156.6565, 153.5764, 139.6291, 69.462, 120.7863, 123.1419, 108.2367, 183.2367, 180.1306, 93.9539, 60.6297, 64.8484, 133.374, 65.0226, 122.3644, 183.4391, 123.8031, 155.4601, 123.2956, 162.8722, 219.136, 142.2029, 139.2927, 127.3698, 200.0664, 160.444, 129.1258, 105.2567, 109.1318, 237.3352, 124.4078, 159.6363, 147.685, 143.4867, 160.5067, 201.9641, 89.9805, 89.741, 97.5814, 134.9596, 43.1013, 161.5656, 98.3556, 110.3241, 137.7387, 132.178, 30.3883, 208.663, 132.2376, 103.0599, 126.2266, 78.9374, 178.3944, 204.1867, 93.074, 123.7999, 158.3814, 103.5613, 213.3728, 174.4394, 177.7227, 143.5569, 183.4526, 88.5151, 120.6536, 128.7699, 133.9179, 69.652, 50.5903, 180.2467, 66.8927, 176.3521, 143.8261, 56.4386, 162.821, 120.3516, 28.3588, 59.9031, 32.025, 193.6831, 71.4613, 128.6123, 120.3784, 155.9385, 97.5785, 112.8432, 203.2277, 210.6925, 219.9043, 173.1492, 137.2742, 153.1483, 158.1921, 130.3491, 124.3956, 16, 125.2206, 96.4654, 151.7268, 187.1643, 89.5193, 139.8512, 182.322, 138.4011, 84.5308, 49.4065, 196.124, 67.9905, 177.0328, 36.6722, 156.2714, 101.694, 200.181];

const SHAPE = [2, 5, 6, 2];
const HALF = size(SHAPE) / 2;

describe('RandomGaussianBlur', () => {
  it(
    'blurs the chosen images with the given deviations as Keras, and clips every image',
    onBothBackends(async () => {
      const images = tensor(pixels(SHAPE), SHAPE);
      const cases: Array<[RandomGaussianBlur, number[], number[], [number, number]]> = [
        [new RandomGaussianBlur({ kernelSize: 3 }), [0.7, 1.3], BLUR_3, [0, 255]],
        [new RandomGaussianBlur({ kernelSize: [5, 3], valueRange: [20, 200] }), [1.1, 0.6], BLUR_5X3, [20, 200]],
      ];
      for (const [layer, sigma, expected, range] of cases) {
        const out = await valuesOf(layer.transformImages(images, { shouldApplyBlur: flags([true, false]), blurFactor: tensor(sigma) }));
        expectClose(out.slice(0, HALF), expected, { atol: 2e-3, rtol: 1e-5 });
        expect(out.slice(HALF)).toEqual(clipped(pixels(SHAPE).slice(HALF), range));
      }
    }),
  );

  it('draws its parameters as Keras, in order, from its seed', async () => {
    const images = tensor(pixels(SHAPE), SHAPE);
    const layer = new RandomGaussianBlur({ factor: [0.4, 0.6], sigma: [0.3, 0.9], kernelSize: 5, seed: 11 });
    const seeds = new SeedSequence(11);
    const probability = await valuesOf(randomUniform([2], { minval: 0.4, maxval: 0.6, seed: seeds.next() }));
    const threshold = await valuesOf(randomUniform([2], { minval: 0, maxval: 1, seed: seeds.next() }));
    const sigma = randomUniform([2], { minval: 0.3, maxval: 0.9, seed: seeds.next() }).add(1e-6);
    const replayed = layer.transformImages(images, { shouldApplyBlur: flags(threshold.map((t, i) => t < probability[i])), blurFactor: sigma });
    expect(await valuesOf(layer.apply(images, { training: true }) as Tensor)).toEqual(await valuesOf(replayed));
  });

  it('keeps a constant image constant away from the zero-padded border', async () => {
    const shape = [1, 7, 7, 1];
    const out = await valuesOf(new RandomGaussianBlur({ factor: [1, 1], kernelSize: 3, seed: 2 }).apply(tensor(new Array(49).fill(100), shape), { training: true }) as Tensor);
    for (let y = 1; y < 6; y++) for (let x = 1; x < 6; x++) expect(out[y * 7 + x]).toBeCloseTo(100, 3);
    expect(out[0], 'the corner averages in zeros').toBeLessThan(100);
  });
});

describe('RandomPerspective', () => {
  const [height, width] = [5, 6];
  const corners = [0, 0, width - 1, 0, 0, height - 1, width - 1, height - 1];
  const moves = [0.1, -0.2, 0.15, 0.05, -0.1, 0.2, -0.12, -0.08, 0.3, 0.1, -0.2, 0.25, 0.05, -0.3, 0.2, 0.1];
  const startPoints = () => tensor([...corners, ...corners], [2, 4, 2]);
  const endPoints = () => tensor(moves.map((m, i) => Math.fround(corners[i % 8] + corners[i % 8] * Math.fround(m))), [2, 4, 2]);

  it(
    'resamples by the homography taking the end points to the start points, as Keras',
    onBothBackends(async () => {
      const images = tensor(pixels(SHAPE), SHAPE);
      for (const [interpolation, expected] of [['bilinear', PERSPECTIVE_BILINEAR], ['nearest', PERSPECTIVE_NEAREST]] as const) {
        const layer = new RandomPerspective({ interpolation, fillValue: 7 });
        const out = await valuesOf(layer.transformImages(images, { applyPerspective: flags([true, true]), startPoints: startPoints(), endPoints: endPoints() }));
        expectClose(out, expected, { atol: 2e-3, rtol: 1e-4 });
      }
      const kept = new RandomPerspective().transformImages(images, { applyPerspective: flags([false, true]), startPoints: startPoints(), endPoints: endPoints() });
      expect((await valuesOf(kept)).slice(0, HALF)).toEqual(pixels(SHAPE).slice(0, HALF));
    }),
  );

  it('solves the homography as Keras (checked through the transform of a ramp)', async () => {
    // On the ramp image v = x, each output pixel inside the image holds its source x.
    const ramp = tensor(Array.from({ length: 2 * height * width }, (_, i) => i % width), [2, height, width, 1]);
    const out = await valuesOf(new RandomPerspective({ fillValue: -1 }).transformImages(ramp, { applyPerspective: flags([true, true]), startPoints: startPoints(), endPoints: endPoints() }));
    for (let b = 0; b < 2; b++) {
      const [a0, a1, a2, b0, b1, b2, c0, c1] = HOMOGRAPHY.slice(8 * b, 8 * b + 8);
      let inside = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const k = c0 * x + c1 * y + 1;
          const [sourceX, sourceY] = [(a0 * x + a1 * y + a2) / k, (b0 * x + b1 * y + b2) / k];
          if (sourceX < 0 || sourceX > width - 1 || sourceY < 0 || sourceY > height - 1) continue;
          expect(out[(b * height + y) * width + x]).toBeCloseTo(sourceX, 2);
          inside++;
        }
      }
      expect(inside).toBeGreaterThan(10);
    }
  });

  it('draws its parameters as Keras, in order, from its seed, and keeps the top-left corner', async () => {
    const images = tensor(pixels(SHAPE), SHAPE);
    const layer = new RandomPerspective({ factor: [0.5, 1], scale: 0.4, seed: 12 });
    const seeds = new SeedSequence(12);
    const probability = await valuesOf(randomUniform([2], { minval: 0.5, maxval: 1, seed: seeds.next() }));
    const threshold = await valuesOf(randomUniform([2], { minval: 0, maxval: 1, seed: seeds.next() }));
    const drawn = await valuesOf(randomUniform([2, 4, 2], { minval: -0.2, maxval: 0.2, seed: seeds.next() }));
    const apply = threshold.map((t, i) => t < probability[i]);
    const end = drawn.map((m, i) => (apply[Math.floor(i / 8)] ? corners[i % 8] * (1 + m) : corners[i % 8]));
    const replayed = await valuesOf(layer.transformImages(images, { applyPerspective: flags(apply), startPoints: startPoints(), endPoints: tensor(end, [2, 4, 2]) }));
    const out = await valuesOf(layer.apply(images, { training: true }) as Tensor);
    expectClose(out, replayed, { atol: 1e-3 });
    for (let b = 0; b < 2; b++) expect(out.slice(b * HALF, b * HALF + 2)).toEqual(pixels(SHAPE).slice(b * HALF, b * HALF + 2));
    expect(apply.some(Boolean), 'seed 12 transforms an image').toBe(true);
  });
});

describe('RandomElasticTransform', () => {
  const shape = [2, 6, 8, 2];
  const cases: Array<[string, ConstructorParameters<typeof RandomElasticTransform>[0], number[], number[], number]> = [
    ['reflect', { fillMode: 'reflect' }, ELASTIC_REFLECT, shape, 1],
    ['constant', { fillMode: 'constant' }, ELASTIC_CONSTANT, shape, 1],
    ['wrap, nearest pixel', { fillMode: 'wrap', interpolation: 'nearest' }, ELASTIC_WRAP_NEAREST, shape, 1],
    ['mirror, clipped to [30, 220]', { fillMode: 'mirror', valueRange: [30, 220] }, ELASTIC_MIRROR, shape, 1],
    ['nearest fill', { fillMode: 'nearest' }, ELASTIC_NEAREST_FILL, shape, 1],
    ['a kernel narrower than the widest', { fillMode: 'reflect' }, ELASTIC_NARROW_KERNEL, [1, 12, 14, 1], 0.6],
  ];

  it(
    'warps along the smoothed noise as Keras, for each fill mode and interpolation',
    onBothBackends(async () => {
      for (const [name, options, expected, imageShape, magnitude] of cases) {
        const layer = new RandomElasticTransform({ ...options, fillValue: 5 });
        const [batch, height, width] = imageShape;
        const transformation = {
          applyTransform: flags([true, false].slice(0, batch)),
          distortionFactor: tensor([magnitude]),
          noiseX: noise([batch, height, width], 0),
          noiseY: noise([batch, height, width], 1.5),
        };
        const out = await valuesOf(layer.transformImages(tensor(pixels(imageShape), imageShape), transformation));
        const first = size(imageShape) / batch;
        try {
          expectClose(out.slice(0, first), expected, { atol: 5e-3, rtol: 1e-4 });
        } catch (error) {
          throw new Error(`${name} on ${getBackend()}: ${String(error)}`);
        }
        expect(out.slice(first)).toEqual(clipped(pixels(imageShape).slice(first), layer.valueRange));
      }
    }),
  );

  it('draws its parameters as Keras, in order, from its seed', async () => {
    const images = tensor(pixels(shape), shape);
    const layer = new RandomElasticTransform({ factor: [0.7, 1], scale: [0.5, 0.9], seed: 13 });
    const seeds = new SeedSequence(13);
    const probability = await valuesOf(randomUniform([2], { minval: 0.7, maxval: 1, seed: seeds.next() }));
    const threshold = await valuesOf(randomUniform([2], { minval: 0, maxval: 1, seed: seeds.next() }));
    const transformation = {
      applyTransform: flags(threshold.map((t, i) => t < probability[i])),
      distortionFactor: randomUniform([1], { minval: 0.5, maxval: 0.9, seed: seeds.next() }),
      noiseX: randomNormal([2, 6, 8], { seed: seeds.next() }),
      noiseY: randomNormal([2, 6, 8], { seed: seeds.next() }),
    };
    const out = await valuesOf(layer.apply(images, { training: true }) as Tensor);
    expect(out).toEqual(await valuesOf(layer.transformImages(images, transformation)));
    expect(out.every((v) => v >= 0 && v <= 255)).toBe(true);
    expect(out.some((v, i) => v !== pixels(shape)[i]), 'seed 13 warps an image').toBe(true);
  });
});

describe('all three layers', () => {
  const layers = () => [
    new RandomGaussianBlur({ factor: [1, 1], sigma: [0.5, 1], seed: 1 }),
    new RandomPerspective({ factor: [1, 1], scale: 0.5, interpolation: 'nearest', fillValue: 3, seed: 2 }),
    new RandomElasticTransform({ factor: [1, 1], scale: 0.8, fillMode: 'constant', fillValue: 4, valueRange: [0, 1], seed: 3 }),
  ];

  it('return their input outside training, and keep shapes', async () => {
    const values = pixels(SHAPE);
    for (const layer of layers()) {
      expect(await valuesOf(layer.apply(tensor(values, SHAPE), { training: false }) as Tensor)).toEqual(values);
      expect((layer.apply(Input({ shape: [5, 6, 2] })) as { shape: unknown }).shape).toEqual([null, 5, 6, 2]);
      expect(layer.computeOutputShape([null, 5, 6, 2])).toEqual([null, 5, 6, 2]);
      const single = layer.apply(tensor(values.slice(0, HALF), [5, 6, 2]), { training: true }) as Tensor;
      expect(single.shape).toEqual([5, 6, 2]);
    }
  });

  it('leave no tensors behind but their outputs', async () => {
    const images = tensor(pixels(SHAPE), SHAPE);
    for (const layer of layers()) {
      layer.apply(images, { training: true }).dispose();
      const before = memory().liveTensors;
      const out = layer.apply(images, { training: true }) as Tensor;
      expect(memory().liveTensors).toBe(before + 1);
      out.dispose();
    }
    images.dispose();
  });

  it('are the identity for empty ranges (Keras: factor 0, scale 0)', async () => {
    const values = pixels(SHAPE);
    const train = async (layer: RandomGaussianBlur | RandomPerspective | RandomElasticTransform) => valuesOf(layer.apply(tensor(values, SHAPE), { training: true }) as Tensor);
    expect(await train(new RandomGaussianBlur({ factor: 0, seed: 1 }))).toEqual(values);
    expect(await train(new RandomPerspective({ factor: 0, seed: 1 }))).toEqual(values);
    expectClose(await train(new RandomPerspective({ factor: [1, 1], scale: 0, seed: 1 })), values, { atol: 1e-3 });
    expect(await train(new RandomElasticTransform({ factor: 0, seed: 1 }))).toEqual(values);
    expect(await train(new RandomElasticTransform({ scale: 0, valueRange: [0, 1], seed: 1 })), 'not even clipped, as Keras').toEqual(values);
  });

  it('agree on WebGPU and CPU, and a seed makes them reproducible', async () => {
    const values = pixels(SHAPE).map((v) => v / 255);
    const gpu: number[][] = [];
    const run = async () => {
      const out = [];
      for (const layer of layers()) out.push(await valuesOf(layer.apply(tensor(values, SHAPE), { training: true }) as Tensor));
      return out;
    };
    await onBothBackends(async () => {
      const out = await run();
      if (getBackend() === 'webgpu') gpu.push(...out);
      else out.forEach((o, i) => expectClose(o, gpu[i], { atol: 2e-3, rtol: 1e-4 }));
    })();
    expect(await run()).toEqual(gpu);
    for (const out of gpu) expect(out.some((v, i) => Math.abs(v - values[i]) > 1e-3), 'every layer changes the images').toBe(true);
  });
});

describe('configs and errors', () => {
  it('round-trip through JSON, with Keras defaults', () => {
    const layers = [
      new RandomGaussianBlur({ factor: [0.2, 0.8], kernelSize: [5, 3], sigma: [0.5, 2], valueRange: [0, 1], seed: 4 }),
      new RandomPerspective({ factor: 0.5, scale: 0.3, interpolation: 'nearest', fillValue: 2, seed: 5 }),
      new RandomElasticTransform({ factor: [0.1, 0.9], scale: 0.5, interpolation: 'nearest', fillMode: 'mirror', fillValue: 1, valueRange: [-1, 1], seed: 6 }),
    ];
    for (const layer of layers) {
      const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
      const rebuilt = new (layer.constructor as new (config: Record<string, unknown>) => typeof layer)({ ...config, name: `${layer.name}_copy` });
      expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual({ ...config, name: `${layer.name}_copy` });
    }
    expect(new RandomGaussianBlur().getConfig()).toMatchObject({ factor: 1, kernelSize: 3, sigma: 1, valueRange: [0, 255], seed: undefined });
    expect(new RandomPerspective().getConfig()).toMatchObject({ factor: 1, scale: 1, interpolation: 'bilinear', fillValue: 0 });
    expect(new RandomElasticTransform().getConfig()).toMatchObject({ factor: 1, scale: 1, interpolation: 'bilinear', fillMode: 'reflect', fillValue: 0, valueRange: [0, 255] });
  });

  it('rejects bad options, inputs and transformations', () => {
    expect(() => new RandomGaussianBlur({ kernelSize: 4 })).toThrow('Invalid value for argument `kernelSize`. Expected an odd positive integer or a list of two of them [widthSize, heightSize]. Received: kernelSize=4');
    expect(() => new RandomGaussianBlur({ sigma: 2 })).toThrow('Invalid value for argument `sigma`. Expected a number in [0, 1] or a list of two numbers [lower, upper] with lower <= 1 and upper >= 0. Received: sigma=2');
    expect(() => new RandomGaussianBlur({ sigma: [1.5, 3] })).toThrow('Received: sigma=[1.5,3]');
    expect(() => new RandomGaussianBlur({ factor: 1.5 })).toThrow('Invalid value for argument `factor`.');
    expect(() => new RandomPerspective({ scale: 1.5 })).toThrow('Invalid value for argument `scale`. Expected a number in [0, 1]. Received: scale=1.5');
    expect(() => new RandomPerspective({ interpolation: 'bicubic' as never })).toThrow("Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest'.");
    expect(() => new RandomElasticTransform({ fillMode: 'edge' as never })).toThrow("Expected one of 'reflect', 'mirror', 'wrap', 'constant', 'nearest'. Received: fillMode=\"edge\"");
    expect(() => new RandomElasticTransform({ fill_mode: 'wrap' } as never)).toThrow("did you mean 'fillMode'?");
    expect(() => new RandomPerspective({ fillMode: 'constant' } as never).apply(tensor(pixels(SHAPE), SHAPE))).toThrow("RandomPerspective 'random_perspective");
    expect(() => new RandomPerspective().apply(tensor([1, 2, 3, 4], [2, 2]), { training: true })).toThrow("RandomPerspective 'random_perspective");
    expect(() => new RandomPerspective().apply(tensor([1, 2, 3], [1, 1, 3, 1]), { training: true })).toThrow('images must be at least 2 x 2 pixels, so that their corners are distinct. Received: images of shape [1,1,3,1]');
    const blur = new RandomGaussianBlur();
    expect(() => blur.transformImages(tensor([1, 2, 3], [3]), { shouldApplyBlur: flags([true]), blurFactor: tensor([1, 1]) })).toThrow('transformImages expects a float32 batch of images [batch, height, width, channels]. Received: float32 images of shape [3]');
    expect(() => blur.transformImages(tensor(pixels(SHAPE), SHAPE), { shouldApplyBlur: flags([true]), blurFactor: tensor([1, 1]) })).toThrow('transformation.shouldApplyBlur must have shape [2]. Received: shape [1]');
    const elastic = new RandomElasticTransform();
    const noiseField = tensor(new Array(60).fill(0), [2, 5, 6]);
    expect(() => elastic.transformImages(tensor(pixels(SHAPE), SHAPE), { applyTransform: flags([true, true]), distortionFactor: tensor([1, 2]), noiseX: noiseField, noiseY: noiseField })).toThrow(
      'transformation.distortionFactor must have shape [] or [1]. Received: shape [2]',
    );
  });
});
