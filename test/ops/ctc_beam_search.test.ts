// ops.ctcDecode with strategy 'beam_search' as a specification: Keras 3.16's values (its NumPy
// backend), a float64 prefix beam search written here, a brute-force sum over every alignment
// (with a beam wide enough to keep every prefix, the search is exact), sequence lengths, the blank
// class, unreachable beam slots and the errors users meet. Every value is checked on WebGPU and
// on the CPU backend.

import { afterEach, describe, expect, it } from 'vitest';
import { Input, ops, setBackend, tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { forEachAlignment } from '../cases/ctc_alignments';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const ints = (v: number[], shape: number[]) => tensor(v, shape, 'int32');

// The data of the Keras runs: x_i = ((37 i + 3) mod 17) / 8 - 1, shape [2, 5, 4].
const KERAS_LOGITS = Array.from({ length: 40 }, (_, i) => ((i * 37 + 3) % 17) / 8 - 1);

interface Decoding {
  labels: number[];
  logProbability: number;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** The log-softmax of each step of one sample, in float64. */
function logSoftmaxRows(logits: number[], steps: number, classes: number): number[][] {
  return Array.from({ length: steps }, (_, t) => {
    const row = logits.slice(t * classes, (t + 1) * classes);
    const top = Math.max(...row);
    const logSum = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
    return row.map((v) => v - logSum);
  });
}

/** The textbook prefix beam search in float64, over the first `length` steps of one sample. */
function referenceBeamSearch(logProbs: number[][], length: number, beamWidth: number, topPaths: number, blank: number): Decoding[] {
  let beam = new Map<string, { labels: number[]; blank: number; label: number }>([['', { labels: [], blank: 0, label: -Infinity }]]);
  for (let t = 0; t < length; t++) {
    const next = new Map<string, { labels: number[]; blank: number; label: number }>();
    const entry = (labels: number[]) => {
      const key = labels.join(',');
      if (!next.has(key)) next.set(key, { labels, blank: -Infinity, label: -Infinity });
      return next.get(key)!;
    };
    for (const { labels, blank: endsInBlank, label: endsInLabel } of beam.values()) {
      const total = logAddExp(endsInBlank, endsInLabel);
      const last = labels.at(-1);
      const stays = entry(labels);
      stays.blank = logAddExp(stays.blank, total + logProbs[t][blank]);
      if (last !== undefined) stays.label = logAddExp(stays.label, endsInLabel + logProbs[t][last]);
      logProbs[t].forEach((p, c) => {
        if (c === blank) return;
        const grown = entry([...labels, c]);
        grown.label = logAddExp(grown.label, (c === last ? endsInBlank : total) + p);
      });
    }
    const ranked = [...next.entries()].sort(([, a], [, b]) => logAddExp(b.blank, b.label) - logAddExp(a.blank, a.label));
    beam = new Map(ranked.slice(0, beamWidth));
  }
  const decodings = [...beam.values()].map((e) => ({ labels: e.labels, logProbability: logAddExp(e.blank, e.label) }));
  decodings.sort((a, b) => b.logProbability - a.logProbability);
  return decodings.slice(0, topPaths);
}

/** Every labelling with its log-probability, summed over all alignments of `steps` classes, most probable first. */
function bruteForceLabellings(logProbs: number[][], blank: number): Decoding[] {
  const probability = new Map<string, number>();
  forEachAlignment(logProbs, blank, (labels, p) => {
    const key = labels.join(',');
    probability.set(key, (probability.get(key) ?? 0) + p);
  });
  return [...probability.entries()]
    .map(([key, p]) => ({ labels: key === '' ? [] : key.split(',').map(Number), logProbability: Math.log(p) }))
    .sort((a, b) => b.logProbability - a.logProbability);
}

/** Runs the decoder and checks it against the expected decodings of each sample (missing ones: all -1, -Infinity). */
async function expectDecodings(logits: number[], shape: [number, number, number], lengths: number[], options: ops.CtcDecodeOptions, expected: Decoding[][]): Promise<void> {
  const [batch, steps] = shape;
  const topPaths = options.topPaths ?? 1;
  const [decoded, scores] = ops.ctcDecode(tensor(logits, shape), ints(lengths, [batch]), { strategy: 'beam_search', ...options });
  expect(decoded.shape).toEqual([topPaths, batch, steps]);
  expect(decoded.dtype).toBe('int32');
  expect(scores.shape).toEqual([batch, topPaths]);
  const labels = await valuesOf(decoded);
  const logProbabilities = await valuesOf(scores);
  for (let b = 0; b < batch; b++) {
    for (let path = 0; path < topPaths; path++) {
      const want = expected[b][path];
      const row = labels.slice((path * batch + b) * steps, (path * batch + b + 1) * steps);
      const padded = [...(want?.labels ?? []), ...new Array<number>(steps - (want?.labels.length ?? 0)).fill(-1)];
      expect(row, `sample ${b}, path ${path}`).toEqual(padded);
      const score = logProbabilities[b * topPaths + path];
      if (want) expectNumbersClose([score], [want.logProbability], 1e-5);
      else expect(score).toBe(-Infinity);
    }
  }
}

function randomLogits(next: () => number, size: number): number[] {
  return Array.from({ length: size }, () => 3 * (next() - 0.5));
}

describe("ctcDecode with strategy 'beam_search'", () => {
  it("gives Keras 3.16's values", onBothBackends(async () => {
    // keras.ops.ctc_decode(logits, [5, 5], strategy="beam_search", beam_width=3, top_paths=2)
    await expectDecodings(KERAS_LOGITS, [2, 5, 4], [5, 5], { beamWidth: 3, topPaths: 2 }, [
      [{ labels: [3, 2, 3], logProbability: -2.8579905 }, { labels: [3, 2], logProbability: -3.6987009 }],
      [{ labels: [1, 3, 2], logProbability: -2.8290820 }, { labels: [1, 3, 1], logProbability: -3.2040818 }],
    ]);
    // beam_width=10, top_paths=3, mask_index=2, lengths [5, 3]
    await expectDecodings(KERAS_LOGITS, [2, 5, 4], [5, 3], { beamWidth: 10, topPaths: 3, maskIndex: 2 }, [
      [{ labels: [3, 0, 3], logProbability: -2.5344048 }, { labels: [0, 3], logProbability: -2.6313276 }, { labels: [3, 1, 3], logProbability: -3.0837078 }],
      [{ labels: [1, 3], logProbability: -1.4938531 }, { labels: [0, 3], logProbability: -1.9206001 }, { labels: [1], logProbability: -2.4100213 }],
    ]);
  }));

  it('follows a float64 prefix beam search, pruning included, whatever the lengths and blank', onBothBackends(async () => {
    const next = seededRandom(11);
    const cases: { steps: number; classes: number; beamWidth: number; topPaths: number; maskIndex: number | null; lengths: number[] }[] = [
      { steps: 6, classes: 4, beamWidth: 3, topPaths: 2, maskIndex: 0, lengths: [6, 4] },
      { steps: 8, classes: 5, beamWidth: 4, topPaths: 3, maskIndex: 2, lengths: [7, 8] },
      { steps: 7, classes: 3, beamWidth: 10, topPaths: 3, maskIndex: null, lengths: [3, 7] },
      { steps: 5, classes: 5, beamWidth: 6, topPaths: 1, maskIndex: 4, lengths: [5, 2] },
    ];
    for (const { steps, classes, beamWidth, topPaths, maskIndex, lengths } of cases) {
      const logits = randomLogits(next, 2 * steps * classes);
      const blank = maskIndex ?? classes - 1;
      const expected = [0, 1].map((b) =>
        referenceBeamSearch(logSoftmaxRows(logits.slice(b * steps * classes, (b + 1) * steps * classes), steps, classes), lengths[b], beamWidth, topPaths, blank),
      );
      await expectDecodings(logits, [2, steps, classes], lengths, { beamWidth, topPaths, maskIndex }, expected);
    }
  }));

  it('finds the most probable labellings when the beam keeps every prefix', onBothBackends(async () => {
    const next = seededRandom(5);
    // 4 steps of 2 labels and the blank: 1 + 2 + 4 + 8 + 16 = 31 prefixes, all kept.
    const [steps, classes] = [4, 3];
    for (const maskIndex of [0, 1]) {
      const logits = randomLogits(next, 2 * steps * classes);
      const expected = [0, 1].map((b) => bruteForceLabellings(logSoftmaxRows(logits.slice(b * steps * classes, (b + 1) * steps * classes), steps, classes), maskIndex));
      await expectDecodings(logits, [2, steps, classes], [steps, steps], { beamWidth: 31, topPaths: 3, maskIndex }, expected);
    }
  }));

  it('ignores mergeRepeated, as Keras: a repeat is one label unless a blank separates it', onBothBackends(async () => {
    // Class 1 wins every step: one label [1], from 1 1 1 and every alignment with blanks around it.
    const logits = [0, 5, 0, 0, 5, 0, 0, 5, 0];
    const expected = [bruteForceLabellings(logSoftmaxRows(logits, 3, 3), 0).slice(0, 2)];
    expect(expected[0][0].labels).toEqual([1]);
    for (const mergeRepeated of [true, false]) await expectDecodings(logits, [1, 3, 3], [3], { beamWidth: 8, topPaths: 2, mergeRepeated }, expected);
  }));

  it('pads beam slots that no alignment reaches, and decodes an empty sequence to nothing with log-probability 0', onBothBackends(async () => {
    // One step of a blank and one label: only [] and [1] exist (Keras: -1 and -inf for the third).
    const logits = [0.5, 0.1, 0.3, 0.2];
    const expected = [0, 1].map((b) => bruteForceLabellings(logSoftmaxRows(logits.slice(2 * b, 2 * b + 2), 1, 2), 0));
    await expectDecodings(logits, [2, 1, 2], [1, 1], { beamWidth: 4, topPaths: 3 }, expected);
    await expectDecodings(logits, [2, 1, 2], [0, 1], { beamWidth: 4, topPaths: 3 }, [[{ labels: [], logProbability: 0 }], expected[1]]);
  }));

  it('records in a functional model with the shapes of its options', () => {
    const [decoded, scores] = ops.ctcDecode(Input({ shape: [5, 4] }), Input({ shape: [], dtype: 'int32' }), { strategy: 'beam_search', beamWidth: 4, topPaths: 2 });
    expect([decoded.shape, scores.shape]).toEqual([[2, null, 5], [null, 2]]);
  });

  it('explains wrong options before any work', () => {
    const logits = tensor(KERAS_LOGITS, [2, 5, 4]);
    const lengths = ints([5, 3], [2]);
    const beam = (options: ops.CtcDecodeOptions) => () => ops.ctcDecode(logits, lengths, { strategy: 'beam_search', ...options });
    expect(beam({ beamWidth: 0 })).toThrow('ctcDecode: beamWidth must be a positive integer. Received: beamWidth=0');
    expect(beam({ beamWidth: 2.5 })).toThrow('ctcDecode: beamWidth must be a positive integer. Received: beamWidth=2.5');
    expect(beam({ topPaths: -1 })).toThrow('ctcDecode: topPaths must be a positive integer. Received: topPaths=-1');
    expect(beam({ beamWidth: 2, topPaths: 3 })).toThrow('ctcDecode: topPaths must be at most beamWidth. Received: topPaths=3, beamWidth=2');
    expect(beam({ maskIndex: 4 })).toThrow('ctcDecode: maskIndex must be an integer class index in [0, 3] (the blank class). Received: maskIndex=4');
    expect(beam({ beam_width: 4 } as never)).toThrow("ctcDecode: unknown option 'beam_width' (did you mean 'beamWidth'?)");
    expect(beam({ top_paths: 2 } as never)).toThrow("ctcDecode: unknown option 'top_paths' (did you mean 'topPaths'?)");
  });
});
