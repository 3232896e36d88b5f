// Discrete Fourier transforms along the last axes (keras.ops.fft, fft2, ifft2, rfft, irfft).
// There is no complex dtype: as in Keras, a complex tensor is a pair [real, imag] of float32
// tensors of one shape. A transform of up to MAX_DFT_LENGTH points is a matrix product with cos/sin
// matrices gathered on the device from tables of n values, so it runs as existing GPU kernels
// (matmul, gather), works for any such length, and is differentiable through its parts (the DFT is
// linear). The twiddle index j·k mod n is computed in int32 math that the GPU runs in float32,
// exact while j·k < 2^24, hence that bound. Longer transforms, up to MAX_FFT_LENGTH points, run as
// an FFT (fft_large.ts: Stockham for powers of two, Bluestein for other lengths).

import { formatShape } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { range, zerosLike } from './creation';
import { add, cast, divide, mod, mul, neg, sub } from './elementwise';
import { matmul } from './matmul';
import { concat, pad, reshape, slice, swapaxes, take } from './shape';
import { sameShape } from './shape_util';
import { checkTensor, describeValue } from './validate';
import { fourierLastAxis, MAX_FFT_LENGTH } from './fft_large';
import { flip } from './rearrange';

/** The longest transform done as a DFT-matrix product: its largest product of indices (n - 1)² stays below 2^24. */
export const MAX_DFT_LENGTH = 4096;

/** A complex tensor as Keras passes it: its real and imaginary parts, float32, of one shape. */
export type ComplexPair = readonly [Tensor, Tensor];

/**
 * The Fourier transform of `x = [real, imag]` along its last axis, as `keras.ops.fft`
 * (unnormalized: X_k = Σ_t x_t e^(-2πi·kt/n)). Any length up to 2^20 (1048576); rank ≥ 1.
 *
 * @example
 * ops.fft([tensor([1, 2]), tensor([0, 1])]);   // [[3, -1], [1, -1]]
 */
export function fft(x: ComplexPair): [Tensor, Tensor] {
  const [real, imag] = checkComplexPair('fft', x, 1);
  checkTransformedAxes('fft', real.shape, 1);
  return tidy(() => transformLastAxis('fft', real, imag, false));
}

/**
 * The 2-D Fourier transform of `x = [real, imag]` over its last two axes, as `keras.ops.fft2`
 * (unnormalized). Rank ≥ 2.
 *
 * @example
 * ops.fft2([tensor([[1, 2], [2, 1]]), tensor([[0, 1], [1, 0]])]);   // [[[6, 0], [0, -2]], [[2, 0], [0, -2]]]
 */
export function fft2(x: ComplexPair): [Tensor, Tensor] {
  const [real, imag] = checkComplexPair('fft2', x, 2);
  checkTransformedAxes('fft2', real.shape, 2);
  return tidy(() => {
    const [rowReal, rowImag] = transformLastAxis('fft2', real, imag, false);
    return transformSecondLastAxis('fft2', rowReal, rowImag, false);
  });
}

/**
 * The inverse 2-D Fourier transform of `x = [real, imag]` over its last two axes, as
 * `keras.ops.ifft2` (NumPy's normalization: divided by the number of points). Rank ≥ 2.
 *
 * @example
 * ops.ifft2([tensor([[6, 0], [0, -2]]), tensor([[2, 0], [0, -2]])]);   // [[[1, 2], [2, 1]], [[0, 1], [1, 0]]]
 */
export function ifft2(x: ComplexPair): [Tensor, Tensor] {
  const [real, imag] = checkComplexPair('ifft2', x, 2);
  checkTransformedAxes('ifft2', real.shape, 2);
  return tidy(() => {
    const [rowReal, rowImag] = transformLastAxis('ifft2', real, imag, true);
    return transformSecondLastAxis('ifft2', rowReal, rowImag, true);
  });
}

/**
 * The Fourier transform of the real signal `x` along its last axis, as `keras.ops.rfft`: the
 * `fftLength / 2 + 1` non-negative frequency terms (floor division), as a pair [real, imag]. The
 * last axis is cropped or zero-padded to `fftLength` (default: its length). int32 input is
 * transformed as float32.
 *
 * @example
 * ops.rfft(tensor([0, 1, 2, 3, 4]));   // [[10, -2.5, -2.5], [0, 3.4409548, 0.81229924]]
 */
export function rfft(x: Tensor, fftLength?: number): [Tensor, Tensor] {
  checkTensor('rfft', x);
  if (x.rank < 1) throw new Error(`rfft: expected a tensor of rank >= 1, got shape ${formatShape(x.shape)}.`);
  const n = checkLength('rfft', fftLength ?? x.shape[x.rank - 1], fftLength === undefined ? 'the last dimension' : 'fftLength');
  const bins = Math.floor(n / 2) + 1;
  return tidy(() => {
    const signal = fitLastAxis(x.dtype === 'float32' ? x : cast(x, 'float32'), n);
    if (n > MAX_DFT_LENGTH) {
      const spectrum = fourierLastAxis(signal, zerosLike(signal), false, 1, 'rfft');
      return [fitLastAxis(spectrum[0], bins), fitLastAxis(spectrum[1], bins)];
    }
    const [cosines, sines] = twiddles(n, bins, n);
    return [matmul(signal, cosines), neg(matmul(signal, sines))];
  });
}

/**
 * The real signal whose `rfft` is `x = [real, imag]`, along the last axis, as `keras.ops.irfft`:
 * `fftLength` samples (default `2 * (bins - 1)`; give it for odd lengths). The input is cropped
 * or zero-padded to `fftLength / 2 + 1` bins; the imaginary parts of the zero and Nyquist
 * frequencies are ignored, as NumPy.
 *
 * @example
 * ops.irfft(ops.rfft(tensor([0, 1, 2, 3, 4])), 5);   // [0, 1, 2, 3, 4]
 */
export function irfft(x: ComplexPair, fftLength?: number): Tensor {
  const [real, imag] = checkComplexPair('irfft', x, 1);
  const inferred = fftLength === undefined;
  const n = checkLength('irfft', fftLength ?? 2 * (real.shape[real.rank - 1] - 1), inferred ? 'the inferred length 2 * (bins - 1)' : 'fftLength');
  const bins = Math.floor(n / 2) + 1;
  return tidy(() => {
    if (n > MAX_DFT_LENGTH) return longInverseRealTransform(fitLastAxis(real, bins), fitLastAxis(imag, bins), n);
    // Each bin k < n/2 other than 0 stands for itself and its mirror n - k: weight 2.
    const cosineWeights = Array.from({ length: bins }, (_, k) => (k === 0 || 2 * k === n ? 1 : 2) / n);
    const sineWeights = Array.from({ length: bins }, (_, k) => (k === 0 || 2 * k === n ? 0 : -2 / n));
    const [cosines, sines] = twiddles(bins, n, n);
    const realPart = matmul(fitLastAxis(real, bins), mul(cosines, tensor(cosineWeights, [bins, 1])));
    return add(realPart, matmul(fitLastAxis(imag, bins), mul(sines, tensor(sineWeights, [bins, 1]))));
  });
}

/**
 * irfft for n > MAX_DFT_LENGTH: the full Hermitian spectrum (bins n - k, beyond the given ones, are
 * the conjugates of bins k) through the complex inverse FFT, keeping the real part. The imaginary
 * parts of the zero and Nyquist bins reach only the discarded imaginary part, ignored as NumPy.
 */
function longInverseRealTransform(real: Tensor, imag: Tensor, n: number): Tensor {
  const bins = real.shape[real.rank - 1];
  const mirrored = (x: Tensor) => flip(slice(x, x.shape.map((_, axis) => (axis === x.rank - 1 ? 1 : 0)), [...x.shape.slice(0, -1), n - bins]), -1);
  const fullReal = concat([real, mirrored(real)], -1);
  const fullImag = concat([imag, neg(mirrored(imag))], -1);
  return fourierLastAxis(fullReal, fullImag, true, 1 / n, 'irfft')[0];
}

/**
 * cos and sin of the angles 2π·(j·k mod n)/n for j < rows and k < columns, float32
 * [rows, columns]: the n values of each are computed on the host in float64 (exact to float32
 * rounding; WGSL's own cos and sin are allowed errors near 1e-4 on a device such as SwiftShader)
 * and gathered on the device by the index j·k mod n.
 */
function twiddles(rows: number, columns: number, n: number): [Tensor, Tensor] {
  const j = reshape(range(0, rows, 1, 'int32'), [rows, 1]);
  const k = reshape(range(0, columns, 1, 'int32'), [1, columns]);
  const index = mod(mul(j, k), n);
  const angle = (m: number) => (2 * Math.PI * m) / n;
  const cosines = tensor(Array.from({ length: n }, (_, m) => Math.cos(angle(m))), [n]);
  const sines = tensor(Array.from({ length: n }, (_, m) => Math.sin(angle(m))), [n]);
  return [take(cosines, index), take(sines, index)];
}

/**
 * The DFT of real + i·imag along the last axis: forward X = x·(C - iS), inverse x = X·(C + iS)/n,
 * C and S being symmetric, so a row vector times them is the transform.
 */
function transformLastAxis(op: string, real: Tensor, imag: Tensor, inverse: boolean): [Tensor, Tensor] {
  const n = real.shape[real.rank - 1];
  if (n > MAX_DFT_LENGTH) return fourierLastAxis(real, imag, inverse, inverse ? 1 / n : 1, op);
  const [cosines, sines] = twiddles(n, n, n);
  const sign = inverse ? -1 : 1;
  const outReal = add(matmul(real, cosines), mul(matmul(imag, sines), sign));
  const outImag = sub(matmul(imag, cosines), mul(matmul(real, sines), sign));
  return inverse ? [divide(outReal, n), divide(outImag, n)] : [outReal, outImag];
}

/**
 * The same transform along the second-last axis: the symmetric matrices multiply from the left
 * (beyond MAX_DFT_LENGTH: the FFT along the last axis, between transposes).
 */
function transformSecondLastAxis(op: string, real: Tensor, imag: Tensor, inverse: boolean): [Tensor, Tensor] {
  const m = real.shape[real.rank - 2];
  if (m > MAX_DFT_LENGTH) {
    const [outReal, outImag] = transformLastAxis(op, swapaxes(real, -1, -2), swapaxes(imag, -1, -2), inverse);
    return [swapaxes(outReal, -1, -2), swapaxes(outImag, -1, -2)];
  }
  const [cosines, sines] = twiddles(m, m, m);
  const sign = inverse ? -1 : 1;
  const outReal = add(matmul(cosines, real), mul(matmul(sines, imag), sign));
  const outImag = sub(matmul(cosines, imag), mul(matmul(sines, real), sign));
  return inverse ? [divide(outReal, m), divide(outImag, m)] : [outReal, outImag];
}

/** `x` with its last axis cropped or zero-padded to `length`. */
function fitLastAxis(x: Tensor, length: number): Tensor {
  const current = x.shape[x.rank - 1];
  if (current === length) return x;
  if (current > length) return slice(x, new Array<number>(x.rank).fill(0), [...x.shape.slice(0, -1), length]);
  return pad(x, x.shape.map((_, axis) => [0, axis === x.rank - 1 ? length - current : 0] as const));
}

/** Checks the lengths of the last `count` axes of `shape`, which a complex transform runs along. */
function checkTransformedAxes(op: string, shape: readonly number[], count: number): void {
  for (let axis = shape.length - count; axis < shape.length; axis++) {
    checkLength(op, shape[axis], `dimension ${axis} of shape ${formatShape(shape)}`);
  }
}

/** Checks a transform length: a positive integer no larger than MAX_FFT_LENGTH. */
function checkLength(op: string, n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${what} must be a positive integer, got ${String(n)}.`);
  if (n > MAX_FFT_LENGTH) throw new Error(`${op}: ${what} is ${n}, above the maximum transform length of ${MAX_FFT_LENGTH}.`);
  return n;
}

/** Checks that `x` is a pair [real, imag] of float32 tensors of one shape, of rank ≥ `minRank`. */
export function checkComplexPair(op: string, x: unknown, minRank: number): [Tensor, Tensor] {
  if (!Array.isArray(x) || x.length !== 2) {
    throw new Error(`${op}: expected a pair [real, imag] of tensors, got ${Array.isArray(x) ? `an array of length ${x.length}` : describeValue(x)}.`);
  }
  const [real, imag] = x as [Tensor, Tensor];
  checkTensor(op, real);
  checkTensor(op, imag);
  if (!sameShape(real.shape, imag.shape)) {
    throw new Error(`${op}: the real and imaginary parts must have the same shape, got ${formatShape(real.shape)} and ${formatShape(imag.shape)}.`);
  }
  if (real.dtype !== 'float32' || imag.dtype !== 'float32') {
    throw new Error(`${op}: the real and imaginary parts must be float32, got ${real.dtype} and ${imag.dtype}.`);
  }
  if (real.rank < minRank) throw new Error(`${op}: expected tensors of rank >= ${minRank}, got shape ${formatShape(real.shape)}.`);
  return [real, imag];
}
