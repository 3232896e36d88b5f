// The Fourier transform along the last axis for lengths beyond the DFT-matrix path of fft.ts (more
// than MAX_DFT_LENGTH points, up to MAX_FFT_LENGTH): an O(n log n) FFT. Powers of two run as a
// radix-2 Stockham FFT, one dispatch per pass between ping-pong buffers (shaders/fft_large.wgsl);
// other lengths as Bluestein's algorithm, a convolution with a chirp done by power-of-two FFTs of
// at least 2n - 1 points. Every twiddle, chirp and chirp spectrum comes from tables computed on the
// host in float64, so the GPU result stays within float32 rounding of the exact DFT (a relative
// error growing like log2 n). The CPU kernel is the same algorithm in float64 throughout. The
// gradient of a transform is the transform of the other direction with the same scale (the DFT
// matrix is symmetric, its adjoint its conjugate), so it differentiates to any order.

import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import type { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { recordGradient } from '../autograd/tape';
import type { Tensor } from '../tensor/tensor';
import { runKernel, type Kernel } from './kernel';
import fftLargeShader from '../../shaders/fft_large.wgsl?raw';

/** The longest transform, of any length (Bluestein's padded transforms are at most twice as long). */
export const MAX_FFT_LENGTH = 2 ** 20;

const WORKGROUP_SIZE = 256;

interface FourierAttrs {
  /** Rows transformed (the product of the leading dimensions). */
  rows: number;
  /** Points of each row. */
  length: number;
  /** e^(+2πi·kt/n) instead of e^(-2πi·kt/n). */
  inverse: boolean;
  /** Multiplies the result (1 / n for a normalized inverse). */
  scale: number;
}

/**
 * The transform of real + i·imag along the last axis: scale · Σ_t x_t e^(∓2πi·kt/n), the sign
 * + when `inverse`. Shapes are kept. The gradient is the transform in the other direction.
 */
export function fourierLastAxis(real: Tensor, imag: Tensor, inverse: boolean, scale: number, opName: string): [Tensor, Tensor] {
  const length = real.shape[real.rank - 1];
  const attrs: FourierAttrs = { rows: real.size / length, length, inverse, scale };
  const spec = { shape: real.shape, dtype: 'float32' as const };
  const [outReal, outImag] = runKernel(fourierKernel, [real, imag], [spec, spec], attrs, opName);
  recordGradient(opName, [real, imag], [outReal, outImag], () => ([dReal, dImag]) => fourierLastAxis(dReal, dImag, !inverse, scale, opName));
  return [outReal, outImag];
}

const fourierKernel: Kernel<FourierAttrs> = {
  name: 'fourier',
  cpu([real, imag], [outReal, outImag], { rows, length, inverse, scale }) {
    const rowReal = new Float64Array(length);
    const rowImag = new Float64Array(length);
    for (let row = 0; row < rows; row++) {
      const offset = row * length;
      rowReal.set(real.values.subarray(offset, offset + length));
      rowImag.set(imag.values.subarray(offset, offset + length));
      transformFloat64(rowReal, rowImag, inverse);
      for (let k = 0; k < length; k++) {
        outReal.values[offset + k] = rowReal[k] * scale;
        outImag.values[offset + k] = rowImag[k] * scale;
      }
    }
  },
  webgpu(gpu, [real, imag], [outReal, outImag], { rows, length, inverse, scale }) {
    const direction = inverse ? 1 : -1;
    const source = { real: real.buffer, imag: imag.buffer };
    const target = { real: outReal.buffer, imag: outImag.buffer };
    if (isPowerOfTwo(length)) {
      const twiddles = gpu.upload(new Float32Array(twiddleTable(length)));
      const spare = allocatePair(gpu, rows * length);
      // Pass p writes buffers[p % 2]: the last pass must write the output.
      const passes = Math.log2(length);
      const buffers: [ComplexBuffers, ComplexBuffers] = passes % 2 === 1 ? [target, spare] : [spare, target];
      stockhamPasses(gpu, source, buffers, { rows, length, direction, scale, twiddles });
      // Later dispatches of this recording may reuse these buffers: they run after the passes.
      releaseAll(gpu, [twiddles, spare.real, spare.imag]);
      return;
    }
    const plan = bluesteinPlan(length, inverse);
    const padded = plan.paddedLength;
    const twiddles = gpu.upload(new Float32Array(twiddleTable(padded)));
    const chirp = gpu.upload(new Float32Array(plan.chirp));
    const spectrum = gpu.upload(new Float32Array(plan.spectrum));
    const first = allocatePair(gpu, rows * padded);
    const second = allocatePair(gpu, rows * padded);
    const uniforms = (signalLength: number, passScale = 1) => new Uniforms().u32(rows, padded, 0, signalLength).f32(passScale, direction).u32(0, 0).finish();
    const elementwise = (entryPoint: string, from: ComplexBuffers, to: ComplexBuffers, table: GPUBuffer, invocations: number, params: Uint8Array) => {
      gpu.dispatch({ shader: fftLargeShader, entryPoint, uniforms: params, buffers: [from.real, from.imag, to.real, to.imag, table], workgroups: gridFor(invocations, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension) });
    };
    // a = x · chirp, zero-padded; its convolution with the conjugate chirp is FFT⁻¹(FFT(a) · spectrum).
    elementwise('chirp_in', source, first, chirp, rows * padded, uniforms(length));
    const transformed = stockhamPasses(gpu, first, [second, first], { rows, length: padded, direction: -1, scale: 1, twiddles });
    const other = transformed === first ? second : first;
    elementwise('spectrum_multiply', transformed, other, spectrum, rows * padded, uniforms(padded));
    const convolved = stockhamPasses(gpu, other, [transformed, other], { rows, length: padded, direction: 1, scale: 1, twiddles });
    elementwise('chirp_out', convolved, target, chirp, rows * length, uniforms(length, scale));
    releaseAll(gpu, [twiddles, chirp, spectrum, first.real, first.imag, second.real, second.imag]);
  },
};

interface ComplexBuffers {
  real: GPUBuffer;
  imag: GPUBuffer;
}

interface StockhamPlan {
  rows: number;
  /** A power of two. */
  length: number;
  direction: number;
  /** Applied by the last pass. */
  scale: number;
  /** cos, sin of 2πm/length for m < length/2, interleaved. */
  twiddles: GPUBuffer;
}

/**
 * The log2(length) radix-2 passes of a Stockham FFT of `source`: pass p reads what pass p - 1
 * wrote (pass 0: `source`) and writes `buffers[p % 2]`. Returns the buffers holding the result.
 * `source` may be `buffers[1]`, never `buffers[0]`.
 */
function stockhamPasses(gpu: WebGPUBackend, source: ComplexBuffers, buffers: [ComplexBuffers, ComplexBuffers], plan: StockhamPlan): ComplexBuffers {
  const { rows, length, direction, scale, twiddles } = plan;
  const passes = Math.log2(length);
  const workgroups = gridFor((rows * length) / 2, WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension);
  let from = source;
  for (let pass = 0; pass < passes; pass++) {
    const to = buffers[pass % 2];
    const passScale = pass === passes - 1 ? scale : 1;
    const uniforms = new Uniforms().u32(rows, length, 2 ** pass, length).f32(passScale, direction).u32(0, 0).finish();
    gpu.dispatch({ shader: fftLargeShader, entryPoint: 'stockham_pass', uniforms, buffers: [from.real, from.imag, to.real, to.imag, twiddles], workgroups });
    from = to;
  }
  return from;
}

function allocatePair(gpu: WebGPUBackend, elements: number): ComplexBuffers {
  return { real: gpu.allocate(elements * 4), imag: gpu.allocate(elements * 4) };
}

function releaseAll(gpu: WebGPUBackend, buffers: GPUBuffer[]): void {
  for (const buffer of buffers) gpu.release(buffer);
}

function isPowerOfTwo(n: number): boolean {
  return (n & (n - 1)) === 0;
}

/** The smallest power of two ≥ n. */
function powerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

/** The transform in place, in float64, unnormalized: e^(-2πi·kt/n), or e^(+2πi·kt/n) when `inverse`. */
function transformFloat64(real: Float64Array, imag: Float64Array, inverse: boolean): void {
  if (isPowerOfTwo(real.length)) radix2Float64(real, imag, inverse);
  else bluesteinFloat64(real, imag, inverse);
}

/** An iterative radix-2 FFT in place (bit-reversed reordering, then butterflies), twiddles from twiddleTable. */
function radix2Float64(real: Float64Array, imag: Float64Array, inverse: boolean): void {
  const n = real.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const [swapReal, swapImag] = [real[i], imag[i]];
      real[i] = real[j];
      imag[i] = imag[j];
      real[j] = swapReal;
      imag[j] = swapImag;
    }
  }
  const twiddles = twiddleTable(n);
  const direction = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wReal = twiddles[2 * k * step];
        const wImag = direction * twiddles[2 * k * step + 1];
        const a = start + k;
        const b = a + half;
        const bReal = real[b] * wReal - imag[b] * wImag;
        const bImag = real[b] * wImag + imag[b] * wReal;
        real[b] = real[a] - bReal;
        imag[b] = imag[a] - bImag;
        real[a] += bReal;
        imag[a] += bImag;
      }
    }
  }
}

/** Bluestein's algorithm in place: the chirp convolution through radix-2 transforms in float64. */
function bluesteinFloat64(real: Float64Array, imag: Float64Array, inverse: boolean): void {
  const n = real.length;
  const { paddedLength, chirp, spectrum } = bluesteinPlan(n, inverse);
  const paddedReal = new Float64Array(paddedLength);
  const paddedImag = new Float64Array(paddedLength);
  for (let t = 0; t < n; t++) {
    paddedReal[t] = real[t] * chirp[2 * t] - imag[t] * chirp[2 * t + 1];
    paddedImag[t] = real[t] * chirp[2 * t + 1] + imag[t] * chirp[2 * t];
  }
  radix2Float64(paddedReal, paddedImag, false);
  for (let m = 0; m < paddedLength; m++) {
    const [a, b] = [paddedReal[m], paddedImag[m]];
    paddedReal[m] = a * spectrum[2 * m] - b * spectrum[2 * m + 1];
    paddedImag[m] = a * spectrum[2 * m + 1] + b * spectrum[2 * m];
  }
  radix2Float64(paddedReal, paddedImag, true);
  for (let k = 0; k < n; k++) {
    real[k] = paddedReal[k] * chirp[2 * k] - paddedImag[k] * chirp[2 * k + 1];
    imag[k] = paddedReal[k] * chirp[2 * k + 1] + paddedImag[k] * chirp[2 * k];
  }
}

interface BluesteinPlan {
  /** The power of two ≥ 2n - 1 the convolution runs at. */
  paddedLength: number;
  /** c_t = e^(∓πi·t²/n) for t < n, interleaved (real, imag). */
  chirp: Float64Array;
  /** FFT(b) / paddedLength, b being conj(c) laid out for a circular convolution over ±(n - 1), interleaved. */
  spectrum: Float64Array;
}

/**
 * Host tables of recent lengths (a training loop transforms the same lengths again and again;
 * the largest cost ~10^7 float64 operations to build), the oldest dropped beyond a few.
 */
const hostTables = new Map<string, Float64Array | BluesteinPlan>();
const HOST_TABLES_KEPT = 6;

function cached<T extends Float64Array | BluesteinPlan>(key: string, build: () => T): T {
  let value = hostTables.get(key) as T | undefined;
  if (value) hostTables.delete(key);
  else value = build();
  hostTables.set(key, value);
  if (hostTables.size > HOST_TABLES_KEPT) hostTables.delete(hostTables.keys().next().value!);
  return value;
}

/** cos and sin of 2πm/n for m < n/2, interleaved, in float64. */
function twiddleTable(n: number): Float64Array {
  return cached(`twiddles ${n}`, () => {
    const table = new Float64Array(n);
    for (let m = 0; m < n / 2; m++) {
      table[2 * m] = Math.cos((2 * Math.PI * m) / n);
      table[2 * m + 1] = Math.sin((2 * Math.PI * m) / n);
    }
    return table;
  });
}

/**
 * Bluestein's tables for a transform of n points: kt = (k² + t² - (k - t)²) / 2 turns the DFT into
 * X_k = c_k Σ_t (x_t c_t) conj(c)_(k-t) with c_m = e^(∓πi·m²/n). The angle's m² is reduced mod
 * 2n exactly (m² < 2^53) before the float64 cos and sin.
 */
function bluesteinPlan(n: number, inverse: boolean): BluesteinPlan {
  return cached(`bluestein ${n} ${inverse}`, () => {
    const paddedLength = powerOfTwoAtLeast(2 * n - 1);
    const sign = inverse ? 1 : -1;
    const chirp = new Float64Array(2 * n);
    for (let m = 0; m < n; m++) {
      const angle = (Math.PI * ((m * m) % (2 * n))) / n;
      chirp[2 * m] = Math.cos(angle);
      chirp[2 * m + 1] = sign * Math.sin(angle);
    }
    const kernelReal = new Float64Array(paddedLength);
    const kernelImag = new Float64Array(paddedLength);
    for (let m = 0; m < n; m++) {
      for (const at of m === 0 ? [0] : [m, paddedLength - m]) [kernelReal[at], kernelImag[at]] = [chirp[2 * m], -chirp[2 * m + 1]];
    }
    radix2Float64(kernelReal, kernelImag, false);
    const spectrum = new Float64Array(2 * paddedLength);
    for (let m = 0; m < paddedLength; m++) [spectrum[2 * m], spectrum[2 * m + 1]] = [kernelReal[m] / paddedLength, kernelImag[m] / paddedLength];
    return { paddedLength, chirp, spectrum };
  });
}
