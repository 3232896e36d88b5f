// ops.scaleAndTranslate (keras.ops.image.scale_and_translate) against Keras's docstring example
// and a float64 NumPy reference built from Keras's NumPy backend (_compute_weight_mat, its
// kernels), every method and antialias on and off, on both backends; gradients by finite
// differences with respect to the images, the scale and the translation; and errors.

import { describe, expect, it } from 'vitest';
import { getBackend, tensor, type Tensor } from '../../src/node';
import { scaleAndTranslate, type ScaleAndTranslateMethod } from '../../src/ops/image_scale_translate';
import { gradCheck } from '../autograd/gradcheck';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

/** NumPy: `(((np.arange(n) * mult) % mod) / (mod - 1)).reshape(shape)`. */
function pattern(shape: number[], mult: number, mod: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, (_, i) => ((i * mult) % mod) / (mod - 1)), shape);
}

/*
 * import numpy as np, json
 * def pattern(shape, mult, mod):
 *     n = int(np.prod(shape)); return (((np.arange(n) * mult) % mod) / (mod - 1)).reshape(shape)
 * tri = lambda x: np.maximum(0, 1 - np.abs(x))
 * def cubic(x):
 *     out = ((1.5 * x - 2.5) * x) * x + 1.0
 *     out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
 *     return np.where(x >= 2.0, 0.0, out)
 * def lanczos(r, x):
 *     y = r * np.sin(np.pi * x) * np.sin(np.pi * x / r)
 *     out = np.where(x > 1e-3, np.divide(y, np.where(x != 0, np.pi**2 * x**2, 1)), 1)
 *     return np.where(x > r, 0.0, out)
 * kernels = {"linear": tri, "cubic": cubic, "lanczos3": lambda x: lanczos(3.0, x), "lanczos5": lambda x: lanczos(5.0, x)}
 * def weight_mat(m, n, scale, translation, kernel, antialias):  # Keras's numpy _compute_weight_mat
 *     inv = 1.0 / scale; ks = np.maximum(inv, 1.0) if antialias else 1.0
 *     s = (np.arange(n) + 0.5) * inv - translation * inv - 0.5
 *     w = kernel(np.abs(s[None, :] - np.arange(m)[:, None]) / ks)
 *     t = w.sum(0, keepdims=True)
 *     w = np.where(np.abs(t) > 1000 * np.finfo(np.float32).eps, w / np.where(t != 0, t, 1), 0)
 *     return np.where(((s >= -0.5) & (s <= m - 0.5))[None, :], w, 0)
 * def sat(x, out_shape, dims, scale, translation, method, antialias):
 *     y = x
 *     for i, d in enumerate(dims):
 *         d %= x.ndim
 *         y = np.moveaxis(np.tensordot(y, weight_mat(x.shape[d], out_shape[d], scale[i], translation[i], kernels[method], antialias), axes=(d, 0)), -1, d)
 *     return y
 * x = pattern((2, 4, 5, 2), 37, 17)
 * sat(x, (2, 3, 7, 2), (1, 2), (0.7, 1.6), (0.3, -0.4), method, antialias).reshape(-1).round(6)
 *   for (method, antialias) in (("linear", True), ("cubic", True), ("lanczos3", False), ("lanczos5", True))
 */
const EXPECTED: Record<string, number[]> = {
  linear: [
    0.135352, 0.322852, 0.270117, 0.457617, 0.454687, 0.642187, 0.689062, 0.876562, 0.41543, 0.513281, 0.224805, 0.282812, 0.35957, 0.517187, 0.635372, 0.802263,
    0.480469, 0.441272, 0.417161, 0.377963, 0.445447, 0.612338, 0.597387, 0.434537, 0.666891, 0.286503, 0.511988, 0.31479, 0.441707, 0.601112, 0.676082, 0.554537,
    0.578425, 0.456881, 0.148738, 0.308143, 0.316707, 0.504207, 0.551082, 0.654297, 0.785457, 0.607722, 0.197852, 0.235937, 0.332617, 0.470312, 0.517188, 0.704687,
    0.751562, 0.939062, 0.47793, 0.575781, 0.287305, 0.345312, 0.42207, 0.579687, 0.697872, 0.280846, 0.542969, 0.309133, 0.479661, 0.440463, 0.507947, 0.674838,
    0.659887, 0.497037, 0.667565, 0.349003, 0.306573, 0.37729, 0.504207, 0.663612, 0.738582, 0.617037, 0.640925, 0.519381, 0.211238, 0.370643, 0.379207, 0.566707,
    0.529297, 0.716797, 0.482722, 0.670222,
  ],
  cubic: [
    0.069902, 0.259612, 0.209328, 0.442352, 0.473211, 0.71183, 0.750761, 0.943859, 0.393689, 0.495575, 0.124514, 0.210814, 0.336072, 0.556946, 0.679379, 0.853601,
    0.471785, 0.385852, 0.374895, 0.302546, 0.448743, 0.641224, 0.65415, 0.446258, 0.724685, 0.242226, 0.493682, 0.276634, 0.421812, 0.591718, 0.750435, 0.575611,
    0.638585, 0.450251, 0.103373, 0.271694, 0.238534, 0.509498, 0.554526, 0.707516, 0.833707, 0.621426, 0.132402, 0.205314, 0.271828, 0.469011, 0.535711, 0.783277,
    0.813261, 1.006581, 0.452126, 0.558075, 0.195936, 0.273314, 0.449535, 0.619446, 0.741879, 0.262365, 0.534285, 0.247744, 0.437395, 0.415123, 0.511243, 0.704966,
    0.741051, 0.508758, 0.733597, 0.304726, 0.250082, 0.339134, 0.484312, 0.69293, 0.812935, 0.64999, 0.701085, 0.509785, 0.165873, 0.33412, 0.333367, 0.571998,
    0.546017, 0.770016, 0.490596, 0.683926,
  ],
  lanczos3: [
    -0.084775, 0.100814, 0.19701, 0.360753, 0.678068, 0.819345, 0.798388, 0.975946, 0.258927, 0.569352, -0.016927, 0.305267, 0.386937, 0.570812, 0.858743, 1.032361,
    0.454299, 0.4198, 0.16147, 0.223515, 0.396707, 0.615134, 0.855093, 0.389284, 0.869743, 0.095151, 0.41926, 0.212058, 0.3859, 0.552041, 0.763729, 0.647464,
    0.653701, 0.487403, 0.089052, 0.245278, 0.100187, 0.464638, 0.555328, 0.746127, 0.843292, 0.705153, -0.022275, 0.315216, 0.25951, 0.475356, 0.740142, 0.858221,
    0.860464, 1.0362, 0.326869, 0.635142, 0.038833, 0.367767, 0.417876, 0.633312, 0.921243, 0.123882, 0.516799, 0.149245, 0.221077, 0.437018, 0.45633, 0.691988,
    0.95454, 0.430752, 0.88648, 0.157651, 0.267483, 0.274558, 0.4484, 0.70652, 0.826229, 0.741514, 0.711596, 0.535598, 0.146971, 0.306419, 0.221505, 0.529131,
    0.544974, 0.808627, 0.564668, 0.767653,
  ],
  lanczos5: [
    0.051106, 0.246916, 0.098106, 0.407452, 0.509744, 0.886966, 0.754797, 0.966647, 0.399422, 0.39754, 0.087474, 0.168964, 0.256462, 0.57176, 0.675692, 0.834014,
    0.501142, 0.34734, 0.32882, 0.241293, 0.461865, 0.652581, 0.718306, 0.560886, 0.706335, 0.190572, 0.502503, 0.212949, 0.442658, 0.601779, 0.815447, 0.620311,
    0.694905, 0.385838, 0.088004, 0.226677, 0.067811, 0.51127, 0.640172, 0.773518, 0.911052, 0.651143, 0.112925, 0.148173, 0.155049, 0.41172, 0.583007, 0.980859,
    0.821306, 1.033313, 0.426893, 0.446846, 0.18564, 0.235516, 0.473154, 0.636286, 0.739678, 0.254067, 0.575774, 0.177825, 0.367821, 0.428874, 0.515613, 0.731679,
    0.857278, 0.570815, 0.690971, 0.269215, 0.22838, 0.283522, 0.507134, 0.747239, 0.894069, 0.712772, 0.726177, 0.432186, 0.138873, 0.287033, 0.231935, 0.580559,
    0.599198, 0.833933, 0.526212, 0.712601,
  ],
};
const ANTIALIAS: Record<string, boolean> = { linear: true, cubic: true, lanczos3: false, lanczos5: true };

describe('ops.scaleAndTranslate', () => {
  it("Keras's docstring example", onBothBackends(async () => {
    const images = tensor(Array.from({ length: 9 }, (_, i) => i), [3, 3]);
    const out = scaleAndTranslate(images, [5, 5], [2, 2], [-0.5, -0.5], [0, 1], 'linear');
    expect(out.shape).toEqual([5, 5]);
    expectNumbersClose(await valuesOf(out), [0, 0.5, 1, 1.5, 2, 1.5, 2, 2.5, 3, 3.5, 3, 3.5, 4, 4.5, 5, 4.5, 5, 5.5, 6, 6.5, 6, 6.5, 7, 7.5, 8]);
  }));

  it("matches Keras's NumPy backend: every kernel, downsampling one axis and upsampling the other", onBothBackends(async () => {
    const images = pattern([2, 4, 5, 2], 37, 17);
    for (const method of Object.keys(EXPECTED) as ScaleAndTranslateMethod[]) {
      const out = scaleAndTranslate(images, [2, 3, 7, 2], tensor([0.7, 1.6]), tensor([0.3, -0.4]), [1, 2], method, { antialias: ANTIALIAS[method] });
      expect(out.shape).toEqual([2, 3, 7, 2]);
      // The Lanczos kernels use sin, which WGSL computes to about 1e-4 (the CPU exactly).
      const tolerance = method.startsWith('lanczos') && getBackend() === 'webgpu' ? 5e-4 : 2e-5;
      expectNumbersClose(await valuesOf(out), EXPECTED[method], tolerance);
    }
    // Aliases and negative axes pick the same kernel and axes.
    const alias = scaleAndTranslate(images, [2, 3, 7, 2], [0.7, 1.6], [0.3, -0.4], [-3, -2], 'tricubic');
    expectNumbersClose(await valuesOf(alias), EXPECTED.cubic, 2e-5);
  }));

  it('differentiates with respect to the images, the scale and the translation (finite differences)', async () => {
    const f = (x: Tensor, scale: Tensor, translation: Tensor) => scaleAndTranslate(x, [1, 3, 4], scale, translation, [1, 2], 'cubic');
    const result = await gradCheck(f, [[1, 4, 3], [2], [2]], { values: [Array.from({ length: 12 }, (_, i) => Math.sin(i)), [0.8, 1.3], [0.2, -0.1]] });
    expect(result.message).toBe('ok');
  });

  it('rejects bad arguments', () => {
    const x = pattern([2, 4, 4, 1], 3, 7);
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1], [0, 0], [1, 2], 'nearest' as never)).toThrow("scaleAndTranslate: Invalid value for argument `method`. Expected one of 'linear', 'bilinear', 'trilinear', 'triangle', 'cubic', 'bicubic', 'tricubic', 'lanczos3', 'lanczos5'. Received: method=\"nearest\"");
    expect(() => scaleAndTranslate(x, [3, 3, 1], [1, 1], [0, 0], [1, 2], 'linear')).toThrow('scaleAndTranslate: outputShape must be 4 positive integers, one per axis of images. Received: outputShape=[3,3,1], images.shape=[2,4,4,1]');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 2], [1, 1], [0, 0], [1, 2], 'linear')).toThrow('scaleAndTranslate: outputShape may change only the spatialDims axes; axis 3 is 1 in images but 2 in outputShape.');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1], [0, 0], [1, 4], 'linear')).toThrow('scaleAndTranslate: spatialDims must be axes of images (integers in [-4, 4)). Received: spatialDims=[1,4]');
    expect(() => scaleAndTranslate(x, [2, 3, 4, 1], [1, 1], [0, 0], [1, -3], 'linear')).toThrow('scaleAndTranslate: spatialDims must not repeat an axis. Received: spatialDims=[1,-3]');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1, 1], [0, 0], [1, 2], 'linear')).toThrow('scaleAndTranslate: scale must hold one value per spatial axis, shape [2]. Received: scale.shape=[3]');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1], tensor([[0, 0]]), [1, 2], 'linear')).toThrow('scaleAndTranslate: translation must hold one value per spatial axis, shape [2]. Received: translation.shape=[1,2]');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1], [0, 0], [1, 2], 'linear', { antialias: 'yes' as never })).toThrow('scaleAndTranslate: Invalid value for argument `antialias`. Expected a boolean. Received: antialias="yes"');
    expect(() => scaleAndTranslate(x.cast('int32'), [2, 3, 3, 1], [1, 1], [0, 0], [1, 2], 'linear')).toThrow('scaleAndTranslate: images must be float32, got int32');
    expect(() => scaleAndTranslate(x, [2, 3, 3, 1], [1, 1], [0, 0], [1, 2], 'linear', { anti_alias: true } as never)).toThrow('anti_alias');
  });
});
