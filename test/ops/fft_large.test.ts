// Fourier transforms longer than the DFT-matrix path (src/ops/fft_large.ts, reached through
// src/ops/fft.ts): Stockham FFTs for powers of two, Bluestein for other lengths, on both backends,
// against float64 DFT sums on sampled bins, a closed form, and the CPU backend; their gradients
// against the float64 adjoint sums.

import { describe, expect, it } from 'vitest';
import { GradientTape, getBackend, memory, ops, setBackend, tensor, type Tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** Float32-representable values in [-1, 1). */
function randomSignal(count: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: count }, () => next() * 2 - 1);
}

/** Σ_t x_t e^(∓2πi·kt/n) in float64 (+ when `inverse`), the angle's k·t reduced mod n exactly. */
function dftBin(real: ArrayLike<number>, imag: ArrayLike<number>, k: number, inverse = false): [number, number] {
  const n = real.length;
  const sign = inverse ? 1 : -1;
  let [sumReal, sumImag] = [0, 0];
  for (let t = 0; t < n; t++) {
    const angle = (sign * 2 * Math.PI * ((k * t) % n)) / n;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    sumReal += real[t] * c - imag[t] * s;
    sumImag += real[t] * s + imag[t] * c;
  }
  return [sumReal, sumImag];
}

function norm(...parts: ArrayLike<number>[]): number {
  let sum = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) sum += part[i] ** 2;
  return Math.sqrt(sum);
}

/** Bins spread over the spectrum: the edges, the middle and a few in between. */
function sampledBins(n: number): number[] {
  return [...new Set([0, 1, 2, Math.floor(n / 4), Math.floor(n / 2) - 1, Math.floor(n / 2), n - 1, 997 % n, (n * 5) >> 3])];
}

/**
 * float32 rounding of a transform: each output within ~2e-7·log2(N) of the signal's norm, N the
 * points of the FFTs run (Bluestein's padded length for other lengths).
 */
function roundingTolerance(n: number, signalNorm: number): number {
  const fftPoints = (n & (n - 1)) === 0 ? n : 2 ** Math.ceil(Math.log2(2 * n - 1));
  return 2e-7 * Math.log2(fftPoints) * signalNorm;
}

function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** The sampled bins of an unnormalized transform (e^(+...) when `inverse`) against dftBin, within float32 rounding. */
async function expectMatchesDft([gotReal, gotImag]: [Tensor, Tensor], real: Float32Array, imag: Float32Array, inverse = false): Promise<void> {
  const n = real.length;
  const [outReal, outImag] = [await gotReal.data(), await gotImag.data()];
  const tolerance = roundingTolerance(n, norm(real, imag));
  for (const k of sampledBins(n)) {
    const [expectedReal, expectedImag] = dftBin(real, imag, k, inverse);
    expectWithin(outReal[k], expectedReal, tolerance, `n=${n} bin ${k} real`);
    expectWithin(outImag[k], expectedImag, tolerance, `n=${n} bin ${k} imag`);
  }
}

/** Every element within tolerance + rtol·|expected| of `expected`; the failure names the worst one. */
function expectAllWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string, rtol = 0): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - rtol * Math.abs(expected[i]);
    if (!(excess <= worst)) [worst, at] = [excess, i];
  }
  expect(worst, `${what}: worst at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tolerance);
}

describe('fft beyond 4096 points', () => {
  it('powers of two (Stockham) match a float64 DFT within float32 rounding', onBothBackends(async () => {
    for (const n of [8192, 65536]) {
      const [real, imag] = [randomSignal(n, n), randomSignal(n, n + 1)];
      await expectMatchesDft(ops.fft([tensor(real), tensor(imag)]), real, imag);
    }
  }));

  it('other lengths (Bluestein) match a float64 DFT within float32 rounding', onBothBackends(async () => {
    for (const n of [5000, 12345]) {
      const [real, imag] = [randomSignal(n, n), randomSignal(n, n + 1)];
      await expectMatchesDft(ops.fft([tensor(real), tensor(imag)]), real, imag);
    }
  }));

  it('the ramp x_t = t has its closed form: X_0 = n(n-1)/2, X_k = -n/2 + i·(n/2)·cot(πk/n)', onBothBackends(async () => {
    for (const n of [8192, 12345]) {
      const ramp = Float32Array.from({ length: n }, (_, t) => t);
      const [outReal, outImag] = ops.fft([tensor(ramp), ops.zeros([n])]);
      const expectedReal = Array.from({ length: n }, (_, k) => (k === 0 ? (n * (n - 1)) / 2 : -n / 2));
      const expectedImag = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : n / 2 / Math.tan((Math.PI * k) / n)));
      // X_0 ≈ 8·10^7 is ~100 times the norm: its own float32 rounding (2^-24 relative) exceeds the tolerance.
      const tolerance = roundingTolerance(n, norm(ramp));
      expectAllWithin(await outReal.data(), expectedReal, tolerance, `n=${n} real`, 2 ** -23);
      expectAllWithin(await outImag.data(), expectedImag, tolerance, `n=${n} imag`, 2 ** -23);
    }
  }));

  it('a batch [3, 8192] on the GPU matches the CPU backend, each row its own transform', async () => {
    const [rows, n] = [3, 8192];
    const [real, imag] = [randomSignal(rows * n, 1), randomSignal(rows * n, 2)];
    const transformOn = async (backend: 'webgpu' | 'cpu') => {
      setBackend(backend);
      const [outReal, outImag] = ops.fft([tensor(real, [rows, n]), tensor(imag, [rows, n])]);
      return [await outReal.data(), await outImag.data()];
    };
    try {
      const [gpu, cpu] = [await transformOn('webgpu'), await transformOn('cpu')];
      for (let row = 0; row < rows; row++) {
        const rowOf = (values: ArrayLike<number>) => Array.prototype.slice.call(values, row * n, (row + 1) * n) as number[];
        const [rowReal, rowImag] = [real.subarray(row * n, (row + 1) * n), imag.subarray(row * n, (row + 1) * n)];
        const tolerance = roundingTolerance(n, norm(rowReal, rowImag));
        expectAllWithin(rowOf(gpu[0]), rowOf(cpu[0]), tolerance, `row ${row} real`);
        expectAllWithin(rowOf(gpu[1]), rowOf(cpu[1]), tolerance, `row ${row} imag`);
        const [expectedReal, expectedImag] = dftBin(rowReal, rowImag, 123);
        expectWithin(cpu[0][row * n + 123], expectedReal, tolerance, `row ${row} bin 123 real`);
        expectWithin(cpu[1][row * n + 123], expectedImag, tolerance, `row ${row} bin 123 imag`);
      }
    } finally {
      setBackend('webgpu');
    }
  });

  it('2^20 points on the GPU match the float64 CPU kernel and a float64 DFT', async () => {
    expect(getBackend()).toBe('webgpu');
    const n = 2 ** 20;
    const [real, imag] = [randomSignal(n, 3), randomSignal(n, 4)];
    const [gpuReal, gpuImag] = ops.fft([tensor(real), tensor(imag)]);
    await expectMatchesDft([gpuReal, gpuImag], real, imag);
    setBackend('cpu');
    try {
      const [cpuReal, cpuImag] = ops.fft([tensor(real), tensor(imag)]);
      const tolerance = roundingTolerance(n, norm(real, imag));
      expectAllWithin(await gpuReal.data(), await cpuReal.data(), tolerance, 'real');
      expectAllWithin(await gpuImag.data(), await cpuImag.data(), tolerance, 'imag');
    } finally {
      setBackend('webgpu');
    }
  });

  it('fft2 and ifft2 with a second-last axis longer than 4096: columns summed and differenced, then transformed; ifft2 inverts fft2', onBothBackends(async () => {
    // With two columns, X[:, 0] = F(x[:, 0] + x[:, 1]) and X[:, 1] = F(x[:, 0] - x[:, 1]), F the DFT along the long axis.
    const m = 5000;
    const [real, imag] = [randomSignal(2 * m, 5), randomSignal(2 * m, 6)];
    const [outReal, outImag] = ops.fft2([tensor(real, [m, 2]), tensor(imag, [m, 2])]);
    for (const [column, sign] of [[0, 1], [1, -1]]) {
      const combine = (values: Float32Array) => Float32Array.from({ length: m }, (_, t) => values[2 * t] + sign * values[2 * t + 1]);
      const columnOf = (x: Tensor) => ops.reshape(ops.slice(x, [0, column], [m, 1]), [m]);
      await expectMatchesDft([columnOf(outReal), columnOf(outImag)], combine(real), combine(imag));
    }
    const [backReal, backImag] = ops.ifft2([outReal, outImag]);
    expectAllWithin(await backReal.data(), real, 1e-5, 'round trip real');
    expectAllWithin(await backImag.data(), imag, 1e-5, 'round trip imag');
  }));

  it('lengths above 2^20 are refused', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(() => ops.rfft(x, 2 ** 20 + 1)).toThrow('rfft: fftLength is 1048577, above the maximum transform length of 1048576.');
  });
});

describe('rfft and irfft beyond 4096 points', () => {
  it('rfft gives the first n/2 + 1 bins of the DFT; irfft inverts it, ignoring the imaginary parts of the zero and Nyquist bins', onBothBackends(async () => {
    for (const n of [8192, 5000, 12345]) {
      const signal = randomSignal(n, n + 2);
      const [spectrumReal, spectrumImag] = ops.rfft(tensor(signal));
      const bins = Math.floor(n / 2) + 1;
      expect(spectrumReal.shape).toEqual([bins]);
      const [outReal, outImag] = [await spectrumReal.data(), await spectrumImag.data()];
      const tolerance = roundingTolerance(n, norm(signal));
      for (const k of sampledBins(n).filter((k) => k < bins)) {
        const [expectedReal, expectedImag] = dftBin(signal, new Float32Array(n), k);
        expectWithin(outReal[k], expectedReal, tolerance, `n=${n} bin ${k} real`);
        expectWithin(outImag[k], expectedImag, tolerance, `n=${n} bin ${k} imag`);
      }
      expectAllWithin(await ops.irfft([spectrumReal, spectrumImag], n).data(), signal, 1e-5, `n=${n} round trip`);
      const edges = Float32Array.from(outImag);
      edges[0] = 5;
      if (n % 2 === 0) edges[bins - 1] = -3;
      expectAllWithin(await ops.irfft([spectrumReal, tensor(edges)], n).data(), signal, 1e-5, `n=${n} round trip, edge imaginary parts set`);
    }
  }));

  it('irfft infers 2 * (bins - 1) points', onBothBackends(async () => {
    const signal = randomSignal(8192, 7);
    expect(ops.irfft(ops.rfft(tensor(signal))).shape).toEqual([8192]);
  }));
});

describe('gradients beyond 4096 points', () => {
  /** The gradient of Σ (outputs · weights) with respect to the inputs. */
  function gradientOf(f: (...inputs: Tensor[]) => Tensor[], inputs: Tensor[], weights: Tensor[]): Tensor[] {
    const tape = new GradientTape();
    for (const input of inputs) tape.watch(input);
    const loss = tape.record(() => {
      const outputs = f(...inputs);
      return outputs.map((output, i) => ops.sum(ops.multiply(output, weights[i]))).reduce((a, b) => ops.add(a, b));
    });
    return tape.gradient(loss, inputs).map((g) => g!);
  }

  it('fft: the gradient is the unnormalized inverse transform of the output weights', onBothBackends(async () => {
    for (const n of [8192, 5000]) {
      const [weightReal, weightImag] = [randomSignal(n, 8), randomSignal(n, 9)];
      const [dReal, dImag] = gradientOf((a, b) => ops.fft([a, b]), [tensor(randomSignal(n, 10)), tensor(randomSignal(n, 11))], [tensor(weightReal), tensor(weightImag)]);
      await expectMatchesDft([dReal, dImag], weightReal, weightImag, true);
    }
  }));

  it('irfft: each interior bin weighs twice, the zero bin once, its imaginary part not at all', onBothBackends(async () => {
    const n = 5000;
    const bins = n / 2 + 1;
    const weights = randomSignal(n, 12);
    const [dReal, dImag] = gradientOf((a, b) => [ops.irfft([a, b], n)], [tensor(randomSignal(bins, 13)), tensor(randomSignal(bins, 14))], [tensor(weights)]);
    const [gotReal, gotImag] = [await dReal.data(), await dImag.data()];
    const tolerance = roundingTolerance(n, norm(weights)) / n;
    for (const k of [0, 1, 777, bins - 2, bins - 1]) {
      const [cosineSum, sineSum] = dftBin(weights, new Float32Array(n), k, true);
      const weight = k === 0 || k === n / 2 ? 1 : 2;
      expectWithin(gotReal[k], (weight * cosineSum) / n, tolerance, `bin ${k} real`);
      expectWithin(gotImag[k], k === 0 || k === n / 2 ? 0 : (-weight * sineSum) / n, tolerance, `bin ${k} imag`);
    }
  }));

  it('the forward pass keeps no intermediates', () => {
    const x = tensor(randomSignal(8192, 15));
    const before = memory().liveTensors;
    const [real, imag] = ops.rfft(x);
    expect(memory().liveTensors).toBe(before + 2);
    real.dispose();
    imag.dispose();
  });
});
