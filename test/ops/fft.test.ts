// The Fourier transforms of src/ops/fft.ts and src/ops/stft.ts on both backends, against float64
// DFT loops written here and values computed with Keras 3.16 (NumPy backend); their gradients by
// finite differences, memory, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectValuesClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** Every element of `actual` within atol + rtol·|expected| of `expected`. */
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 2e-5, rtol = 2e-5): void => expectValuesClose(actual, expected, rtol, atol);

function randomValues(count: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Math.round((next() * 4 - 2) * 1000) / 1000);
}

/** The DFT in float64 of rows of length n (row-major), sign -1 forward, +1 inverse (then / n). */
function dftRows(real: number[], imag: number[], n: number, inverse: boolean): [number[], number[]] {
  const outReal = new Array<number>(real.length).fill(0);
  const outImag = new Array<number>(real.length).fill(0);
  const sign = inverse ? 1 : -1;
  for (let row = 0; row < real.length / n; row++) {
    for (let k = 0; k < n; k++) {
      for (let t = 0; t < n; t++) {
        const angle = (sign * 2 * Math.PI * ((k * t) % n)) / n;
        const [a, b] = [real[row * n + t], imag[row * n + t]];
        outReal[row * n + k] += a * Math.cos(angle) - b * Math.sin(angle);
        outImag[row * n + k] += a * Math.sin(angle) + b * Math.cos(angle);
      }
      if (inverse) [outReal[row * n + k], outImag[row * n + k]] = [outReal[row * n + k] / n, outImag[row * n + k] / n];
    }
  }
  return [outReal, outImag];
}

/** The [m, n] matrices of a batch of [batch, m, n] transposed to [batch, n, m]. */
function transposeLast(values: number[], batch: number, m: number, n: number): number[] {
  const out = new Array<number>(values.length);
  for (let b = 0; b < batch; b++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[b * m * n + j * m + i] = values[b * m * n + i * n + j];
  return out;
}

const pair = async ([re, im]: [Tensor, Tensor]) => [Array.from(await re.data()), Array.from(await im.data())];

describe('fft, fft2 and ifft2 (complex pairs)', () => {
  it('fft matches the Keras docstring and a float64 DFT for power-of-two and other lengths', onBothBackends(async () => {
    // keras.ops.fft docstring (Keras 3.16).
    const [re, im] = await pair(ops.fft([tensor([1, 2]), tensor([0, 1])]));
    expectClose(re, [3, -1]);
    expectClose(im, [1, -1]);
    for (const [rows, n] of [[2, 8], [3, 5], [1, 12], [2, 1]]) {
      const [a, b] = [randomValues(rows * n, n), randomValues(rows * n, n + 100)];
      const [expectedRe, expectedIm] = dftRows(a, b, n, false);
      const [gotRe, gotIm] = await pair(ops.fft([tensor(a, [rows, n]), tensor(b, [rows, n])]));
      expectClose(gotRe, expectedRe, 5e-5);
      expectClose(gotIm, expectedIm, 5e-5);
    }
  }));

  it('fft2 and ifft2 match the Keras docstring and float64 transforms over the last two axes', onBothBackends(async () => {
    // keras.ops.fft2 docstring (Keras 3.16); ifft2 of that result gives the input back.
    const x: [Tensor, Tensor] = [tensor([[1, 2], [2, 1]]), tensor([[0, 1], [1, 0]])];
    const [re, im] = await pair(ops.fft2(x));
    expectClose(re, [6, 0, 0, -2]);
    expectClose(im, [2, 0, 0, -2]);
    const [backRe, backIm] = await pair(ops.ifft2([tensor(re, [2, 2]), tensor(im, [2, 2])]));
    expectClose(backRe, [1, 2, 2, 1]);
    expectClose(backIm, [0, 1, 1, 0]);
    const [batch, m, n] = [2, 3, 4];
    const [a, b] = [randomValues(batch * m * n, 1), randomValues(batch * m * n, 2)];
    for (const inverse of [false, true]) {
      const [rowRe, rowIm] = dftRows(a, b, n, inverse);
      const [colRe, colIm] = dftRows(transposeLast(rowRe, batch, m, n), transposeLast(rowIm, batch, m, n), m, inverse);
      const transform = inverse ? ops.ifft2 : ops.fft2;
      const [gotRe, gotIm] = await pair(transform([tensor(a, [batch, m, n]), tensor(b, [batch, m, n])]));
      expectClose(gotRe, transposeLast(colRe, batch, n, m), 5e-5);
      expectClose(gotIm, transposeLast(colIm, batch, n, m), 5e-5);
    }
  }));

  it('are differentiable and free their intermediates', async () => {
    expect((await gradCheck((a, b) => ops.fft([a, b])[1], [[2, 5], [2, 5]])).message).toBe('ok');
    expect((await gradCheck((a, b) => ops.ifft2([a, b])[0], [[3, 2], [3, 2]])).message).toBe('ok');
    const [a, b] = [tensor(randomValues(12, 3), [3, 4]), tensor(randomValues(12, 4), [3, 4])];
    const before = memory().liveTensors;
    const [re, im] = ops.fft2([a, b]);
    expect(memory().liveTensors).toBe(before + 2);
    re.dispose();
    im.dispose();
  });
});

describe('rfft and irfft', () => {
  it('match Keras 3.16 values, cropping and padding to fftLength', onBothBackends(async () => {
    const x = tensor([0, 1, 2, 3, 4]);
    // keras.ops.rfft(x), rfft(x, 3), rfft(x, 8) with Keras 3.16.
    const cases: Array<[number | undefined, number[], number[]]> = [
      [undefined, [10, -2.5, -2.5], [0, 3.4409547, 0.81229925]],
      [3, [3, -1.5], [0, 0.8660254]],
      [8, [10, -5.4142137, 2, -2.5857863, 2], [0, -4.8284273, 2, -0.82842714, 0]],
    ];
    for (const [length, expectedRe, expectedIm] of cases) {
      const [re, im] = await pair(ops.rfft(x, length));
      expectClose(re, expectedRe);
      expectClose(im, expectedIm);
    }
    // keras.ops.irfft((x, x)), irfft((x, x), 5), irfft((x[:3], x[:3]), 7) with Keras 3.16.
    expectClose(await ops.irfft([x, x]).data(), [2, -2.0606601, 0.5, -0.35355338, 0, 0.06066017, -0.5, 0.35355338]);
    expectClose(await ops.irfft([x, x], 5).data(), [1.2, -1.3742576, 0.4493379, -0.60212433, 0.327044]);
    const head = tensor([0, 1, 2]);
    expectClose(await ops.irfft([head, head], 7).data(), [0.85714287, -0.72949696, -0.609034, 0.42165428, -0.22393386, -0.54779947, 0.8314672]);
    // A round trip through magnitudes of 10: WGSL's cos and sin leave errors near 1e-4 absolute.
    expectClose(await ops.irfft(ops.rfft(x), 5).data(), [0, 1, 2, 3, 4], 5e-5);
  }));

  it('rfft of a batch matches the float64 DFT; int32 input is transformed as float32', onBothBackends(async () => {
    const a = randomValues(14, 5);
    const [expectedRe, expectedIm] = dftRows(a, new Array<number>(14).fill(0), 7, false);
    const keep = (v: number[]) => v.filter((_, i) => i % 7 < 4);
    const [re, im] = await pair(ops.rfft(tensor(a, [2, 7])));
    expectClose(re, keep(expectedRe), 5e-5);
    expectClose(im, keep(expectedIm), 5e-5);
    const [intRe] = await pair(ops.rfft(tensor([1, 2, 3, 4], [4], 'int32')));
    expectClose(intRe, [10, -2, -2]);
  }));

  it('are differentiable', async () => {
    expect((await gradCheck((x) => ops.rfft(x, 6)[1], [[2, 5]])).message).toBe('ok');
    expect((await gradCheck((a, b) => ops.irfft([a, b], 5), [[2, 3], [2, 3]])).message).toBe('ok');
  });
});

describe('stft and istft', () => {
  const signal = [0.3, -1.2, 2.5, 0.7, -0.4, 1.1, 0.9, -2.0, 0.5, 1.5, -0.3];

  it('stft matches Keras 3.16 for each window and with or without centring', onBothBackends(async () => {
    // keras.ops.stft(signal, ...) with Keras 3.16 (NumPy backend), flattened.
    const docstring = await pair(ops.stft(tensor([0, 1, 2, 3, 4]), 3, 2, 3));
    expectClose(docstring[0], [0.75, -0.375, 3.75, -1.875, 5.25, -2.625]);
    expectClose(docstring[1], [0, 0.64951905, 0, 0.64951905, 0, -0.64951905]);
    const x = tensor(signal);
    const hann = ops.stft(x, 4, 2, 6);
    expect(hann[0].shape).toEqual([6, 4]);
    const [re, im] = await pair(hann);
    expectClose(re, [-0.9, 0.3, 0.9, -1.5, 2.25, -2.375, 2.625, -2.75, 0.5, -0.05, -0.85, 1.3, 0.45, -0.675, 1.125, -1.35, 0.25, -0.375, 0.625, -0.75, 1.2, -0.45, -1.05, 1.8]);
    expectClose(im, [0, 0, 0, 0, 0, 0.822724, -0.822724, 0, 0, 0.173205, -0.173205, 0, 0, -1.342339, 1.342339, 0, 0, 1.515544, -1.515544, 0, 0, 0, 0, 0]);
    const [hamRe, hamIm] = await pair(ops.stft(x, 5, 3, 8, { window: 'hamming' }));
    expectClose(hamRe, [-0.247725, 0.877526, -0.720986, -1.424814, 2.784275, 2.30631, -2.121468, 1.115926, 0.844461, -1.984148, 0.92545, -0.928172, 0.980074, -0.713694, 0.398134, 0.981236, -1.555406, 2.163926, -1.181038, 0.163799]);
    expectClose(hamIm, [0, -0.597834, -0.673155, 1.391427, 0, 0, -1.264542, 2.41551, -2.219388, 0, 0, -1.15259, 1.743067, -1.470871, 0, 0, 0.337903, 0.50343, -1.253506, 0]);
    const [plainRe, plainIm] = await pair(ops.stft(x, 4, 2, 4, { window: null }));
    expectClose(plainRe, [0.4, 2.2, 5.2, 2.3, -2.2, 3.3, 3.9, 2.9, 0.3, -0.4, -1.3, 1.4, 0.9, 0.4, 1.9, 3.2, 0.8, -2.8]);
    expectClose(plainIm, [0, 0, 0, 0, 1.9, 0, 0, 0.4, 0, 0, -3.1, 0, 0, 3.5, 0, 0, 0, 0]);
    const [edgeRe, edgeIm] = await pair(ops.stft(x, 6, 2, 8, { center: false }));
    expectClose(edgeRe, [1.8, -0.554594, -1.25, 1.354594, -0.9, 0.25, -0.422703, 0.875, -1.377297, 1.6]);
    expectClose(edgeIm, [0, -0.187868, -0.3, 0.612132, 0, 0, -1.419023, 2.325, -1.869023, 0]);
    const custom = ops.stft(x, 4, 1, 5, { window: tensor([0.2, 1, 0.5, 0.3]) });
    expect(custom[0].shape).toEqual([11, 3]);
    expectClose((await pair(custom))[0].slice(0, 6), [-0.91, 0.299073, 1.405927, 0.21, -0.268647, -0.436353]);
  }));

  it('istft matches Keras 3.16 and inverts stft', onBothBackends(async () => {
    // Random spectra [3, 5] and keras.ops.istft of them with Keras 3.16 (NumPy backend).
    const real = tensor([0.126, -0.132, 0.64, 0.105, -0.536, 0.362, 1.304, 0.947, -0.704, -1.265, -0.623, 0.041, -2.325, -0.219, -1.246], [3, 5]);
    const imag = tensor([-0.732, -0.544, -0.316, 0.412, 1.043, -0.129, 1.366, -0.665, 0.352, 0.903, 0.094, -0.743, -0.922, -0.458, 0.22], [3, 5]);
    expectClose(await ops.istft([real, imag], 4, 2, 8).data(), [0.1155, -0.441233, -0.026125, 0.332082]);
    expectClose(await ops.istft([real, imag], 8, 3, 8, { center: false }).data(), [0, 0.977752, 0.0555, 0.080816, 0.173419, -0.150893, -0.772208, 0.045887, 0.49172, -0.037147, -0.654443, 0.058701, 0.55275, -2.178076]);
    expectClose(await ops.istft([real, imag], 4, 2, 8, { window: null }).data(), [-1.796, 0.167216, -0.076667, 0.360801]);
    expectClose(await ops.istft([real, imag], 4, 2, 8, { window: null, center: false }).data(), [0.408, 0.572754, 0.60325, 0.979742, -1.796, 0.167216, -0.076667, 0.360801, -1.733, 1.491798, 1.1055, -1.275888]);
    const x = tensor(signal);
    expectClose(await ops.istft(ops.stft(x, 8, 2, 8), 8, 2, 8).data(), signal.slice(0, 10));
    expectClose(await ops.istft(ops.stft(x, 5, 3, 8, { window: 'hamming' }), 5, 3, 8, { window: 'hamming', length: 9 }).data(), signal.slice(0, 9));
    const batch = tensor([...signal, ...signal.map((v) => -v)], [2, 11]);
    const back = ops.istft(ops.stft(batch, 4, 2, 6), 4, 2, 6);
    expect(back.shape).toEqual([2, 10]);
    expectClose(await back.data(), [...signal.slice(0, 10), ...signal.slice(0, 10).map((v) => -v)]);
  }));

  it('are differentiable and free their intermediates', async () => {
    expect((await gradCheck((x) => ops.stft(x, 4, 2, 6)[0], [[9]])).message).toBe('ok');
    expect((await gradCheck((a, b) => ops.istft([a, b], 4, 2, 6), [[4, 4], [4, 4]])).message).toBe('ok');
    const x = tensor(signal);
    const before = memory().liveTensors;
    const spectrum = ops.stft(x, 4, 2, 6);
    expect(memory().liveTensors).toBe(before + 2);
    const y = ops.istft(spectrum, 4, 2, 6);
    expect(memory().liveTensors).toBe(before + 3);
    [y, ...spectrum].forEach((t) => t.dispose());
  });
});

describe('errors', () => {
  it('name the op, the expectation and what was received', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(() => ops.fft(x as never)).toThrow('fft: expected a pair [real, imag] of tensors, got object.');
    expect(() => ops.fft([x, tensor([1, 2])])).toThrow('fft: the real and imaginary parts must have the same shape, got [4] and [2].');
    expect(() => ops.fft2([x, x])).toThrow('fft2: expected tensors of rank >= 2, got shape [4].');
    expect(() => ops.fft([tensor([1], [1], 'int32'), tensor([1], [1], 'int32')])).toThrow('fft: the real and imaginary parts must be float32, got int32 and int32.');
    expect(() => ops.rfft(x, 0)).toThrow('rfft: fftLength must be a positive integer, got 0.');
    expect(() => ops.rfft(x, 2 ** 20 + 1)).toThrow('rfft: fftLength is 1048577, above the maximum transform length of 1048576.');
    expect(() => ops.irfft([tensor([1]), tensor([1])])).toThrow('irfft: the inferred length 2 * (bins - 1) must be a positive integer, got 0.');
    expect(() => ops.stft(x, 4, 0, 4)).toThrow('stft: sequenceStride must be a positive integer, got 0.');
    expect(() => ops.stft(x, 4, 1, 3)).toThrow('stft: fftLength must be >= sequenceLength, got sequenceLength=4, fftLength=3.');
    expect(() => ops.stft(x, 2, 1, 2, { window: 'blackman' as never })).toThrow("stft: window must be 'hann', 'hamming', a tensor or null, got 'blackman'.");
    expect(() => ops.stft(x, 2, 1, 2, { window: tensor([1, 1, 1]) })).toThrow('stft: a window tensor must be float32 of shape [2] (sequenceLength), got float32 of shape [3].');
    expect(() => ops.stft(x, 2, 1, 8, { center: false })).toThrow('stft: the signal (4 samples) is shorter than fftLength 8; got shape [4].');
    expect(() => ops.stft(x, 2, 1, 2, { hop: 1 } as never)).toThrow("stft: unknown option 'hop'.");
    expect(() => ops.istft([x, x], 2, 1, 2)).toThrow('istft: expected tensors of rank >= 2, got shape [4].');
  });
});
