// ops.ctcLoss and ops.ctcDecode as a specification: Keras 3.16's values (NumPy backend) and the
// torch backend's gradient, a float64 reference that sums the probability of every alignment by
// brute force, lengths and padding, impossible alignments, gradients against finite differences,
// the greedy decoder's merging and packing, and the errors users meet. Every value is checked on
// WebGPU and on the CPU backend.

import { afterEach, describe, expect, it } from 'vitest';
import { GradientTape, Input, Model, ops, setBackend, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { forEachAlignment } from '../cases/ctc_alignments';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const ints = (v: number[], shape: number[]) => tensor(v, shape, 'int32');

// The data of the Keras runs: x_i = ((37 i + 3) mod 17) / 8 - 1, shape [2, 5, 4].
const KERAS_LOGITS = Array.from({ length: 40 }, (_, i) => ((i * 37 + 3) % 17) / 8 - 1);
const kerasLogits = () => tensor(KERAS_LOGITS, [2, 5, 4]);
const kerasTarget = () => ints([1, 2, 2, 3, 1, 0], [2, 3]);

/** -log of the summed probability of every path of `steps` classes that collapses to `labels`, in float64. */
function bruteForceLoss(logits: number[], steps: number, classes: number, labels: number[], blank: number): number {
  const logProbs: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const row = logits.slice(t * classes, (t + 1) * classes);
    const top = Math.max(...row);
    const logSum = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
    logProbs.push(row.map((v) => v - logSum));
  }
  let total = 0;
  forEachAlignment(logProbs, blank, (collapsed, probability) => {
    if (collapsed.length === labels.length && collapsed.every((c, i) => c === labels[i])) total += probability;
  });
  return -Math.log(total);
}

describe('ctcLoss', () => {
  it("gives Keras 3.16's values", onBothBackends(async () => {
    // keras.ops.ctc_loss(target, logits, [3, 2], [5, 4]) -> [5.7001967, 3.224125] (NumPy and torch backends)
    expectNumbersClose(await valuesOf(ops.ctcLoss(kerasTarget(), kerasLogits(), ints([3, 2], [2]), ints([5, 4], [2]))), [5.7001967, 3.224125]);
    // mask_index=3, target [[1, 2, 2], [0, 1, 3]], lengths [3, 2], [5, 5] -> [5.039838, 4.079316]
    expectNumbersClose(await valuesOf(ops.ctcLoss(ints([1, 2, 2, 0, 1, 3], [2, 3]), kerasLogits(), ints([3, 2], [2]), ints([5, 5], [2]), 3)), [5.039838, 4.079316]);
    // lengths [0, 1] and [5, 2] -> [8.287045, 1.6365595]: an empty label sequence is all blanks
    expectNumbersClose(await valuesOf(ops.ctcLoss(kerasTarget(), kerasLogits(), ints([0, 1], [2]), ints([5, 2], [2]))), [8.287045, 1.6365595]);
  }));

  it('matches the brute-force sum over alignments, whatever the padding labels hold', onBothBackends(async () => {
    const next = seededRandom(7);
    const [batch, steps, classes] = [4, 6, 3];
    const logits = Array.from({ length: batch * steps * classes }, () => 4 * next() - 2);
    // Padding past each length holds values that are not classes: they must not matter.
    const target = [1, 2, 1, 2, 2, 9, 1, -4, 7, 2, 1, 2];
    const targetLength = [3, 2, 1, 3];
    const outputLength = [6, 5, 3, 6];
    const expected = [0, 1, 2, 3].map((b) => {
      const sample = logits.slice(b * steps * classes, (b * steps + outputLength[b]) * classes);
      return bruteForceLoss(sample, outputLength[b], classes, target.slice(b * 3, b * 3 + targetLength[b]), 0);
    });
    const loss = ops.ctcLoss(ints(target, [batch, 3]), tensor(logits, [batch, steps, classes]), ints(targetLength, [batch]), ints(outputLength, [batch]));
    expect(loss.shape).toEqual([batch]);
    expectNumbersClose(await valuesOf(loss), expected, 2e-5);
    // Float labels and lengths are truncated to int32, as Keras converts them.
    const fromFloats = ops.ctcLoss(tensor(target, [batch, 3]), tensor(logits, [batch, steps, classes]), tensor(targetLength, [batch]), tensor(outputLength, [batch]));
    expectNumbersClose(await valuesOf(fromFloats), expected, 2e-5);
  }));

  it('reads lengths beyond the shapes as the shapes, and takes an empty label sequence', onBothBackends(async () => {
    const expected = await valuesOf(ops.ctcLoss(kerasTarget(), kerasLogits(), ints([3, 2], [2]), ints([5, 5], [2])));
    expectNumbersClose(await valuesOf(ops.ctcLoss(kerasTarget(), kerasLogits(), ints([7, 2], [2]), ints([9, 5], [2]))), expected);
    // No labels at all: -sum over steps of log p(blank).
    const blankOnly = await valuesOf(ops.ctcLoss(ints([], [2, 0]), kerasLogits(), ints([0, 0], [2]), ints([5, 2], [2])));
    const logProbs = await valuesOf(ops.logSoftmax(kerasLogits()));
    expectNumbersClose(blankOnly, [-[0, 1, 2, 3, 4].reduce((s, t) => s + logProbs[t * 4], 0), -(logProbs[20] + logProbs[24])]);
  }));

  it('gives a large finite loss, with finite gradients, where no alignment exists', onBothBackends(async () => {
    // Keras's NumPy backend gives [100001.77, 100000.445] (log 0 taken as -1e5); torch gives Infinity.
    const logits = kerasLogits();
    const tape = new GradientTape();
    tape.watch([logits]);
    const loss = tape.record(() => ops.ctcLoss(ints([2, 2, 2, 1, 2, 3], [2, 3]), logits, ints([3, 3], [2]), ints([4, 2], [2])));
    const total = tape.record(() => loss.sum());
    const got = await valuesOf(loss);
    got.forEach((v) => expect(v).toBeGreaterThan(9e4));
    got.forEach((v) => expect(v).toBeLessThan(1.1e5));
    const [gradient] = tape.gradient(total, [logits]);
    expect((await valuesOf(gradient!)).every(Number.isFinite)).toBe(true);
  }));

  it("has the torch backend's gradient", onBothBackends(async () => {
    // torch: keras.ops.ctc_loss(...) on the Keras data, (loss * [1, 2]).sum().backward(); logits.grad
    const expected = [
      0.0720712, -0.7512501, 0.2766523, 0.4025267, 0.0665237, -0.0470501, -0.2244783, 0.2050047, -0.0388636, 0.2945403, -0.3301482, 0.0744715, -0.686631, 0.1901401,
      0.0939643, 0.4025265, 0.0720712, 0.1901401, -0.6647379, 0.4025266, -0.5907596, 0.9461172, 0.1644105, -0.5197681, 0.0704659, 0.1548684, 0.5533043, -0.7786385,
      0.0543077, -0.978682, 0.5533044, 0.3710698, -0.126495, -0.5653094, 0.2817951, 0.4100094, 0, 0, 0, 0,
    ];
    const logits = kerasLogits();
    const tape = new GradientTape();
    tape.watch([logits]);
    const loss = tape.record(() => ops.ctcLoss(kerasTarget(), logits, ints([3, 2], [2]), ints([5, 4], [2])).mul(tensor([1, 2])).sum());
    const [gradient] = tape.gradient(loss, [logits]);
    expectNumbersClose(await valuesOf(gradient!), expected, 2e-5);
  }));

  it('differentiates as finite differences do', async () => {
    const target = () => ints([1, 2, 2, 3, 1, 0], [2, 3]);
    const result = await gradCheck((x) => ops.ctcLoss(target(), x, ints([3, 2], [2]), ints([5, 3], [2])), [[2, 5, 4]], { low: -2, high: 2, eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(result.message).toBe('ok');
  });

  it('explains wrong arguments before any GPU work', () => {
    const logits = kerasLogits();
    const lengths = ints([3, 2], [2]);
    expect(() => ops.ctcLoss(ints([1, 2], [2]), logits, lengths, lengths)).toThrow('ctcLoss: target must have rank 2 (batch, max label length). Received: target.shape=[2]');
    expect(() => ops.ctcLoss(kerasTarget(), tensor([1, 2, 3, 4], [2, 2]), lengths, lengths)).toThrow('ctcLoss: output must have rank 3 (batch, steps, classes). Received: output.shape=[2,2]');
    expect(() => ops.ctcLoss(ints([1, 2, 3], [1, 3]), logits, lengths, lengths)).toThrow('ctcLoss: target and output must have the same batch size. Received: target.shape=[1,3], output.shape=[2,5,4]');
    expect(() => ops.ctcLoss(kerasTarget(), logits, ints([3, 2, 1], [3]), lengths)).toThrow('ctcLoss: targetLength must have one entry per sample, shape [2] (the batch of output). Received: targetLength.shape=[3]');
    expect(() => ops.ctcLoss(kerasTarget(), logits, lengths, ints([5, 5], [1, 2]))).toThrow('ctcLoss: outputLength must have rank 1 (batch). Received: outputLength.shape=[1,2]');
    expect(() => ops.ctcLoss(kerasTarget(), logits, lengths, lengths, 4)).toThrow('ctcLoss: maskIndex must be an integer class index in [0, 3] (the blank class). Received: maskIndex=4');
    expect(() => ops.ctcLoss(kerasTarget(), ops.cast(logits, 'int32'), lengths, lengths)).toThrow('ctcLoss: output must be float32 logits. Received: output.dtype=int32');
    expect(() => ops.ctcLoss([[1]] as never, logits, lengths, lengths)).toThrow('ctcLoss: expected a Tensor, got an array (wrap it with tensor(...)).');
  });
});

describe('ctcDecode (greedy)', () => {
  it("gives Keras 3.16's decoded labels and scores", onBothBackends(async () => {
    // keras.ops.ctc_decode(logits, [5, 3], merge_repeated=..., mask_index=...) on the Keras data
    const cases: [boolean, number | null, number[]][] = [
      [true, 0, [3, 2, 3, -1, -1, 1, 3, -1, -1, -1]],
      [true, null, [0, 2, -1, -1, -1, 1, -1, -1, -1, -1]],
      [false, 0, [3, 2, 3, 3, -1, 1, 3, 3, -1, -1]],
      [false, null, [0, 2, -1, -1, -1, 1, -1, -1, -1, -1]],
    ];
    for (const [mergeRepeated, maskIndex, expected] of cases) {
      const [decoded, score] = ops.ctcDecode(kerasLogits(), ints([5, 3], [2]), { mergeRepeated, maskIndex });
      expect(decoded.shape).toEqual([1, 2, 5]);
      expect(decoded.dtype).toBe('int32');
      expect(await valuesOf(decoded)).toEqual(expected);
      expect(score.shape).toEqual([2, 1]);
      expectNumbersClose(await valuesOf(score), [-3.25, -2.25]);
    }
  }));

  it('packs the labels left and keeps a label repeated across a blank', onBothBackends(async () => {
    // Best classes per step: 0 1 1 0 1 2 2 -> merged 1, 1, 2 (the blank separates the two 1s).
    const best = [0, 1, 1, 0, 1, 2, 2];
    const logits = tensor(best.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 2 : 0))), [1, 7, 3]);
    const [decoded, score] = ops.ctcDecode(logits, ints([7], [1]));
    expect(await valuesOf(decoded)).toEqual([1, 1, 2, -1, -1, -1, -1]);
    expectNumbersClose(await valuesOf(score), [-14]);
    const [unmerged] = ops.ctcDecode(logits, ints([6], [1]), { mergeRepeated: false });
    expect(await valuesOf(unmerged)).toEqual([1, 1, 1, 2, -1, -1, -1]);
  }));

  it('explains wrong arguments', () => {
    const logits = kerasLogits();
    const lengths = ints([5, 3], [2]);
    expect(() => ops.ctcDecode(logits, lengths, { strategy: 'best' as never })).toThrow("ctcDecode: invalid strategy. Expected 'greedy' or 'beam_search'. Received: strategy=best");
    expect(() => ops.ctcDecode(logits, lengths, { merge_repeated: false } as never)).toThrow("ctcDecode: unknown option 'merge_repeated' (did you mean 'mergeRepeated'?)");
    expect(() => ops.ctcDecode(logits, lengths, { maskIndex: -1 })).toThrow('ctcDecode: maskIndex must be an integer class index in [0, 3] (the blank class). Received: maskIndex=-1');
    expect(() => ops.ctcDecode(logits, ints([5], [1]))).toThrow('ctcDecode: sequenceLengths must have one entry per sample, shape [2] (the batch of inputs). Received: sequenceLengths.shape=[1]');
    expect(() => ops.ctcDecode(tensor([1, 2], [1, 2]), lengths)).toThrow('ctcDecode: inputs must have rank 3 (batch, steps, classes). Received: inputs.shape=[1,2]');
  });
});

describe('on symbolic tensors', () => {
  it('record in a functional model and give the eager values', async () => {
    const logits = Input({ shape: [5, 4] });
    const labels = Input({ shape: [3], dtype: 'int32' });
    const lengths = Input({ shape: [], dtype: 'int32' });
    const loss = ops.ctcLoss(labels, logits, lengths, lengths);
    const [decoded, score] = ops.ctcDecode(logits, lengths);
    expect([loss.shape, decoded.shape, score.shape]).toEqual([[null], [1, null, 5], [null, 1]]);
    const model = new Model({ inputs: [logits, labels, lengths], outputs: [loss, decoded, score] });
    const [lossValue, decodedValue, scoreValue] = (await model.predict([kerasLogits(), kerasTarget(), ints([3, 2], [2])])) as Tensor[];
    const [eagerDecoded, eagerScore] = ops.ctcDecode(kerasLogits(), ints([3, 2], [2]));
    expectNumbersClose(await valuesOf(lossValue), await valuesOf(ops.ctcLoss(kerasTarget(), kerasLogits(), ints([3, 2], [2]), ints([3, 2], [2]))));
    expect(await valuesOf(decodedValue)).toEqual(await valuesOf(eagerDecoded));
    expectNumbersClose(await valuesOf(scoreValue), await valuesOf(eagerScore));
  });
});
