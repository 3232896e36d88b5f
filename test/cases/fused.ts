// GPU-versus-CPU cases for the fused ops: ops.dense (each fused activation, with and without bias,
// rank-1 and rank-3 inputs, sizes off the matmul tile grid, and its gradients through the backward
// kernel, including more rows than one chunk of the bias sums) and the categorical cross-entropy
// ops (logits and probabilities, rows whose probabilities hit the clip, soft, int32 and sparse
// labels, another class axis, and their gradient kernel), and the mean metrics' running mean.

import { GradientTape, ops, tensor, type Tensor } from '../../src/index';
import type { FusedActivation } from '../../src/ops/matmul';
import { runningMean } from '../../src/ops/running_mean';
import { finiteCount } from '../../src/ops/finite_count';
import type { OpCase } from './case';
import { rand } from './data';

const RTOL = 1e-4;
const atolFor = (k: number) => 1e-6 * Math.max(k, 1);

const ACTIVATIONS: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

function denseCase(xShape: number[], units: number, withBias: boolean, activation: FusedActivation): OpCase {
  const features = xShape[xShape.length - 1];
  return {
    name: `dense [${xShape}] x [${features},${units}]${withBias ? ' + bias' : ''} ${activation}`,
    run: () => ops.dense(rand(xShape), rand([features, units]), withBias ? rand([units]) : null, activation),
    rtol: RTOL,
    atol: atolFor(features),
  };
}

/** The gradients of sum(r * dense(x, kernel, bias)) for fixed weights r, in input order. */
function denseGradientCase(xShape: number[], units: number, withBias: boolean, activation: FusedActivation): OpCase {
  const features = xShape[xShape.length - 1];
  return {
    name: `dense gradients [${xShape}] x [${features},${units}]${withBias ? ' + bias' : ''} ${activation}`,
    run: () => {
      const inputs = [rand(xShape), rand([features, units]), ...(withBias ? [rand([units])] : [])];
      const weights = rand([...xShape.slice(0, -1), units]);
      const tape = new GradientTape();
      tape.watch(inputs);
      const target = tape.record(() => ops.dense(inputs[0], inputs[1], inputs[2] ?? null, activation).mul(weights));
      return tape.gradient(target, inputs) as Tensor[];
    },
    rtol: RTOL,
    atol: 1e-5 * Math.max(xShape[0], features),
  };
}

/** Probability rows: positive values, some rows with one class near 1 so that the others clip. */
function probabilities(rows: number, classes: number): Tensor {
  const p = rand([rows, classes], { low: 0.05, high: 1 });
  const peaked = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) peaked[r * classes + c] = r % 3 === 0 ? (c === r % classes ? 1 : 1e-9) : 0;
  return p.mul(tensor(Array.from(peaked, (v) => (v === 0 ? 1 : 0)), [rows, classes])).add(tensor(peaked, [rows, classes]));
}

/** One-hot float labels of class (3 * r) % classes for row r. */
function oneHotLabels(rows: number, classes: number): Tensor {
  return ops.oneHot(tensor(Array.from({ length: rows }, (_, r) => (3 * r) % classes), [rows], 'int32'), classes);
}

/** The gradient with respect to the predictions of sum(r * loss) for fixed weights r. */
function lossGradient(loss: (predictions: Tensor) => Tensor, predictions: Tensor): Tensor {
  const tape = new GradientTape();
  tape.watch(predictions);
  const target = tape.record(() => {
    const values = loss(predictions);
    return values.mul(rand([...values.shape], { low: 0.5, high: 1.5 }));
  });
  return tape.gradient(target, predictions) as Tensor;
}

const crossEntropyCases: OpCase[] = [
  { name: 'categoricalCrossentropy logits [37,10]', run: () => ops.categoricalCrossentropy(oneHotLabels(37, 10), rand([37, 10], { low: -5, high: 5 }), { fromLogits: true }) },
  { name: 'categoricalCrossentropy logits, soft labels [2,5,7]', run: () => ops.categoricalCrossentropy(rand([2, 5, 7], { low: 0, high: 1 }), rand([2, 5, 7], { low: -30, high: 30 }), { fromLogits: true }), atol: 1e-5 },
  { name: 'categoricalCrossentropy probabilities with clipped rows [37,10]', run: () => ops.categoricalCrossentropy(oneHotLabels(37, 10), probabilities(37, 10)) },
  { name: 'categoricalCrossentropy probabilities, int32 labels [9,4]', run: () => ops.categoricalCrossentropy(ops.cast(oneHotLabels(9, 4), 'int32'), probabilities(9, 4)) },
  { name: 'categoricalCrossentropy class axis 0 [6,5]', run: () => ops.categoricalCrossentropy(rand([6, 5], { low: 0, high: 1 }), rand([6, 5], { low: 0.1, high: 1 }), { axis: 0 }) },
  { name: 'categoricalCrossentropy vector [10]', run: () => ops.categoricalCrossentropy(oneHotLabels(1, 10).reshape([10]), rand([10], { low: -2, high: 2 }), { fromLogits: true }) },
  { name: 'sparseCategoricalCrossentropy logits, labels out of range [20,6]', run: () => ops.sparseCategoricalCrossentropy(rand([20], { low: -1, high: 7, int: true }), rand([20, 6], { low: -4, high: 4 }), { fromLogits: true }) },
  { name: 'sparseCategoricalCrossentropy probabilities, float labels [4,5,3]', run: () => ops.sparseCategoricalCrossentropy(tensor([0, 1, 2, 1.5, 2.5, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], [4, 5]), rand([4, 5, 3], { low: 0.1, high: 1 })) },
  { name: 'categoricalCrossentropy gradient, logits [37,10]', run: () => lossGradient((p) => ops.categoricalCrossentropy(oneHotLabels(37, 10), p, { fromLogits: true }), rand([37, 10], { low: -5, high: 5 })) },
  { name: 'categoricalCrossentropy gradient, probabilities with clipped rows [37,10]', run: () => lossGradient((p) => ops.categoricalCrossentropy(oneHotLabels(37, 10), p), probabilities(37, 10)), atol: 1e-4 },
  { name: 'categoricalCrossentropy gradient, soft labels, class axis 1 of [3,4,5]', run: () => lossGradient((p) => ops.categoricalCrossentropy(rand([3, 4, 5], { low: 0, high: 1 }), p, { axis: 1 }), rand([3, 4, 5], { low: 0.1, high: 1 })), atol: 1e-5 },
  { name: 'sparseCategoricalCrossentropy gradient, logits [20,6]', run: () => lossGradient((p) => ops.sparseCategoricalCrossentropy(rand([20], { low: -1, high: 7, int: true }), p, { fromLogits: true }), rand([20, 6], { low: -4, high: 4 })) },
  { name: 'sparseCategoricalCrossentropy gradient, probabilities [20,6]', run: () => lossGradient((p) => ops.sparseCategoricalCrossentropy(rand([20], { low: 0, high: 6, int: true }), p), rand([20, 6], { low: 0.05, high: 1 })), atol: 1e-5 },
];

export const fusedCases: OpCase[] = [
  // A NaN in a row of x spreads through its outputs; the relu and tanh epilogues keep it, as the CPU does.
  ...(['relu', 'tanh', 'sigmoid'] as const).map((activation): OpCase => ({
    name: `dense with a NaN input, ${activation}`,
    run: () => ops.dense(tensor([[1, NaN, 2], [0.5, -1, 3]]), rand([3, 5]), rand([5]), activation),
  })),
  ...ACTIVATIONS.flatMap((activation) => [denseCase([33, 17], 13, true, activation), denseCase([5, 3], 9, false, activation)]),
  denseCase([2, 7, 13], 11, true, 'relu'),
  denseCase([13], 6, true, 'sigmoid'),
  denseCase([0, 4], 3, true, 'tanh'),
  denseCase([4, 0], 3, true, 'relu'),
  denseCase([256, 100], 64, true, 'relu'),
  // Long K: split-K with the epilogue in its second pass (on a GPU's tiles from 2^24 multiply-adds).
  denseCase([8, 1000], 8, true, 'relu'),
  denseCase([64, 16384], 16, true, 'sigmoid'),
  ...ACTIVATIONS.map((activation) => denseGradientCase([19, 6], 10, true, activation)),
  denseGradientCase([2, 5, 7], 9, false, 'tanh'),
  denseGradientCase([300, 5], 9, true, 'linear'),
  denseGradientCase([600, 5], 3, true, 'relu'),
  ...crossEntropyCases,
  // The mean metrics' running mean: a batch count as a number or a tensor, and a count still 0.
  { name: 'runningMean with a number count', run: () => runningMean(tensor(3.5), tensor(7), tensor(2.25), 16) },
  { name: 'runningMean with a tensor count', run: () => runningMean(tensor(-1), tensor(2), tensor(0.5), tensor(1.5)) },
  { name: 'runningMean while the count is 0', run: () => runningMean(tensor(0), tensor(0), tensor(0), 0) },
  { name: 'runningMean of a value weighted by a number (the loss tracker)', run: () => runningMean(tensor(3.5), tensor(7), tensor(0.75), 16, 16) },
  // fit's count of finite losses: the first count, then NaN, infinities and a large finite value.
  { name: 'finiteCount of a finite first value', run: () => finiteCount(tensor(2.5), tensor(0, [], 'int32')) },
  { name: 'finiteCount of an infinite first value', run: () => finiteCount(tensor(Infinity), tensor(0, [], 'int32')) },
  { name: 'finiteCount after NaN', run: () => finiteCount(tensor(NaN), tensor(3, [], 'int32')) },
  { name: 'finiteCount after -Infinity', run: () => finiteCount(tensor(-Infinity), tensor(3, [], 'int32')) },
  { name: 'finiteCount after -1e30', run: () => finiteCount(tensor(-1e30), tensor(7, [], 'int32')) },
];
