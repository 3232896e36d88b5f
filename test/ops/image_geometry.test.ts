// ops.perspectiveTransform (keras.ops.image.perspective_transform) against a float64 NumPy
// reference of Keras's JAX backend (the homography solved with np.linalg.solve, sampled as
// jax.scipy.ndimage.map_coordinates does in 'constant' mode), hand-made shifts, channels first;
// ops.mapCoordinates against Keras's own SciPy reference (_fixed_map_coordinates of its
// image_test.py) in every fill mode and both orders, on both backends; ops.elasticTransform
// against a bilinear loop over its documented displacement fields, the GPU against the CPU for
// one seed; and errors.

import { describe, expect, it } from 'vitest';
import { GradientTape, randomNormal, setBackend, tensor, type Tensor } from '../../src/node';
import { gaussianBlur } from '../../src/ops/image_filters';
import { elasticTransform, mapCoordinates, perspectiveTransform, type MapCoordinatesFillMode } from '../../src/ops/image_geometry';
import { transpose } from '../../src/ops/shape';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** NumPy: `(((np.arange(n) * mult) % mod) / (mod - 1)).reshape(shape)`. */
function pattern(shape: number[], mult: number, mod: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, i) => ((i * mult) % mod) / (mod - 1)), shape);
}

const CORNERS = [[0, 0], [0, 5], [6, 0], [6, 5]];
const START = [CORNERS, CORNERS];
const END = [[[0.5, 0.25], [0, 5], [6, 1], [5.5, 4]], [[1, 1], [0.5, 4], [5, 0], [6, 5.5]]];

/*
 * NumPy, float64 (imgs = pattern((2, 5, 6, 2), 37, 17), fill value 0.5):
 *   def homography(s, e):   # Keras's compute_homography_matrix
 *       A = [[ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey] for (sx, sy), (ex, ey) in zip(s, e)]
 *       A += [[0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey] for (sx, sy), (ex, ey) in zip(s, e)]
 *       return np.linalg.solve(np.array(A), np.array([p[0] for p in s] + [p[1] for p in s]))
 *   def sample(img, y, x, cval):   # map_coordinates, order=1, mode='constant'
 *       y0, x0 = np.floor(y), np.floor(x); out = 0
 *       for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
 *           for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
 *               inside = 0 <= yy < img.shape[0] and 0 <= xx < img.shape[1]
 *               out = out + wy * wx * (img[int(yy), int(xx)] if inside else cval)
 *       return out
 *   def warp(img, t, cval):
 *       out = np.zeros_like(img)
 *       for y, x in np.ndindex(img.shape[:2]):
 *           k = t[6] * x + t[7] * y + 1
 *           out[y, x] = sample(img, (t[3] * x + t[4] * y + t[5]) / k, (t[0] * x + t[1] * y + t[2]) / k, cval)
 *       return out
 *   np.stack([warp(imgs[i], homography(START[i], END[i]), 0.5) for i in range(2)]).reshape(-1).round(6)
 */
const BILINEAR_EXPECTED = [
  0.227193, 0.329496, 0.244334, 0.371414, 0.454317, 0.549226, 0.574379, 0.632071, 0.467396, 0.481538, 0.5, 0.5, 0.20999, 0.345492, 0.2408, 0.4283, 0.523406,
  0.586143, 0.73772, 0.460535, 0.173812, 0.361312, 0.632297, 0.725895, 0.281831, 0.429637, 0.40514, 0.59264, 0.705986, 0.574734, 0.799444, 0.18111, 0.406203,
  0.593703, 0.422095, 0.366706, 0.373525, 0.534083, 0.575872, 0.763372, 0.486909, 0.647894, 0.207721, 0.395221, 0.650109, 0.778758, 0.210831, 0.378923,
  0.487146, 0.660926, 0.744164, 0.235264, 0.511466, 0.251891, 0.427713, 0.546741, 0.638927, 0.397184, 0.467912, 0.491978, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
  0.451527, 0.479226, 0.423124, 0.538438, 0.5, 0.5, 0.5, 0.5, 0.625, 0.8125, 0.4375, 0.625, 0.269531, 0.457031, 0.47774, 0.66524, 0.504015, 0.531454, 0.5,
  0.5, 0.600649, 0.173301, 0.66719, 0.538674, 0.398888, 0.364183, 0.598404, 0.785904, 0.544316, 0.595842, 0.5, 0.5, 0.415441, 0.455882, 0.440673, 0.628173,
  0.324777, 0.512277, 0.703685, 0.653189, 0.608651, 0.583497, 0.5, 0.5, 0.487968, 0.51821, 0.476567, 0.555793, 0.441406, 0.558594, 0.712094, 0.258632,
  0.66868, 0.275094,
];

describe('ops.perspectiveTransform', () => {
  it('matches the NumPy reference of Keras, one set of points per image, channels last and first', onBothBackends(async () => {
    const images = pattern([2, 5, 6, 2], 37, 17);
    const warped = perspectiveTransform(images, tensor(START), tensor(END), { fillValue: 0.5, dataFormat: 'channels_last' });
    expect(warped.shape).toEqual([2, 5, 6, 2]);
    expectNumbersClose(await valuesOf(warped), BILINEAR_EXPECTED, 2e-5);
    const first = perspectiveTransform(transpose(images, [0, 3, 1, 2]), tensor(START), tensor(END), { fillValue: 0.5, dataFormat: 'channels_first' });
    expectNumbersClose(await valuesOf(transpose(first, [0, 2, 3, 1])), BILINEAR_EXPECTED, 2e-5);
  }));

  it('shifts by whole pixels: shared points, one image, nearest and bilinear agree', onBothBackends(async () => {
    // End points one pixel right of and two below the start points: output (x, y) reads input (x - 1, y - 2).
    const image = tensor(Array.from({ length: 4 * 5 }, (_, i) => i + 1), [4, 5, 1]);
    const shifted = CORNERS.map(([x, y]) => [x + 1, y + 2]);
    const expected = Array.from({ length: 20 }, (_, i) => {
      const [y, x] = [Math.floor(i / 5) - 2, (i % 5) - 1];
      return y >= 0 && x >= 0 ? y * 5 + x + 1 : -1;
    });
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const out = perspectiveTransform(image, tensor(CORNERS), tensor(shifted), { interpolation, fillValue: -1, dataFormat: 'channels_last' });
      expect(out.shape).toEqual([4, 5, 1]);
      expectNumbersClose(await valuesOf(out), expected, 1e-4);
    }
    // The same points for both images of a batch, as [4, 2].
    const batch = pattern([2, 5, 6, 1], 5, 13);
    expectNumbersClose(await valuesOf(perspectiveTransform(batch, tensor(CORNERS), tensor(CORNERS), { dataFormat: 'channels_last' })), await valuesOf(batch), 1e-5);
  }));

  it('says it has no gradient', () => {
    const x = pattern([1, 4, 4, 1], 3, 7);
    const tape = new GradientTape();
    tape.watch([x]);
    const y = tape.record(() => perspectiveTransform(x, tensor(CORNERS), tensor(CORNERS), { dataFormat: 'channels_last' }));
    expect(() => tape.gradient(y, [x])).toThrow('affineTransform is not differentiable');
  });

  it('rejects bad arguments', () => {
    const x = pattern([2, 4, 4, 1], 3, 7);
    const options = { dataFormat: 'channels_last' } as const;
    expect(() => perspectiveTransform(pattern([4, 4], 3, 7), tensor(CORNERS), tensor(CORNERS))).toThrow('perspectiveTransform: Invalid images rank');
    expect(() => perspectiveTransform(x, tensor([[0, 0], [1, 1], [2, 2]]), tensor(CORNERS), options)).toThrow('perspectiveTransform: Invalid startPoints shape: expected [4, 2] for a single image or [N, 4, 2] for a batch. Received: startPoints.shape=[3,2]');
    expect(() => perspectiveTransform(x, tensor(CORNERS), tensor([CORNERS.flat()]), options)).toThrow('perspectiveTransform: Invalid endPoints shape');
    expect(() => perspectiveTransform(x, tensor(START), tensor(CORNERS), options)).toThrow('perspectiveTransform: startPoints and endPoints must have the same shape. Received: startPoints.shape=[2,4,2], endPoints.shape=[4,2]');
    expect(() => perspectiveTransform(x, tensor([CORNERS, CORNERS, CORNERS]), tensor([CORNERS, CORNERS, CORNERS]), options)).toThrow("perspectiveTransform: points [N, 4, 2] need N = 2 (the images' batch) or 1.");
    expect(() => perspectiveTransform(x, tensor(CORNERS), tensor(CORNERS), { ...options, interpolation: 'bicubic' as never })).toThrow("Expected one of 'bilinear', 'nearest'. Received: interpolation=\"bicubic\"");
    expect(() => perspectiveTransform(x, tensor(CORNERS), tensor(CORNERS), { fill_value: 1 } as never)).toThrow('fill_value');
  });
});

/** Coordinates [rank, n] along axes of `sizes`: ((i * mult + 3 d) % mod) / (mod - 1) * (size + 1.4) - 0.73, in float32. */
function coordinates(sizes: number[], n: number, mult: number, mod: number): number[] {
  return sizes.flatMap((size, d) => Array.from({ length: n }, (_, i) => Math.fround((((i * mult + 3 * d) % mod) / (mod - 1)) * (size + 1.4) - 0.73)));
}

/*
 * Keras's reference (keras/src/ops/image_test.py), run with NumPy and SciPy, fill value -2:
 *   def fixed_map_coordinates(input, coordinates, order, fill_mode, fill_value):
 *       padding = [(max(-np.floor(c.min()).astype(int) + 1, 0), max(np.ceil(c.max()).astype(int) + 1 - size, 0))
 *                  for c, size in zip(coordinates, input.shape)]
 *       shifted = [c + p[0] for p, c in zip(padding, coordinates)]
 *       pad_mode = {"nearest": "edge", "mirror": "reflect", "reflect": "symmetric"}.get(fill_mode, fill_mode)
 *       padded = np.pad(input, padding, mode=pad_mode, **({"constant_values": fill_value} if fill_mode == "constant" else {}))
 *       return scipy.ndimage.map_coordinates(padded, shifted, order=order, mode=fill_mode, cval=fill_value)
 *   x3 = (np.arange(60) * 0.5).reshape(3, 4, 5); c3 = coordinates((3, 4, 5), 12, 7, 11).reshape(3, 3, 4)
 *   x1 = np.array([1, -2, 4, 0.5, 3.]);          c1 = coordinates((5,), 9, 5, 13)
 *   [fixed_map_coordinates(x3, c3, order, mode, -2.).reshape(-1).round(6), fixed_map_coordinates(x1, c1, order, mode, -2.).round(6)]
 */
const MAP_EXPECTED: Array<[MapCoordinatesFillMode, 0 | 1, number[], number[]]> = [
  ['constant', 0, [-2, -2, -2, -2, -2, 7, -2, -2, 4.5, -2, -2, -2], [-2, 4, -2, 1, 0.5, -2, -2, 3, 1]],
  ['nearest', 0, [4, 28, 19.5, 21, 27.5, 7, 21, 17.5, 4.5, 20.5, 19.5, 4], [1, 4, 3, 1, 0.5, 3, -2, 3, 1]],
  ['wrap', 0, [24, 23, 17.5, 11, 20, 7, 1, 12, 4.5, 8, 18, 24], [3, 4, 1, 1, 0.5, -2, -2, 3, 1]],
  ['mirror', 0, [14, 23, 19, 1, 25, 7, 11, 15.5, 4.5, 13, 18.5, 14], [-2, 4, 0.5, 1, 0.5, 4, -2, 3, 1]],
  ['reflect', 0, [4, 25.5, 19.5, 11, 27.5, 7, 21, 17.5, 4.5, 20.5, 19, 4], [1, 4, 3, 1, 0.5, 0.5, -2, 3, 1]],
  ['constant', 1, [-0.4394, -2, -2, -2, -2, 4.359251, -2, 0.67894, 3.2895, -0.718863, -2, -0.4394], [-1.19, 3.62, -0.016667, -0.01, 0.508333, -2, 0.42, 2.649999, 0.41]],
  ['nearest', 1, [3.78, 27.775, 14.175, 22.11, 26.6, 8.425, 20.915, 22.2, 5.45, 20.595, 19.8, 3.78], [1, 3.62, 3, -0.01, 0.508333, 3, 0.42, 3, 1]],
  ['wrap', 1, [18.38, 14.950002, 12.19, 8.810001, 19.605, 7.645, 4.64, 19.235001, 11.25, 10.270001, 17.76, 18.38], [2.46, 3.62, 1.793333, -0.01, 0.508333, -1.01, 0.42, 2.86, 1.393333]],
  ['mirror', 1, [11.08, 20.100001, 13.66, 5.409999, 23.819999, 8.23, 9.09, 21.090001, 8.35, 14.52, 18.84, 11.08], [-1.19, 3.62, 1.491666, -0.01, 0.508333, 2.845, 0.42, 2.825, 0.41]],
  ['reflect', 1, [3.78, 26.1, 14.16, 15.409999, 26.274999, 8.425, 18.615, 22.2, 5.45, 20.595, 19.465, 3.78], [1, 3.62, 3, -0.01, 0.508333, 1.325, 0.42, 3, 1]],
];

describe('ops.mapCoordinates', () => {
  it("matches Keras's SciPy reference in every fill mode, orders 0 and 1, 3-D and 1-D", onBothBackends(async () => {
    const volume = tensor(Array.from({ length: 60 }, (_, i) => i * 0.5), [3, 4, 5]);
    const volumePoints = tensor(coordinates([3, 4, 5], 12, 7, 11), [3, 3, 4]);
    const line = tensor([1, -2, 4, 0.5, 3], [5]);
    const linePoints = tensor(coordinates([5], 9, 5, 13), [1, 9]);
    for (const [fillMode, order, expected3d, expected1d] of MAP_EXPECTED) {
      const sampled = mapCoordinates(volume, volumePoints, order, { fillMode, fillValue: -2 });
      expect(sampled.shape).toEqual([3, 4]);
      expectNumbersClose(await valuesOf(sampled), expected3d, 2e-5);
      expectNumbersClose(await valuesOf(mapCoordinates(line, linePoints, order, { fillMode, fillValue: -2 })), expected1d, 2e-5);
    }
  }));

  it("Keras's constant padding test; a list of coordinate tensors; the docstring value", onBothBackends(async () => {
    // A 2 x 2 image of ones sampled on the grid -1..2: ones inside, the fill value 0 around.
    const rows = tensor(Array.from({ length: 16 }, (_, i) => Math.floor(i / 4) - 1), [4, 4]);
    const cols = tensor(Array.from({ length: 16 }, (_, i) => (i % 4) - 1), [4, 4]);
    const out = await valuesOf(mapCoordinates(tensor([1, 1, 1, 1], [2, 2]), [rows, cols], 0));
    expect(out).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expectNumbersClose(await valuesOf(mapCoordinates(tensor([[0, 1], [2, 3]]), tensor([[0.5], [0.5]]), 1)), [1.5]);
  }));

  it('says it has no gradient', () => {
    const x = tensor([1, 2, 3], [3]);
    const tape = new GradientTape();
    tape.watch([x]);
    const y = tape.record(() => mapCoordinates(x, tensor([[0.5, 1.5]]), 1));
    expect(() => tape.gradient(y, [x])).toThrow('mapCoordinates is not differentiable: no gradient flows to its inputs or coordinates.');
  });

  it('rejects bad arguments', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const points = tensor([0, 1, 0, 1], [2, 2]);
    expect(() => mapCoordinates(x, tensor([0, 1, 0, 1], [4]), 1)).toThrow('mapCoordinates: Invalid coordinates rank: expected at least rank 2. Received: coordinates.shape=[4]');
    expect(() => mapCoordinates(x, tensor([0, 1, 0], [3, 1]), 1)).toThrow('mapCoordinates: First dim of `coordinates` must be the same as the rank of `inputs`. Received: inputs.shape=[2,2], coordinates.shape=[3,1]');
    expect(() => mapCoordinates(x, points, 3)).toThrow('mapCoordinates: Invalid value for argument `order`. Expected one of [0, 1]. Received: order=3');
    expect(() => mapCoordinates(x, points, 1, { fillMode: 'symmetric' as never })).toThrow("mapCoordinates: Invalid value for argument `fillMode`. Expected one of 'constant', 'nearest', 'wrap', 'mirror', 'reflect'. Received: fillMode=\"symmetric\"");
    expect(() => mapCoordinates(x, points, 1, { fillValue: Number.NaN })).toThrow('mapCoordinates: Invalid value for argument `fillValue`. Expected a finite number. Received: fillValue=NaN');
    expect(() => mapCoordinates(x.cast('int32'), points, 1)).toThrow('mapCoordinates: inputs must be float32, got int32');
    expect(() => mapCoordinates(x, [tensor([0, 1]), tensor([0])], 1)).toThrow('mapCoordinates: the coordinate tensors must share one shape. Received shapes: [2], [1]');
    expect(() => mapCoordinates(tensor(new Array(512).fill(0), new Array(9).fill(2)), tensor(new Array(9).fill(0), [9, 1]), 1)).toThrow('mapCoordinates: inputs must have rank 1 to 8.');
    expect(() => mapCoordinates(x, points, 1, { fill_mode: 'wrap' } as never)).toThrow('fill_mode');
  });
});

describe('ops.elasticTransform', () => {
  it('samples each image at (y + alpha dy, x + alpha dx) of the blurred seeded noise', onBothBackends(async () => {
    const [b, h, w, c] = [2, 5, 6, 2];
    const [alpha, sigma, seed] = [1.5, 0.8, 11];
    const images = pattern([b, h, w, c], 37, 17);
    const out = await valuesOf(elasticTransform(images, { alpha, sigma, seed, dataFormat: 'channels_last' }));
    // The documented fields: normal noise [b, h, w, 2] (dy, dx) of stddev sigma, blurred with a
    // trunc(6 sigma) | 1 = 5 kernel of that sigma; sampled bilinearly, reflecting at the borders.
    const noise = randomNormal([b, h, w, 2], { stddev: sigma, seed });
    const fields = await valuesOf(gaussianBlur(noise, { kernelSize: [5, 5], sigma: [sigma, sigma], dataFormat: 'channels_last' }));
    const pixels = await valuesOf(images);
    const reflect = (i: number, size: number) => {
      const folded = ((i % (2 * size)) + 2 * size) % (2 * size);
      return folded >= size ? 2 * size - 1 - folded : folded;
    };
    const expected: number[] = [];
    for (let n = 0; n < b; n++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const at = ((n * h + y) * w + x) * 2;
          const [sy, sx] = [Math.fround(y + alpha * fields[at]), Math.fround(x + alpha * fields[at + 1])];
          const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
          for (let ch = 0; ch < c; ch++) {
            const read = (yy: number, xx: number) => pixels[((n * h + reflect(yy, h)) * w + reflect(xx, w)) * c + ch];
            const [fy, fx] = [sy - y0, sx - x0];
            expected.push((1 - fy) * ((1 - fx) * read(y0, x0) + fx * read(y0, x0 + 1)) + fy * ((1 - fx) * read(y0 + 1, x0) + fx * read(y0 + 1, x0 + 1)));
          }
        }
    expectNumbersClose(out, expected, 1e-4);
  }));

  it('GPU matches CPU for one seed; channels first; alpha 0 is the identity; a uniform image stays uniform', async () => {
    const images = () => pattern([1, 6, 7, 3], 29, 23);
    const run = () => elasticTransform(images(), { alpha: 4, sigma: 1.2, seed: 5, interpolation: 'nearest', fillMode: 'constant', fillValue: -1, dataFormat: 'channels_last' });
    const gpu = await valuesOf(run());
    setBackend('cpu');
    try {
      expectNumbersClose(gpu, await valuesOf(run()), 1e-5);
    } finally {
      setBackend('webgpu');
    }
    const first = elasticTransform(transpose(images(), [0, 3, 1, 2]), { alpha: 4, sigma: 1.2, seed: 5, interpolation: 'nearest', fillMode: 'constant', fillValue: -1, dataFormat: 'channels_first' });
    expectNumbersClose(await valuesOf(transpose(first, [0, 2, 3, 1])), gpu, 1e-5);
    const single = images().reshape([6, 7, 3]);
    const still = elasticTransform(single, { alpha: 0, seed: 3, dataFormat: 'channels_last' });
    expect(still.shape).toEqual([6, 7, 3]);
    expectNumbersClose(await valuesOf(still), await valuesOf(single), 1e-6);
    const flat = tensor(new Array(2 * 5 * 5 * 1).fill(0.25), [2, 5, 5, 1]);
    expect((await valuesOf(elasticTransform(flat, { alpha: 30, sigma: 1, fillMode: 'nearest', dataFormat: 'channels_last' }))).every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
  });

  it('says it has no gradient, and rejects bad arguments', () => {
    const x = pattern([1, 4, 4, 1], 3, 7);
    const tape = new GradientTape();
    tape.watch([x]);
    const y = tape.record(() => elasticTransform(x, { seed: 1, dataFormat: 'channels_last' }));
    expect(() => tape.gradient(y, [x])).toThrow('mapCoordinates is not differentiable');
    expect(() => elasticTransform(pattern([4, 4], 3, 7))).toThrow('elasticTransform: Invalid images rank');
    expect(() => elasticTransform(x, { sigma: 0 })).toThrow('elasticTransform: Invalid value for argument `sigma`. Expected a positive number. Received: sigma=0');
    expect(() => elasticTransform(x, { alpha: Number.POSITIVE_INFINITY })).toThrow('elasticTransform: Invalid value for argument `alpha`. Expected a finite number. Received: alpha=Infinity');
    expect(() => elasticTransform(x, { interpolation: 'bicubic' as never })).toThrow("elasticTransform: Invalid value for argument `interpolation`. Expected one of 'bilinear', 'nearest'. Received: interpolation=\"bicubic\"");
    expect(() => elasticTransform(x, { fillMode: 'edge' as never })).toThrow("elasticTransform: Invalid value for argument `fillMode`. Expected one of 'constant', 'nearest', 'wrap', 'mirror', 'reflect'. Received: fillMode=\"edge\"");
    expect(() => elasticTransform(x, { seed: 1.5 })).toThrow('seed must be an integer');
    expect(() => elasticTransform(x, { fill_mode: 'wrap' } as never)).toThrow('fill_mode');
  });
});
