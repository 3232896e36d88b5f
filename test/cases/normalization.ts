// GPU-versus-CPU cases for moments, softmax, logSoftmax and the sigmoid focal loss: every axis
// combination of a rank-3 tensor for moments, every axis of a rank-4 tensor (negative ones too)
// for softmax, rows on both sides of the per-thread / per-workgroup switch, keepDims both ways,
// int32 inputs, size-1 and size-0 dimensions, large offsets and large logits.

import { GradientTape, ops, tensor, type Tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

/** Every subset of the axes of a rank-`rank` tensor, as lists. */
function axisSubsets(rank: number): number[][] {
  return Array.from({ length: 2 ** rank }, (_, mask) => [...Array(rank).keys()].filter((a) => mask & (1 << a)));
}

const moments = (x: Tensor, axes: number | number[], keepDims = false) => ops.moments(x, axes, { keepDims });

// Reduced lengths from 3 to 1005 cover both kernel paths and every strided layout.
const RANK3 = [3, 67, 5];
const RANK4 = [2, 1, 33, 7];

/** Labels: hard 0/1, a few soft ones in (0, 1), as float32. */
function softLabels(shape: number[]): Tensor {
  const u = rand(shape, { low: 0, high: 1 });
  return ops.where(u.less(0.15), u.mul(4), ops.cast(u.greater(0.6), 'float32'));
}

export const normalizationCases: OpCase[] = [
  ...axisSubsets(3).map((axes, i): OpCase => ({
    name: `moments [${RANK3}] axes [${axes}] keepDims ${i % 2 === 1}`,
    run: () => moments(rand(RANK3, { low: -2, high: 3 }), axes, i % 2 === 1),
    rtol: 1e-4,
    atol: 1e-5,
  })),
  { name: 'moments [2,1,33,7] axes [-1,0] keepDims', run: () => moments(rand(RANK4), [-1, 0], true), rtol: 1e-4, atol: 1e-5 },
  { name: 'moments of int32 [6,200] axis 1', run: () => moments(rand([6, 200], { int: true, low: -50, high: 50 }), 1), rtol: 1e-4 },
  { name: 'moments of 100003 elements offset by 1e4', run: () => moments(rand([100003], { low: 1e4 - 1, high: 1e4 + 1 }), 0), rtol: 1e-3 },
  { name: 'moments of [300,4] along the strided axis 0', run: () => moments(rand([300, 4], { low: 5, high: 6 }), [0]), rtol: 1e-4, atol: 1e-5 },
  { name: 'moments with many outputs: [20011,3] axis 1', run: () => moments(rand([20011, 3]), 1), rtol: 1e-4, atol: 1e-5 },
  { name: 'moments of an empty reduction [3,0] axis 1', run: () => moments(rand([3, 0]), 1) },
  { name: 'moments with an empty output [0,4] axis 1', run: () => moments(rand([0, 4]), 1) },

  ...[0, 1, 2, 3, -1, -2, -3, -4].flatMap((axis): OpCase[] => [
    { name: `softmax [${RANK4}] axis ${axis}`, run: () => ops.softmax(rand(RANK4, { low: -4, high: 4 }), axis), rtol: 1e-4 },
    { name: `logSoftmax [${RANK4}] axis ${axis}`, run: () => ops.logSoftmax(rand(RANK4, { low: -4, high: 4 }), axis), rtol: 1e-4, atol: 1e-5 },
  ]),
  { name: 'softmax along the default last axis of [5,1000]', run: () => ops.softmax(rand([5, 1000], { low: -4, high: 4 })), rtol: 1e-4 },
  { name: 'softmax and logSoftmax along a long strided axis: [777,3] axis 0', run: () => [
    ops.softmax(rand([777, 3], { low: -4, high: 4 }), 0),
    ops.logSoftmax(rand([777, 3], { low: -4, high: 4 }), 0),
  ], rtol: 1e-4, atol: 1e-5 },
  { name: 'var and std over axes and over everything', run: () => {
    const x = rand([4, 5, 3], { low: -3, high: 3 });
    return [ops.var(x, [0, 2]), ops.std(x, 1, true), ops.var(x), ops.std(x)];
  }, rtol: 1e-4, atol: 1e-6 },
  { name: 'softmax with a NaN: its row is NaN (short rows and a long one)', run: () => {
    const long = Array.from({ length: 300 }, (_, i) => (i === 150 ? NaN : i / 100));
    return [ops.softmax(tensor([[1, NaN, 2], [1, 2, 3]])), ops.logSoftmax(tensor([[NaN, 0], [0, 1]])), ops.softmax(tensor([long]))];
  } },
  { name: 'softmax of 50001 elements', run: () => ops.logSoftmax(rand([50001], { low: -5, high: 5 })), rtol: 1e-4, atol: 1e-5 },
  { name: 'softmax with many short rows: [30011,2]', run: () => ops.softmax(rand([30011, 2])), rtol: 1e-4 },
  { name: 'softmax of large logits does not overflow', run: () => [ops.softmax(rand([4, 9], { low: 500, high: 1000 })), ops.logSoftmax(rand([4, 9], { low: -1000, high: -500 }))], rtol: 1e-4, atol: 1e-5 },
  { name: 'softmax of int32 becomes float32', run: () => ops.softmax(rand([3, 6], { int: true, low: -3, high: 3 })), rtol: 1e-4 },
  { name: 'softmax over a size-1 axis and of an empty tensor', run: () => [ops.softmax(rand([4, 1])), ops.logSoftmax(rand([0, 3]), 0)] },

  ...[0, 0.5, 1.5, 2, 3].map((gamma): OpCase => ({
    name: `sigmoidFocalLoss and its gradient [13,29], gamma ${gamma}`,
    run: () => {
      const labels = gamma % 1 === 0 ? softLabels([13, 29]) : ops.cast(rand([13, 29]).greater(0.3), 'float32');
      const logits = rand([13, 29], { low: -8, high: 8 });
      return [ops.sigmoidFocalLoss(labels, logits, { gamma }), ops.sigmoidFocalLossGrad(labels, logits, { gamma })];
    },
    rtol: 1e-4,
    atol: 1e-6,
  })),
  { name: 'sigmoidFocalLoss with alpha 0.6, int32 labels, saturated and clipped logits', run: () => {
    const labels = tensor([1, 0, 1, 0, 1, 0, 1, 0], [8], 'int32');
    const logits = tensor([-30, -30, -18, -19, 20, 20, 90, -90]);
    return [ops.sigmoidFocalLoss(labels, logits, { alpha: 0.6 }), ops.sigmoidFocalLossGrad(labels, logits, { alpha: 0.6 })];
  }, rtol: 1e-4, atol: 1e-6 },
  { name: 'sigmoidFocalLoss of 70001 elements', run: () => ops.sigmoidFocalLoss(softLabels([70001]), rand([70001], { low: -6, high: 6 })), rtol: 1e-4 },
  { name: 'sigmoidFocalLoss of int32 logits', run: () => ops.sigmoidFocalLoss(rand([20], { int: true, low: 0, high: 2 }), rand([20], { int: true, low: -5, high: 5 })), rtol: 1e-4 },
  { name: 'sigmoidFocalLoss of an empty tensor', run: () => ops.sigmoidFocalLossGrad(rand([0, 2]), rand([0, 2])) },
  ...([['softmax', ops.softmax], ['logSoftmax', ops.logSoftmax]] as const).flatMap(([name, f]) =>
    ([[[4, 37], -1], [[3, 300], 1], [[5, 2, 200], 2], [[130, 3], 0]] as const).map(([shape, axis]): OpCase => ({
      name: `${name} gradient [${shape}] axis ${axis} (fused backward kernel)`,
      run: () => {
        const x = rand([...shape], { low: -3, high: 3 });
        const weights = rand([...shape]);
        const tape = new GradientTape();
        tape.watch(x);
        const y = tape.record(() => f(x, axis).mul(weights));
        return tape.gradient(y, x)!;
      },
      rtol: 1e-4,
      atol: 1e-6,
    })),
  ),
];
