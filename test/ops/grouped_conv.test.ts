// Grouped convolutions (a kernel of inChannels / groups input channels, as Keras ops.conv) and the
// 1-D depthwise convolution: GPU against CPU (forward and both gradients), a float64 direct loop
// that reads only each group's channels, the block-diagonal full kernel that a grouped kernel is,
// the depthwise convolution that groups == channels is, and the errors for sizes that do not divide.

import { describe, expect, it } from 'vitest';
import { GradientTape, setBackend, tensor, type Tensor } from '../../src/node';
import { conv1d, conv2d } from '../../src/ops/conv';
import { depthwiseConv1d, depthwiseConv2d } from '../../src/ops/depthwise_conv';
import type { OpCase } from '../cases/case';
import { rand, seededRandom } from '../cases/data';
import { gradientsOf } from '../cases/conv';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function seeded(size: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: size }, () => next() - 0.5);
}

interface Window {
  stride: [number, number];
  dilation: [number, number];
  padBefore: [number, number];
  out: [number, number];
}

/**
 * Grouped conv2d by direct loops in float64: output channel o belongs to group
 * floor(o / (cout / groups)) and sums only that group's input channels.
 */
function referenceGroupedConv2d(x: number[], [n, h, w, cin]: number[], k: number[], [kh, kw, cg, cout]: number[], { stride, dilation, padBefore, out }: Window): number[] {
  const groups = cin / cg;
  const perGroup = cout / groups;
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < out[0]; oy++)
      for (let ox = 0; ox < out[1]; ox++)
        for (let o = 0; o < cout; o++) {
          const group = Math.floor(o / perGroup);
          let sum = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * stride[0] - padBefore[0] + ky * dilation[0];
              const ix = ox * stride[1] - padBefore[1] + kx * dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let c = 0; c < cg; c++) sum += x[((b * h + iy) * w + ix) * cin + group * cg + c] * k[((ky * kw + kx) * cg + c) * cout + o];
            }
          y.push(sum);
        }
  return y;
}

/** Runs `f` on each backend and checks it against `expected`. */
async function onBothBackends(f: () => Tensor, shape: number[], expected: number[]): Promise<void> {
  for (const backend of ['webgpu', 'cpu'] as const) {
    setBackend(backend);
    try {
      const y = f();
      expect(y.shape).toEqual(shape);
      const got = await y.data();
      expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    } finally {
      setBackend('webgpu');
    }
  }
}

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };
const gpuCases: OpCase[] = [
  { name: 'grouped conv2d [2,7,6,6] x [3,3,2,9], 3 groups, same, strides 2', run: () => conv2d(rand([2, 7, 6, 6]), rand([3, 3, 2, 9]), { strides: 2, padding: 'same' }), ...TOLERANCE },
  { name: 'grouped conv2d [1,6,6,4] x [2,2,1,8], 4 groups, dilation 2', run: () => conv2d(rand([1, 6, 6, 4]), rand([2, 2, 1, 8]), { dilationRate: 2 }), ...TOLERANCE },
  { name: 'grouped conv2d 1x1 [2,3,3,6] x [1,1,3,4], 2 groups (pointwise path)', run: () => conv2d(rand([2, 3, 3, 6]), rand([1, 1, 3, 4])), ...TOLERANCE },
  { name: 'grouped conv1d [2,9,4] x [3,2,6], 2 groups, causal', run: () => conv1d(rand([2, 9, 4]), rand([3, 2, 6]), { padding: 'causal' }), ...TOLERANCE },
  { name: 'grouped conv2d gradients, 3 groups, same, strides 2', run: gradientsOf((x, k) => conv2d(x, k, { strides: 2, padding: 'same' }), [2, 5, 5, 6], [3, 3, 2, 3]), ...TOLERANCE },
  { name: 'grouped conv1d gradients, 2 groups, dilation 2', run: gradientsOf((x, k) => conv1d(x, k, { dilationRate: 2, padding: 'same' }), [2, 8, 4], [3, 2, 4]), ...TOLERANCE },
  { name: 'depthwiseConv1d [2,9,3] x [3,3,2], same, strides 2', run: () => depthwiseConv1d(rand([2, 9, 3]), rand([3, 3, 2]), { strides: 2, padding: 'same' }), ...TOLERANCE },
  { name: 'depthwiseConv1d gradients, dilation 2', run: gradientsOf((x, k) => depthwiseConv1d(x, k, { dilationRate: 2 }), [2, 9, 3], [3, 3, 2]), ...TOLERANCE },
];

describe('GPU matches CPU', () => checkCases(gpuCases));

describe('grouped conv2d and conv1d', () => {
  it('match a float64 loop over each group (3 groups, strides 2, dilation, same) on both backends', async () => {
    const xShape = [2, 9, 8, 6];
    const kShape = [3, 2, 2, 9];
    const x = seeded(product(xShape), 1);
    const k = seeded(product(kShape), 2);
    // rows: ceil(9 / 2) = 5, span 3, total (5-1)*2+3-9 = 2, 1 before; cols: ceil(8 / 2) = 4, span 2, total 0.
    const expected = referenceGroupedConv2d(x, xShape, k, kShape, { stride: [2, 2], dilation: [1, 1], padBefore: [1, 0], out: [5, 4] });
    await onBothBackends(() => conv2d(tensor(x, xShape), tensor(k, kShape), { strides: 2, padding: 'same' }), [2, 5, 4, 9], expected);
    // dilation [2, 1], 'valid': rows 9 - 5 + 1 = 5, cols 8 - 2 + 1 = 7.
    const dilated = referenceGroupedConv2d(x, xShape, k, kShape, { stride: [1, 1], dilation: [2, 1], padBefore: [0, 0], out: [5, 7] });
    await onBothBackends(() => conv2d(tensor(x, xShape), tensor(k, kShape), { dilationRate: [2, 1] }), [2, 5, 7, 9], dilated);
  });

  it('conv1d with causal padding matches the loop on a row of height 1', async () => {
    const x = seeded(2 * 7 * 4, 3);
    const k = seeded(3 * 1 * 8, 4);
    const expected = referenceGroupedConv2d(x, [2, 1, 7, 4], k, [1, 3, 1, 8], { stride: [1, 1], dilation: [1, 2], padBefore: [0, 4], out: [1, 7] });
    await onBothBackends(() => conv1d(tensor(x, [2, 7, 4]), tensor(k, [3, 1, 8]), { padding: 'causal', dilationRate: 2 }), [2, 7, 8], expected);
  });

  it('equals a full convolution by the block-diagonal kernel, values and gradients', async () => {
    const [groups, cg, perGroup] = [2, 3, 2];
    const x = rand([2, 5, 5, groups * cg]);
    const grouped = seeded(3 * 3 * cg * groups * perGroup, 5);
    // Full kernel [3, 3, 6, 4]: input channel c feeds output o only when both are in the same group.
    const full: number[] = [];
    for (let tap = 0; tap < 9; tap++)
      for (let c = 0; c < groups * cg; c++)
        for (let o = 0; o < groups * perGroup; o++) {
          const same = Math.floor(c / cg) === Math.floor(o / perGroup);
          full.push(same ? grouped[(tap * cg + (c % cg)) * groups * perGroup + o] : 0);
        }
    const groupedKernel = tensor(grouped, [3, 3, cg, groups * perGroup]);
    const fullKernel = tensor(full, [3, 3, groups * cg, groups * perGroup]);
    const r = rand([2, 5, 5, 4]);
    const run = (kernel: Tensor) => {
      const tape = new GradientTape();
      tape.watch(x, kernel);
      const y = tape.record(() => conv2d(x, kernel, { padding: 'same' }));
      const [dx, dKernel] = tape.gradient(tape.record(() => y.mul(r)), [x, kernel]) as Tensor[];
      return { y, dx, dKernel };
    };
    const a = run(groupedKernel);
    const b = run(fullKernel);
    const close = async (p: Tensor, q: Tensor) => {
      const [pv, qv] = [await p.data(), await q.data()];
      qv.forEach((v, i) => expect(pv[i]).toBeCloseTo(v, 5));
    };
    await close(a.y, b.y);
    await close(a.dx, b.dx);
    // The grouped kernel's gradient is the full kernel's gradient on the diagonal blocks.
    const fullGrad = await b.dKernel.data();
    const groupedGrad = await a.dKernel.data();
    full.forEach((v, i) => {
      if (v === 0) return;
      const [tap, rest] = [Math.floor(i / 24), i % 24];
      const [c, o] = [Math.floor(rest / 4), rest % 4];
      expect(groupedGrad[(tap * cg + (c % cg)) * 4 + o]).toBeCloseTo(fullGrad[i], 5);
    });
  });

  it('with groups == channels is the depthwise convolution (the kernels share one layout)', async () => {
    const x = rand([2, 6, 5, 3]);
    const k = seeded(3 * 3 * 3 * 2, 6);
    const grouped = conv2d(x, tensor(k, [3, 3, 1, 6]), { strides: [2, 1], padding: 'same' });
    const depthwise = depthwiseConv2d(x, tensor(k, [3, 3, 3, 2]), { strides: [2, 1], padding: 'same' });
    expect(grouped.shape).toEqual(depthwise.shape);
    const [g, d] = [await grouped.data(), await depthwise.data()];
    d.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
  });

  it('reject channel counts that the kernel does not divide, before any GPU work', () => {
    expect(() => conv2d(rand([1, 4, 4, 6]), rand([3, 3, 4, 8]))).toThrow(
      "conv2d: input channels differ: x [1,4,4,6] has 6, kernel [3,3,4,8] expects 4. (A grouped convolution takes a kernel of inChannels / groups input channels: x's channels must be a multiple of the kernel's.)",
    );
    expect(() => conv2d(rand([1, 4, 4, 6]), rand([3, 3, 2, 4]))).toThrow(
      "conv2d: a grouped convolution of x [1,4,4,6] by kernel [3,3,2,4] has 3 groups (6 / 2 channels), which must divide the kernel's 4 output channels.",
    );
    expect(() => conv1d(rand([1, 5, 4]), rand([3, 2, 3]))).toThrow("conv1d: a grouped convolution of x [1,5,4] by kernel [3,2,3] has 2 groups (4 / 2 channels), which must divide the kernel's 3 output channels.");
  });
});

describe('depthwiseConv1d', () => {
  it('is depthwiseConv2d on a row of height 1', async () => {
    const x = seeded(2 * 9 * 3, 7);
    const k = seeded(3 * 3 * 2, 8);
    const expected = await depthwiseConv2d(tensor(x, [2, 1, 9, 3]), tensor(k, [1, 3, 3, 2]), { strides: [1, 2], padding: 'same' }).data();
    await onBothBackends(() => depthwiseConv1d(tensor(x, [2, 9, 3]), tensor(k, [3, 3, 2]), { strides: 2, padding: 'same' }), [2, 5, 6], Array.from(expected));
  });

  it('names its own shapes in errors', () => {
    expect(() => depthwiseConv1d(rand([2, 5, 3]), rand([3, 2, 1]))).toThrow('depthwiseConv1d: input channels differ: x [2,5,3] has 3, kernel [3,2,1] expects 2.');
    expect(() => depthwiseConv1d(rand([2, 3, 2]), rand([3, 2, 1]), { dilationRate: 2 })).toThrow("depthwiseConv1d: kernel [3,2,1] with dilation 2 spans 5, larger than the input x [2,3,2] (3) with padding 'valid'.");
    expect(() => depthwiseConv1d(rand([2, 5, 2]), rand([3, 2, 1]), { strides: 0 })).toThrow('depthwiseConv1d: strides must be a positive integer, got 0.');
    expect(() => depthwiseConv1d(rand([2, 5, 2]), rand([3, 3, 2, 1]))).toThrow(/depthwiseConv1d: kernel must have rank 3 \[kernelSize, channels, depthMultiplier\]/);
  });
});
