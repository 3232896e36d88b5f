// Window functions for signal processing (keras.ops.bartlett, blackman, hamming, hanning,
// kaiser): a float32 vector of length M, a function of M (and Kaiser's beta) alone, computed on
// the host in float64, as NumPy does, and uploaded once (on the device WGSL's cos may be off by
// 1e-4, as SwiftShader's is). No gradient (the arguments are numbers).

import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';

type WindowName = 'bartlett' | 'blackman' | 'hamming' | 'hanning' | 'kaiser';

/** The largest |beta| whose I0(beta) float64 holds (I0(700) is about 1.5e302). */
const MAX_KAISER_BETA = 700;

/** The window at r = n / (M - 1), in float64. */
function windowValue(op: WindowName, r: number, beta: number, inverseI0Beta: number): number {
  const turn = (t: number) => Math.cos(2 * Math.PI * t);
  if (op === 'bartlett') return 1 - Math.abs(2 * r - 1);
  if (op === 'blackman') return 0.42 - 0.5 * turn(r) + 0.08 * turn(2 * r);
  if (op === 'hamming') return 0.54 - 0.46 * turn(r);
  if (op === 'hanning') return 0.5 - 0.5 * turn(r);
  return besselI0(Math.abs(beta) * Math.sqrt(Math.max(1 - (2 * r - 1) ** 2, 0))) * inverseI0Beta;
}

/** The modified Bessel function of the first kind, order 0: the sum over k of ((x / 2)^k / k!)^2. */
function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let total = 1;
  for (let k = 1; k <= x || term > total * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    total += term;
  }
  return total;
}

function runWindow(op: WindowName, length: number, beta = 0): Tensor {
  if (!Number.isInteger(length)) throw new Error(`${op}: the window length must be an integer, got ${String(length)}.`);
  const m = Math.max(length, 0);
  const inverseI0Beta = 1 / besselI0(Math.abs(beta));
  return tensor(Float32Array.from({ length: m }, (_, n) => (m === 1 ? 1 : windowValue(op, n / (m - 1), beta, inverseI0Beta))), [m]);
}

/**
 * The Bartlett (triangular) window of length `x` (keras.ops.bartlett, NumPy's symmetric
 * window): `1 - |2n / (x - 1) - 1|`. Length 1 gives [1]; 0 or less gives an empty tensor.
 *
 * @example
 * ops.bartlett(5);   // [0, 0.5, 1, 0.5, 0]
 */
export function bartlett(x: number): Tensor {
  return runWindow('bartlett', x);
}

/**
 * The Blackman window of length `x` (keras.ops.blackman):
 * `0.42 - 0.5 cos(2 pi n / (x - 1)) + 0.08 cos(4 pi n / (x - 1))`.
 *
 * @example
 * ops.blackman(5);   // [~0, 0.34, 1, 0.34, ~0]
 */
export function blackman(x: number): Tensor {
  return runWindow('blackman', x);
}

/**
 * The Hamming window of length `x` (keras.ops.hamming): `0.54 - 0.46 cos(2 pi n / (x - 1))`.
 *
 * @example
 * ops.hamming(5);   // [0.08, 0.54, 1, 0.54, 0.08]
 */
export function hamming(x: number): Tensor {
  return runWindow('hamming', x);
}

/**
 * The Hann window of length `x` (keras.ops.hanning): `0.5 - 0.5 cos(2 pi n / (x - 1))`.
 *
 * @example
 * ops.hanning(5);   // [0, 0.5, 1, 0.5, 0]
 */
export function hanning(x: number): Tensor {
  return runWindow('hanning', x);
}

/**
 * The Kaiser window of length `x` and shape `beta` (keras.ops.kaiser):
 * `I0(beta sqrt(1 - (2n / (x - 1) - 1)^2)) / I0(beta)`, I0 the modified Bessel function of order
 * 0. |beta| is limited to 80 (the float32 range of I0; NumPy's float64 goes further).
 *
 * @example
 * ops.kaiser(5, 3);   // [0.2049, 0.7269, 1, 0.7269, 0.2049]
 */
export function kaiser(x: number, beta: number): Tensor {
  if (typeof beta !== 'number' || !Number.isFinite(beta) || Math.abs(beta) > MAX_KAISER_BETA) {
    throw new Error(`kaiser: beta must be a finite number with |beta| <= ${MAX_KAISER_BETA} (float64 holds I0 that far), got ${String(beta)}.`);
  }
  return runWindow('kaiser', x, beta);
}
