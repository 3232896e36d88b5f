// utils.padSequences as a specification: Keras's docstring examples and its own test values,
// every padding/truncating pair against a reference written with slices (as Keras's NumPy code),
// dtypes, typed arrays and empty sequences, and the errors users meet; on the GPU.

import { describe, expect, it } from 'vitest';
import { getBackend, utils } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

async function rows(t: ReturnType<typeof utils.padSequences>): Promise<unknown> {
  expect(getBackend()).toBe('webgpu');
  return t.array();
}

/** Keras's pad_sequences for 1-D sequences: slice, then place before or after the padding. */
function reference(sequences: number[][], maxlen: number, padding: string, truncating: string, value: number): number[][] {
  return sequences.map((s) => {
    const kept = maxlen === 0 ? [] : truncating === 'pre' ? s.slice(-maxlen) : s.slice(0, maxlen);
    const pad = new Array<number>(maxlen - kept.length).fill(value);
    return padding === 'pre' ? [...pad, ...kept] : [...kept, ...pad];
  });
}

const SEQUENCE = [[1], [2, 3], [4, 5, 6]];

describe('padSequences', () => {
  it("Keras's docstring examples", async () => {
    const x = utils.padSequences(SEQUENCE);
    expect(x.dtype).toBe('int32');
    expect(x.shape).toEqual([3, 3]);
    expect(await rows(x)).toEqual([[0, 0, 1], [0, 2, 3], [4, 5, 6]]);
    expect(await rows(utils.padSequences(SEQUENCE, { value: -1 }))).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
    expect(await rows(utils.padSequences(SEQUENCE, { padding: 'post' }))).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
    expect(await rows(utils.padSequences(SEQUENCE, { maxlen: 2 }))).toEqual([[0, 1], [2, 3], [5, 6]]);
  });

  it("Keras's test values: truncating 'post', value, float32", async () => {
    const a = [[1], [1, 2], [1, 2, 3]];
    expect(await rows(utils.padSequences(a, { maxlen: 2, truncating: 'post' }))).toEqual([[0, 1], [1, 2], [1, 2]]);
    expect(await rows(utils.padSequences(a, { maxlen: 3, value: 1 }))).toEqual([[1, 1, 1], [1, 1, 2], [1, 2, 3]]);
    const floats = utils.padSequences([[1.2], [1.2, 2.3], [1.2, 2.3, 3.4]], { maxlen: 2, truncating: 'pre', dtype: 'float32' });
    expect(floats.dtype).toBe('float32');
    const got = (await floats.data()) as Float32Array;
    const expected = [0, 1.2, 1.2, 2.3, 2.3, 3.4];
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  for (const padding of ['pre', 'post'] as const) {
    for (const truncating of ['pre', 'post'] as const) {
      it(`padding '${padding}', truncating '${truncating}' on sequences of 0 to 9 ids`, async () => {
        const sequences = Array.from({ length: 10 }, (_, n) => Array.from({ length: n }, (_, i) => 10 * n + i + 1));
        for (const maxlen of [0, 4, 12]) {
          const x = utils.padSequences(sequences, { maxlen, padding, truncating, value: 7 });
          expect(x.shape).toEqual([10, maxlen]);
          expect(await rows(x)).toEqual(reference(sequences, maxlen, padding, truncating, 7));
        }
      });
    }
  }

  it('takes typed arrays and empty sequences; int32 truncates toward zero as NumPy', async () => {
    const x = utils.padSequences([new Int32Array([5, 6]), [], new Float32Array([1.75, -2.5])], { maxlen: 3, padding: 'post' });
    expect(await rows(x)).toEqual([[5, 6, 0], [0, 0, 0], [1, -2, 0]]);
    expect((await rows(utils.padSequences([], { maxlen: 4 })))).toEqual([]);
    expect(utils.padSequences([], { maxlen: 4 }).shape).toEqual([0, 4]);
  });

  it('rejects bad input before any GPU work, saying what was expected', () => {
    expect(() => utils.padSequences(SEQUENCE, { padding: 'middle' as never })).toThrow(/Invalid value for argument padding\. Expected 'pre' or 'post'\. Received: padding="middle"/);
    expect(() => utils.padSequences(SEQUENCE, { truncating: 'end' as never })).toThrow(/argument truncating/);
    expect(() => utils.padSequences(SEQUENCE, { maxlen: -1 })).toThrow(/`maxlen` must be a non-negative integer\. Received: maxlen=-1/);
    expect(() => utils.padSequences(SEQUENCE, { maxlen: 2.5 })).toThrow(/`maxlen` must be a non-negative integer/);
    expect(() => utils.padSequences(SEQUENCE, { dtype: 'int64' as never })).toThrow(/unknown dtype 'int64'/);
    expect(() => utils.padSequences(SEQUENCE, { value: NaN })).toThrow(/`value` must be a finite number for dtype int32/);
    expect(() => utils.padSequences(SEQUENCE, { maxLength: 3 } as never)).toThrow(/padSequences: unknown option 'maxLength'/);
    expect(() => utils.padSequences([[1], 2] as never)).toThrow(/must be an array of sequences .* Found at position 1: 2/);
    expect(() => utils.padSequences([[1], [[2, 3]]] as never)).toThrow(/sequence at position 1 holds an array at 0/);
    expect(() => utils.padSequences('abc' as never)).toThrow(/must be an array of sequences/);
    expect(() => utils.padSequences([])).toThrow(/cannot infer maxlen from no sequences/);
  });
});
