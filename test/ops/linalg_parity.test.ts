// keras.ops.linalg, the keras.ops.math ops and the deterministic keras.ops.core ops side by side
// with Keras 3.15.1 (JAX backend): test/fixtures/keras/make_linalg_parity.py wrote the inputs and
// Keras's outputs. Every case runs on the CPU backend, one case of 16 of the ops on webgpu. Where
// LAPACK's sign conventions for singular vectors, eigenvectors or Q differ from this library's
// (neither is part of Keras's contract), the values and the reconstruction are compared instead.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBackend, ops, setBackend, tensor, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

interface Arg { t: unknown; shape: number[]; dtype: 'float32' | 'int32' }
interface Output { v?: (number | string)[]; re?: (number | string)[]; im?: (number | string)[]; shape: number[]; dtype: string }
interface Params { [name: string]: any }
interface Case { id: string; op: string; args: Arg[]; params: Params; out: Output[]; check: 'exact' | 'close' | 'loose' | 'qr' | 'svd' | 'eigh' | 'eig' }

const CASES = (JSON.parse(readFileSync('test/fixtures/keras/linalg_parity.json', 'utf8')) as { cases: Case[] }).cases;

const numberOf = (v: number | string | null): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);
const flatten = (x: unknown): (number | string)[] => (Array.isArray(x) ? x.flatMap(flatten) : [x as number | string]);
const tensorOf = (a: Arg): Tensor => tensor(flatten(a.t).map(numberOf), a.shape, a.dtype);
const windowOf = (w: unknown) => (w !== null && typeof w === 'object' ? tensorOf(w as Arg) : (w as 'hann' | 'hamming' | null));
const normOrder = (ord: unknown) => (ord === null || ord === undefined ? undefined : typeof ord === 'string' && ord.endsWith('inf') ? numberOf(ord) : (ord as number | 'fro' | 'nuc'));
const combiners = { add: ops.add, max: ops.maximum, mul: ops.multiply } as const;

/** The outputs of this library for a case, in Keras's order. */
function outputsOf({ op, args, params: p }: Case): Tensor[] {
  const a = args.map(tensorOf);
  switch (op) {
    case 'cholesky': return [ops.cholesky(a[0], p.upper)];
    case 'choleskyInverse': return [ops.choleskyInverse(a[0], p.upper)];
    case 'det': return [ops.det(a[0])];
    case 'inv': return [ops.inv(a[0])];
    case 'logdet': return [ops.logdet(a[0])];
    case 'solve': return [ops.solve(a[0], a[1])];
    case 'solveTriangular': return [ops.solveTriangular(a[0], a[1], p.lower)];
    case 'lstsq': return [ops.lstsq(a[0], a[1], p.rcond ?? undefined)];
    case 'luFactor': return ops.luFactor(a[0]);
    case 'norm': return [ops.norm(a[0], normOrder(p.ord), p.axis, p.keepdims ?? false)];
    case 'qr': return ops.qr(a[0], p.mode);
    case 'svd': return p.computeUv === false ? [ops.svd(a[0], { computeUv: false })] : ops.svd(a[0], { fullMatrices: p.fullMatrices });
    case 'eigh': return ops.eigh(a[0]);
    case 'eig': return ops.eig(a[0]).flat();
    case 'jvp': return ops.jvp((x: Tensor) => ops.multiply(ops.sin(x), x), [a[0]], [a[1]]);
    case 'segmentSum': return [ops.segmentSum(a[0], a[1], p.numSegments, p.sorted)];
    case 'segmentMax': return [ops.segmentMax(a[0], a[1], p.numSegments, p.sorted)];
    case 'topK': return ops.topK(a[0], p.k);
    case 'inTopK': return [ops.inTopK(a[0], a[1], p.k)];
    case 'logsumexp': return [ops.logsumexp(a[0], p.axis, p.keepdims ?? false)];
    case 'extractSequences': return [ops.extractSequences(a[0], p.sequenceLength, p.sequenceStride)];
    case 'fft': return ops.fft([a[0], a[1]]);
    case 'fft2': return ops.fft2([a[0], a[1]]);
    case 'ifft2': return ops.ifft2([a[0], a[1]]);
    case 'rfft': return ops.rfft(a[0], p.fftLength ?? undefined);
    case 'irfft': return [ops.irfft([a[0], a[1]], p.fftLength ?? undefined)];
    case 'stft': return ops.stft(a[0], p.sequenceLength, p.sequenceStride, p.fftLength, { window: windowOf(p.window), center: p.center });
    case 'istft': return [ops.istft([a[0], a[1]], p.sequenceLength, p.sequenceStride, p.fftLength, { window: windowOf(p.window), center: p.center, length: p.length ?? undefined })];
    case 'rsqrt': return [ops.rsqrt(a[0])];
    case 'erf': return [ops.erf(a[0])];
    case 'erfinv': return [ops.erfinv(a[0])];
    case 'scatter': return [ops.scatter(a[0], a[1], p.shape)];
    case 'scatterUpdate': return [ops.scatterUpdate(a[0], a[1], a[2], p.reduction)];
    case 'slice': return [ops.slice(a[0], p.begin, p.size)];
    case 'sliceUpdate': return [ops.sliceUpdate(a[0], p.start, a[1])];
    case 'foriLoop': return [ops.foriLoop(p.lower, p.upper, (i: number, s: Tensor) => ops.add(ops.multiply(s, 2), i), a[0])];
    case 'scan': return ops.scan((carry: Tensor, x: Tensor) => [ops.add(carry, x), ops.multiply(carry, x)] as const, ops.zeros([2]), a[0], { reverse: p.reverse }) as Tensor[];
    case 'associativeScan': {
      const f = combiners[p.fn as keyof typeof combiners];
      return [ops.associativeScan((x: Tensor, y: Tensor) => f(x, y), a[0], { reverse: p.reverse, axis: p.axis ?? 0 })];
    }
    case 'switch': return [ops.switch(p.index, [(x: Tensor) => ops.add(x, 1), (x: Tensor) => ops.multiply(x, 10), (x: Tensor) => ops.negative(x)], a[0])];
    case 'unstack': return ops.unstack(a[0], null, p.axis);
    case 'saturateCast': return [ops.saturateCast(a[0], p.dtype)];
    case 'cast': return [ops.cast(a[0], p.dtype)];
  }
  throw new Error(`no runner for ${op}`);
}

/** The largest |got - want| (0 where both are NaN or equal infinities). */
function maxDifference(got: ArrayLike<number>, want: readonly number[]): number {
  let worst = 0;
  want.forEach((w, i) => {
    if (Object.is(w, got[i]) || w === got[i] || (Number.isNaN(w) && Number.isNaN(got[i]))) return;
    worst = Math.max(worst, Number.isFinite(w) ? Math.abs(got[i] - w) : Infinity);
  });
  return worst;
}

const scaleOf = (want: readonly number[]) => Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));
const TOLERANCE = { exact: 2e-5, close: 1e-4, loose: 1e-2, qr: 2e-5, svd: 2e-5, eigh: 2e-5, eig: 1e-4 };

/** x @ y for batches of matrices given flat, with shapes [..., m, k] and [..., k, n]. */
function matmulFlat(x: ArrayLike<number>, xShape: readonly number[], y: ArrayLike<number>, yShape: readonly number[]): number[] {
  const [m, k] = xShape.slice(-2);
  const n = yShape[yShape.length - 1];
  const out: number[] = [];
  for (let b = 0; b < x.length / (m * k); b++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += x[b * m * k + i * k + l] * y[b * k * n + l * n + j];
        out.push(s);
      }
    }
  }
  return out;
}

/** The differences from Keras, one line each; empty when the case agrees. */
async function differences(c: Case): Promise<string[]> {
  const got = outputsOf(c);
  const values = await Promise.all(got.map((t) => t.data()));
  const tolerance = TOLERANCE[c.check];
  const source = flatten(c.args[0].t).map(numberOf);
  if (c.check === 'eig') {
    // The eigenvalues as a set, and A v = w v for each column of v (LAPACK normalizes differently).
    const [wr, wi, vr, vi] = values;
    const want = c.out[0].re!.map((r, i) => [numberOf(r), numberOf(c.out[0].im![i])]);
    const n = wr.length;
    const problems = Array.from(wr, (r, j) => (want.some(([wantR, wantI]) => Math.hypot(r - wantR, wi[j] - wantI) < tolerance) ? '' : `eigenvalue ${r}+${wi[j]}i not Keras's`));
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let re = -(wr[j] * vr[i * n + j] - wi[j] * vi[i * n + j]);
        let im = -(wr[j] * vi[i * n + j] + wi[j] * vr[i * n + j]);
        for (let l = 0; l < n; l++) {
          re += source[i * n + l] * vr[l * n + j];
          im += source[i * n + l] * vi[l * n + j];
        }
        if (Math.hypot(re, im) > tolerance) problems.push(`A v != w v at column ${j}`);
      }
    }
    return problems.filter(Boolean);
  }
  const problems: string[] = [];
  c.out.forEach((o, i) => {
    if (JSON.stringify(got[i].shape) !== JSON.stringify(o.shape)) problems.push(`output ${i}: shape ${JSON.stringify(got[i].shape)}, Keras ${JSON.stringify(o.shape)}`);
    const want = o.v!.map(numberOf);
    const difference = maxDifference(values[i], want);
    if (difference > tolerance * scaleOf(want)) problems.push(`output ${i}: differs by ${difference}`);
  });
  if (problems.length === 0 || c.check === 'exact' || c.check === 'close' || c.check === 'loose') return problems;
  // Sign conventions: the values must agree and the factors reconstruct the input.
  const shape = c.args[0].shape;
  if (c.check === 'qr') {
    return maxDifference(matmulFlat(values[0], got[0].shape, values[1], got[1].shape), source) < 1e-4 ? [] : problems;
  }
  if (c.check === 'svd') {
    const [u, s, vh] = values;
    const [m, n] = shape.slice(-2);
    const k = Math.min(m, n);
    const uColumns = got[0].shape[got[0].rank - 1];
    const vhRows = got[2].shape[got[2].rank - 2];
    const batches = s.length / k;
    // u[..., :k] diag(s) and vh[..., :k, :]
    const scaled = Array.from({ length: batches * m * k }, (_, index) => {
      const [b, i, l] = [Math.floor(index / (m * k)), Math.floor(index / k) % m, index % k];
      return u[b * m * uColumns + i * uColumns + l] * s[b * k + l];
    });
    const leading = Array.from({ length: batches * k * n }, (_, index) => vh[Math.floor(index / (k * n)) * vhRows * n + (index % (k * n))]);
    const reconstructed = matmulFlat(scaled, [batches, m, k], leading, [batches, k, n]);
    const valuesAgree = maxDifference(s, c.out[1].v!.map(numberOf)) <= tolerance * scaleOf(c.out[1].v!.map(numberOf));
    return valuesAgree && maxDifference(reconstructed, source) < 1e-4 ? [] : problems;
  }
  // eigh: the eigenvalues agree and each eigenvector is Keras's up to its sign.
  const [w, v] = values;
  const kerasVectors = c.out[1].v!.map(numberOf);
  const n = shape[shape.length - 1];
  let worst = maxDifference(w, c.out[0].v!.map(numberOf));
  for (let b = 0; b < v.length / (n * n); b++) {
    for (let j = 0; j < n; j++) {
      const at = (i: number) => b * n * n + i * n + j;
      const sign = Array.from({ length: n }, (_, i) => v[at(i)] * kerasVectors[at(i)]).reduce((x, y) => x + y) < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(v[at(i)] - sign * kerasVectors[at(i)]));
    }
  }
  return worst < 1e-4 ? [] : problems;
}

async function disagreements(cases: readonly Case[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of cases) {
    for (const problem of await differences(c)) found.push(`${c.id} ${JSON.stringify(c.params)}: ${problem}`);
  }
  return found;
}

describe('linalg, math and core ops against Keras 3.15.1', () => {
  it('agree on the CPU backend for every case', async () => {
    const previous = getBackend();
    setBackend('cpu');
    try {
      expect(await disagreements(CASES)).toEqual([]);
    } finally {
      setBackend(previous);
    }
  });

  it('agree on webgpu for the first case of a sample of the ops', async () => {
    const sample = ['cholesky', 'det', 'solve', 'lstsq', 'luFactor', 'norm', 'qr', 'svd', 'eigh', 'eig', 'topK', 'segmentMax', 'stft', 'istft', 'scatterUpdate', 'saturateCast'];
    const firstOfEach = sample.map((op) => CASES.find((c) => c.op === op)!);
    expect(await disagreements(firstOfEach)).toEqual([]);
  });
});
