// The 3-D ops (conv3d, conv3dTranspose, maxPool3d, avgPool3d): each GPU kernel against the CPU
// backend, float64 plain-loop references written here (independent of im2col and of the pooling
// kernels), channels-first against channels-last, hand-computed values, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { setBackend, tensor, type Tensor } from '../../src/node';
import { ops } from '../../src/index';
import { conv3d, conv3dTranspose } from '../../src/ops/conv3d';
import { avgPool3d, maxPool3d } from '../../src/ops/pooling';
import { conv3dCases } from '../cases/conv3d';
import { seededRandom } from '../cases/data';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const range = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Where the windows of one axis sit: output count and padding before (TensorFlow's rules). */
function placement(input: number, kernel: number, stride: number, dilation: number, padding: 'valid' | 'same'): { out: number; before: number } {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((input - span) / stride) + 1, before: 0 };
  const out = Math.ceil(input / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - input, 0) / 2) };
}

/** A channels-last [n, d, h, w, c] index. */
const at5 = ([, d, h, w, c]: number[], b: number, z: number, y: number, x: number, ch: number) => (((b * d + z) * h + y) * w + x) * c + ch;

/** conv3d by direct loops over the output in float64, groups included: the definition. */
function referenceConv3d(x: number[], xs: number[], k: number[], ks: number[], strides: number[], dilation: number[], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const [n, , , , cin] = xs;
  const [kd, kh, kw, groupIn, cout] = ks;
  const groupOut = cout / (cin / groupIn);
  const axes = [0, 1, 2].map((i) => placement(xs[i + 1], ks[i], strides[i], dilation[i], padding));
  const shape = [n, ...axes.map((a) => a.out), cout];
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oz = 0; oz < axes[0].out; oz++) {
      for (let oy = 0; oy < axes[1].out; oy++) {
        for (let ox = 0; ox < axes[2].out; ox++) {
          for (let co = 0; co < cout; co++) {
            const group = Math.floor(co / groupOut);
            let sum = 0;
            for (let dz = 0; dz < kd; dz++) {
              for (let dy = 0; dy < kh; dy++) {
                for (let dx = 0; dx < kw; dx++) {
                  const iz = oz * strides[0] - axes[0].before + dz * dilation[0];
                  const iy = oy * strides[1] - axes[1].before + dy * dilation[1];
                  const ix = ox * strides[2] - axes[2].before + dx * dilation[2];
                  if (iz < 0 || iz >= xs[1] || iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3]) continue;
                  for (let ci = 0; ci < groupIn; ci++) {
                    sum += x[at5(xs, b, iz, iy, ix, group * groupIn + ci)] * k[at5([0, kd, kh, kw, groupIn * cout], 0, dz, dy, dx, ci * cout + co)];
                  }
                }
              }
            }
            out.push(sum);
          }
        }
      }
    }
  }
  return { shape, values: out };
}

/**
 * conv3dTranspose by scattering each input element through the kernel, in float64 (TensorFlow's
 * conv3d_transpose for a given output size): y[i * s + k * d - before] += x[i] * K[k, co, ci].
 */
function referenceConv3dTranspose(x: number[], xs: number[], k: number[], ks: number[], strides: number[], outSpatial: number[]): number[] {
  const [n, , , , cin] = xs;
  const [kd, kh, kw, cout] = ks;
  const ys = [n, ...outSpatial, cout];
  const before = [0, 1, 2].map((i) => Math.floor(Math.max((xs[i + 1] - 1) * strides[i] + ks[i] - outSpatial[i], 0) / 2));
  const y = new Float64Array(size(ys));
  for (let b = 0; b < n; b++) {
    for (let iz = 0; iz < xs[1]; iz++) {
      for (let iy = 0; iy < xs[2]; iy++) {
        for (let ix = 0; ix < xs[3]; ix++) {
          for (let dz = 0; dz < kd; dz++) {
            for (let dy = 0; dy < kh; dy++) {
              for (let dx = 0; dx < kw; dx++) {
                const [oz, oy, ox] = [iz * strides[0] + dz - before[0], iy * strides[1] + dy - before[1], ix * strides[2] + dx - before[2]];
                if (oz < 0 || oz >= ys[1] || oy < 0 || oy >= ys[2] || ox < 0 || ox >= ys[3]) continue;
                for (let co = 0; co < cout; co++) {
                  for (let ci = 0; ci < cin; ci++) y[at5(ys, b, oz, oy, ox, co)] += x[at5(xs, b, iz, iy, ix, ci)] * k[at5([0, kd, kh, kw, cout * cin], 0, dz, dy, dx, co * cin + ci)];
                }
              }
            }
          }
        }
      }
    }
  }
  return Array.from(y);
}

/** Max or average pooling by direct loops over the clipped windows, in float64. */
function referencePool3d(mode: 'max' | 'avg', x: number[], xs: number[], pool: number[], strides: number[], padding: 'valid' | 'same'): { shape: number[]; values: number[] } {
  const [n, , , , c] = xs;
  const axes = [0, 1, 2].map((i) => placement(xs[i + 1], pool[i], strides[i], 1, padding));
  const out: number[] = [];
  const clip = (i: number, o: number) => {
    const start = o * strides[i] - axes[i].before;
    return range(Math.min(start + pool[i], xs[i + 1]) - Math.max(start, 0), Math.max(start, 0));
  };
  for (let b = 0; b < n; b++) {
    for (let oz = 0; oz < axes[0].out; oz++) {
      for (let oy = 0; oy < axes[1].out; oy++) {
        for (let ox = 0; ox < axes[2].out; ox++) {
          for (let ch = 0; ch < c; ch++) {
            const window = clip(0, oz).flatMap((z) => clip(1, oy).flatMap((y) => clip(2, ox).map((xi) => x[at5(xs, b, z, y, xi, ch)])));
            out.push(mode === 'max' ? Math.max(...window) : window.reduce((a, v) => a + v, 0) / window.length);
          }
        }
      }
    }
  }
  return { shape: [n, ...axes.map((a) => a.out), c], values: out };
}

/** Runs `body` on each backend in turn, WebGPU first. */
async function onEachBackend(body: () => Promise<void>): Promise<void> {
  for (const backend of ['webgpu', 'cpu'] as const) {
    setBackend(backend);
    try {
      await body();
    } finally {
      setBackend('webgpu');
    }
  }
}

function randomValues(n: number, seed: number): number[] {
  const next = seededRandom(seed);
  return range(n).map(() => next() - 0.5);
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(expected[i])));
}

describe('GPU matches CPU', () => checkCases(conv3dCases));

describe('conv3d against direct loops', () => {
  const cases: Array<[string, number[], number[], { strides: number[]; dilationRate: number[]; padding: 'valid' | 'same' }]> = [
    ['valid', [2, 4, 3, 5, 2], [2, 2, 3, 2, 3], { strides: [1, 1, 1], dilationRate: [1, 1, 1], padding: 'valid' }],
    ["strides with 'same' (odd padding split)", [1, 5, 4, 6, 3], [3, 2, 4, 3, 2], { strides: [2, 1, 2], dilationRate: [1, 1, 1], padding: 'same' }],
    ["dilation with 'same'", [1, 5, 5, 4, 1], [2, 3, 2, 1, 2], { strides: [1, 1, 1], dilationRate: [2, 2, 1], padding: 'same' }],
    ['two groups', [1, 3, 4, 3, 4], [2, 2, 2, 2, 6], { strides: [1, 1, 1], dilationRate: [1, 1, 1], padding: 'valid' }],
  ];
  for (const [name, xs, ks, options] of cases) {
    it(`${name}: x [${xs}] kernel [${ks}] on both backends`, async () => {
      const x = randomValues(size(xs), 3);
      const k = randomValues(size(ks), 4);
      const expected = referenceConv3d(x, xs, k, ks, options.strides, options.dilationRate, options.padding);
      await onEachBackend(async () => {
        const y = conv3d(tensor(x, xs), tensor(k, ks), options as never);
        expect(y.shape).toEqual(expected.shape);
        expectClose(await values(y), expected.values);
      });
    });
  }

  it('a 2x2x2 kernel of ones sums each cube of 1..27', async () => {
    const y = conv3d(tensor(range(27, 1), [1, 3, 3, 3, 1]), ops.ones([2, 2, 2, 1, 1]));
    expect(y.shape).toEqual([1, 2, 2, 2, 1]);
    // The cube at (z, y, x) holds 1 + 9z + 3y + x + the offsets {0, 1, 3, 4, 9, 10, 12, 13}.
    expect(await values(y)).toEqual([60, 68, 84, 92, 132, 140, 156, 164]);
  });

  it("channels_first is channels_last between transposes (the kernel's layout is the same)", async () => {
    const x = tensor(randomValues(2 * 3 * 4 * 3 * 5, 8), [2, 3, 4, 3, 5]);
    const kernel = tensor(randomValues(2 * 2 * 2 * 3 * 4, 9), [2, 2, 2, 3, 4]);
    const first = conv3d(x, kernel, { dataFormat: 'channels_first', strides: [1, 2, 1], padding: 'same' });
    const last = ops.transpose(conv3d(ops.transpose(x, [0, 2, 3, 4, 1]), kernel, { strides: [1, 2, 1], padding: 'same' }), [0, 4, 1, 2, 3]);
    expect(first.shape).toEqual([2, 4, 4, 2, 5]);
    expectClose(await values(first), await values(last));
  });
});

describe('conv3dTranspose against the scatter definition', () => {
  const cases: Array<[string, number[], number[], { strides: number[]; padding: 'valid' | 'same'; outputPadding?: number[] }, number[]]> = [
    // 'valid': (size - 1) * stride + max(kernel, stride).
    ['valid, stride 1', [1, 2, 3, 2, 2], [2, 2, 3, 3, 2], { strides: [1, 1, 1], padding: 'valid' }, [3, 4, 4]],
    ['valid, strides above the kernel', [2, 2, 2, 3, 1], [2, 1, 2, 2, 1], { strides: [3, 2, 2], padding: 'valid' }, [6, 4, 6]],
    // 'same': size * stride.
    ["'same', stride 2", [1, 2, 3, 2, 2], [3, 3, 4, 2, 2], { strides: [2, 2, 2], padding: 'same' }, [4, 6, 4]],
    // outputPadding p: (size - 1) * stride + kernel + p with 'valid'.
    ['valid with outputPadding', [1, 2, 2, 2, 1], [2, 2, 2, 1, 1], { strides: [2, 2, 2], padding: 'valid', outputPadding: [1, 0, 1] }, [5, 4, 5]],
  ];
  for (const [name, xs, ks, options, outSpatial] of cases) {
    it(`${name}: x [${xs}] kernel [${ks}] -> [${outSpatial}]`, async () => {
      const x = randomValues(size(xs), 5);
      const k = randomValues(size(ks), 6);
      const expected = referenceConv3dTranspose(x, xs, k, ks, options.strides, outSpatial);
      await onEachBackend(async () => {
        const y = conv3dTranspose(tensor(x, xs), tensor(k, ks), options as never);
        expect(y.shape).toEqual([xs[0], ...outSpatial, ks[3]]);
        expectClose(await values(y), expected);
      });
    });
  }

  it('is the adjoint of conv3d: <conv3d(a, K), b> = <a, conv3dTranspose(b, K)>', async () => {
    const options = { strides: [2, 1, 2] as [number, number, number], padding: 'same' as const };
    const a = tensor(randomValues(2 * 4 * 3 * 4 * 2, 10), [2, 4, 3, 4, 2]);
    const kernel = tensor(randomValues(3 * 2 * 3 * 2 * 3, 11), [3, 2, 3, 2, 3]);
    const forward = conv3d(a, kernel, options);
    const b = tensor(randomValues(size([...forward.shape]), 12), [...forward.shape]);
    const left = (await values(forward.mul(b).sum())).at(0)!;
    const right = (await values(a.mul(conv3dTranspose(b, kernel, options)).sum())).at(0)!;
    expect(Math.abs(left - right)).toBeLessThan(1e-4);
  });
});

describe('3-D pooling against direct loops', () => {
  const cases: Array<[number[], number[], number[], 'valid' | 'same']> = [
    [[2, 4, 4, 4, 2], [2, 2, 2], [2, 2, 2], 'valid'],
    [[1, 5, 4, 5, 3], [3, 2, 3], [2, 2, 2], 'same'],
    [[1, 3, 5, 4, 1], [1, 3, 2], [1, 1, 2], 'valid'],
    [[1, 4, 3, 5, 2], [2, 3, 2], [1, 2, 1], 'same'],
  ];
  for (const [xs, pool, strides, padding] of cases) {
    for (const mode of ['max', 'avg'] as const) {
      it(`${mode}Pool3d [${xs}] pool [${pool}] strides [${strides}] ${padding}`, async () => {
        const x = randomValues(size(xs), 13);
        const expected = referencePool3d(mode, x, xs, pool, strides, padding);
        const op = mode === 'max' ? maxPool3d : avgPool3d;
        await onEachBackend(async () => {
          const y = op(tensor(x, xs), { poolSize: pool as never, strides: strides as never, padding });
          expect(y.shape).toEqual(expected.shape);
          expectClose(await values(y), expected.values);
        });
      });
    }
  }

  it('pools a 2x2x2 cube of 0..7 (default window 2)', async () => {
    const cube = tensor(range(16), [1, 2, 2, 2, 2]);
    expect(await values(maxPool3d(cube))).toEqual([14, 15]);
    expect(await values(avgPool3d(cube))).toEqual([7, 8]);
  });

  it("channels_first is channels_last between transposes", async () => {
    const x = tensor(randomValues(2 * 3 * 4 * 5 * 3, 14), [2, 3, 4, 5, 3]);
    for (const op of [maxPool3d, avgPool3d]) {
      const first = op(x, { dataFormat: 'channels_first', poolSize: [2, 2, 3], padding: 'same' });
      const last = ops.transpose(op(ops.transpose(x, [0, 2, 3, 4, 1]), { poolSize: [2, 2, 3], padding: 'same' }), [0, 4, 1, 2, 3]);
      expect(first.shape).toEqual([2, 3, 2, 3, 1]);
      expect(await values(first)).toEqual(await values(last));
    }
  });
});

describe('errors, before any GPU work', () => {
  const x = () => tensor(new Float32Array(2 * 4 * 4 * 4 * 3), [2, 4, 4, 4, 3]);
  const kernel = (shape = [2, 2, 2, 3, 4]) => tensor(new Float32Array(size(shape)), shape);

  it('names wrong ranks with the expected layout', () => {
    expect(() => conv3d(tensor(new Float32Array(48), [4, 4, 3]), kernel())).toThrow('conv3d: x must have rank 5 [batch, depth, height, width, channels], got shape [4,4,3] (rank 3).');
    expect(() => conv3d(tensor(new Float32Array(48), [4, 4, 3]), kernel(), { dataFormat: 'channels_first' })).toThrow('conv3d: x must have rank 5 [batch, channels, depth, height, width]');
    expect(() => conv3d(x(), kernel([2, 2, 3, 4]))).toThrow('conv3d: kernel must have rank 5 [kernelDepth, kernelHeight, kernelWidth, inChannels, outChannels], got shape [2,2,3,4] (rank 4).');
    expect(() => maxPool3d(tensor(new Float32Array(16), [1, 4, 4, 1]))).toThrow('maxPool3d: x must have rank 5 [batch, depth, height, width, channels], got shape [1,4,4,1] (rank 4).');
  });

  it('names channel mismatches and bad groups', () => {
    expect(() => conv3d(x(), kernel([2, 2, 2, 2, 4]))).toThrow('conv3d: input channels differ: x [2,4,4,4,3] has 3, kernel [2,2,2,2,4] expects 2.');
    expect(() => conv3d(tensor(new Float32Array(2 * 64 * 4), [2, 4, 4, 4, 4]), kernel([2, 2, 2, 2, 3]))).toThrow("conv3d: a grouped convolution of x [2,4,4,4,4] by kernel [2,2,2,2,3] has 2 groups (4 / 2 channels), which must divide the kernel's 3 output channels.");
    expect(() => conv3dTranspose(x(), kernel([2, 2, 2, 4, 2]))).toThrow('conv3dTranspose: input channels differ: x [2,4,4,4,3] has 3, kernel [2,2,2,4,2] expects 2 (its last axis; a transposed kernel is [..., outChannels, inChannels]).');
  });

  it('names windows larger than the input', () => {
    expect(() => conv3d(x(), kernel([5, 2, 2, 3, 4]))).toThrow("conv3d: kernel [5,2,2,3,4] with dilation [1,1,1] spans 5x2x2, larger than the input x [2,4,4,4,3] (4x4x4) with padding 'valid'.");
    expect(() => avgPool3d(x(), { poolSize: [1, 5, 1] })).toThrow("avgPool3d: pool size [1,5,1] is larger than the input x [2,4,4,4,3] (4x4x4) with padding 'valid'.");
  });

  it('names bad options, with the camelCase hint for Keras names', () => {
    expect(() => conv3d(x(), kernel(), { strides: [1, 2] as never })).toThrow('conv3d: strides must be a positive integer or a list of 3 of them [depth, height, width], got [1,2].');
    expect(() => conv3d(x(), kernel(), { dilationRate: 0 })).toThrow('conv3d: dilationRate must be a positive integer or a list of 3 of them [depth, height, width], got 0.');
    expect(() => conv3d(x(), kernel(), { padding: 'causal' as never })).toThrow(`conv3d: padding must be one of 'valid', 'same', got "causal".`);
    expect(() => conv3d(x(), kernel(), { data_format: 'channels_first' } as never)).toThrow("conv3d: unknown option 'data_format' (did you mean 'dataFormat'?)");
    expect(() => conv3d(x(), kernel(), { dataFormat: 'NCDHW' as never })).toThrow(`conv3d: Invalid value for argument \`dataFormat\`. Expected 'channels_last' or 'channels_first'. Received: dataFormat="NCDHW"`);
    expect(() => conv3dTranspose(x(), kernel([2, 2, 2, 4, 3]), { outputPadding: -1 })).toThrow('conv3dTranspose: outputPadding must be a non-negative integer or a list of 3 of them [depth, height, width], got -1.');
    expect(() => maxPool3d(x(), { pool_size: 2 } as never)).toThrow("maxPool3d: unknown option 'pool_size' (did you mean 'poolSize'?)");
    expect(() => avgPool3d(x(), { strides: [2, 2, 0] })).toThrow('avgPool3d: strides must be a positive integer or a list of 3 of them [depth, height, width], got [2,2,0].');
  });

  it('names non-float inputs', () => {
    expect(() => conv3d(tensor(new Int32Array(2 * 64 * 3), [2, 4, 4, 4, 3], 'int32'), kernel())).toThrow("conv3d: x is int32 (shape [2,4,4,4,3]); conv3d takes float32 tensors. Cast it first: ops.cast(x, 'float32').");
  });
});
